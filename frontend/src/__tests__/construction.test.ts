import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { appOfXml, builtApp, chooseRestore, RestoreCandidates } from '../core/construction';

const none: RestoreCandidates = { carried: null, kernel: null, firstBuild: false, saved: [] };

test('a new applet starts from the freshest construction known', () => {
  const cases: [Partial<RestoreCandidates>, string | null, string | null][] = [
    [{}, null, null],
    [{ carried: 'C', kernel: 'K', firstBuild: true, saved: ['S'] }, 'C', 'carried'],
    [{ kernel: 'K', firstBuild: true, saved: ['S'] }, 'K', 'kernel'],
    [{ kernel: 'K' }, 'K', 'kernel'],
    [{ firstBuild: true, saved: ['S1', null, 'S2'] }, 'S2', 'saved'],
    [{ firstBuild: true, saved: [null] }, null, null],
    // A saved output only counts for a page's first applet (a rebuild has the kernel's).
    [{ firstBuild: false, saved: ['S'] }, null, null]
  ];
  for (const [partial, b64, from] of cases) {
    assert.deepEqual(chooseRestore({ ...none, ...partial }), { b64, from }, JSON.stringify(partial));
  }
});

test('the app is read from the root element of the construction', () => {
  const real =
    '<?xml version="1.0" encoding="utf-8"?>\n<geogebra format="5.0" version="5.0.745.0" ' +
    'app="classic" platform="w" id="x" >\n<euclidianView>';
  const cases: [string, string | null][] = [
    [real, 'classic'],
    ['<geogebra format="5.0" app="3d">', '3d'],
    ['<geogebra format="5.0">', null],
    ['<geogebra app="">', null],
    ['<element app="graphing">', null],
    ['', null]
  ];
  for (const [xml, app] of cases) {
    assert.equal(appOfXml(xml), app, xml);
  }
  assert.equal(builtApp('3d', real), 'classic');
  assert.equal(builtApp('geometry', real), 'classic');
  assert.equal(builtApp('3d', '<geogebra app="classic"><euclidianView3D>'), '3d');
  assert.equal(builtApp('graphing', '<geogebra>'), 'graphing');
  assert.equal(builtApp('graphing', null), 'graphing');
});
