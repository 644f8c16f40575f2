import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import {
  appletConfig,
  chooseGeoGebra,
  DEFAULT_SETTINGS,
  describeSource,
  GgbSettings,
  parseServed,
  ServedGeoGebra
} from '../host';

const BASE = 'http://127.0.0.1:8888/user/ana/';
const served: ServedGeoGebra[] = [
  { version: '5.0.800.0', modules: ['webSimple', 'web3d'], url: `${BASE}ggbmagic/geogebra/5.0.800.0/` },
  { version: '5.0.745.0', modules: ['webSimple'], url: `${BASE}ggbmagic/geogebra/5.0.745.0/` }
];
const school = 'https://school.example/GeoGebra/deployggb.js';

const cases: Array<[string, Partial<GgbSettings>, ServedGeoGebra[], string, string, string]> = [
  // name, settings, served, deployggbUrl, html5Codebase, where
  ['defaults, bundle installed: the newest, fullest module', {}, served,
    `${BASE}ggbmagic/geogebra/5.0.800.0/deployggb.js`,
    `${BASE}ggbmagic/geogebra/5.0.800.0/HTML5/5.0/web3d/`, 'server'],
  ['defaults, nothing installed: geogebra.org', {}, [],
    DEFAULT_SETTINGS.deployggbUrl, '', 'geogebra.org'],
  ['an empty deployggbUrl is the default', { deployggbUrl: '' }, served.slice(1),
    `${BASE}ggbmagic/geogebra/5.0.745.0/deployggb.js`,
    `${BASE}ggbmagic/geogebra/5.0.745.0/HTML5/5.0/webSimple/`, 'server'],
  ['settings name a URL: they win over the bundle', { deployggbUrl: school }, served,
    school, '', 'settings'],
  ['a codebase alone also wins; the installed loader loads it', { html5Codebase: 'https://s.example/HTML5/5.0/web3d/' }, served,
    `${BASE}ggbmagic/geogebra/5.0.800.0/deployggb.js`, 'https://s.example/HTML5/5.0/web3d/', 'settings'],
  ['a codebase alone, nothing installed: geogebra.org\'s loader', { html5Codebase: 'https://s.example/HTML5/5.0/web3d/' }, [],
    DEFAULT_SETTINGS.deployggbUrl, 'https://s.example/HTML5/5.0/web3d/', 'settings'],
  ['an installed version without modules is skipped', {},
    [{ version: '5.0.1.0', modules: [], url: `${BASE}x/` }], DEFAULT_SETTINGS.deployggbUrl, '',
    'geogebra.org']
];

for (const [name, settings, list, deploy, codebase, where] of cases) {
  test(`chooseGeoGebra: ${name}`, () => {
    const c = chooseGeoGebra({ ...DEFAULT_SETTINGS, ...settings }, list);
    assert.equal(c.deployggbUrl, deploy);
    assert.equal(c.html5Codebase, codebase);
    assert.equal(c.source.where, where);
  });
}

test('the module of a settings codebase is named for the status', () => {
  const c = chooseGeoGebra(
    { ...DEFAULT_SETTINGS, deployggbUrl: school, html5Codebase: 'https://s/GeoGebra/HTML5/5.0/web3d/' },
    []
  );
  assert.deepEqual(c.source, { where: 'settings', version: '', module: 'web3d' });
});

test('appletConfig carries the choice and its source; describeSource says it', () => {
  const c = appletConfig(DEFAULT_SETTINGS, {}, { width: 10, height: 20 }, null, served.slice(1));
  assert.equal(c.deployggbUrl, `${BASE}ggbmagic/geogebra/5.0.745.0/deployggb.js`);
  assert.equal(describeSource(c), 'GeoGebra 5.0.745.0 (webSimple) from this Jupyter server');
  const d = appletConfig(DEFAULT_SETTINGS, {}, null, null);
  assert.equal(describeSource(d), `GeoGebra from ${DEFAULT_SETTINGS.deployggbUrl}`);
});

test('parseServed keeps only well-formed entries and makes absolute URLs', () => {
  const body = {
    installed: [
      { version: '5.0.745.0', modules: ['webSimple'], path: 'ggbmagic/geogebra/5.0.745.0/' },
      { version: '../x', modules: ['webSimple'], path: 'ggbmagic/geogebra/../x/' },
      { version: '5.0.1.0', modules: ['<img>'], path: 'ggbmagic/geogebra/5.0.1.0/' },
      { version: '5.0.2.0', modules: ['web3d'], path: '//evil.example/' },
      'nonsense'
    ]
  };
  assert.deepEqual(parseServed(body, 'http://h:1/user/ana'), [
    { version: '5.0.745.0', modules: ['webSimple'], url: 'http://h:1/user/ana/ggbmagic/geogebra/5.0.745.0/' }
  ]);
  assert.deepEqual(parseServed(null, BASE), []);
  assert.deepEqual(parseServed({ installed: 'x' }, BASE), []);
});
