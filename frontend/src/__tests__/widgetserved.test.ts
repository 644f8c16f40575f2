import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { DEFAULT_CONFIG } from '../widget/model';
import { fetchServed, parsePageConfig, withServed } from '../widget/served';

const PAGE = 'http://127.0.0.1:8888/user/ana/lab/tree/x.ipynb';

const configs: Array<[string, string | null, { baseUrl: string; token: string } | null]> = [
  ['JupyterLab', '{"baseUrl": "/user/ana/", "token": "t0k"}',
    { baseUrl: 'http://127.0.0.1:8888/user/ana/', token: 't0k' }],
  ['no token, base without a slash', '{"baseUrl": "/user/ana"}',
    { baseUrl: 'http://127.0.0.1:8888/user/ana/', token: '' }],
  ['no element (marimo, VS Code)', null, null],
  ['not JSON', '<script>', null],
  ['JSON null', 'null', null],
  ['no baseUrl', '{"token": "x"}', null],
  ['a number for baseUrl', '{"baseUrl": 3}', null]
];
for (const [name, text, expected] of configs) {
  test(`parsePageConfig: ${name}`, () => {
    assert.deepEqual(parsePageConfig(text, PAGE), expected);
  });
}

const LIST = {
  installed: [{ version: '5.0.745.0', modules: ['webSimple'], path: 'ggbmagic/geogebra/5.0.745.0/' }]
};
const server = { baseUrl: 'http://127.0.0.1:8888/user/ana/', token: 't0k' };

test('fetchServed asks the server with the token in a header, never in the URL', async () => {
  const seen: Array<[string, RequestInit | undefined]> = [];
  const fake = (async (url: string, init?: RequestInit) => {
    seen.push([url, init]);
    return new Response(JSON.stringify(LIST), { status: 200 });
  }) as unknown as typeof fetch;
  const served = await fetchServed(server, fake);
  assert.equal(seen.length, 1);
  assert.equal(seen[0][0], 'http://127.0.0.1:8888/user/ana/ggbmagic/geogebra');
  assert.deepEqual((seen[0][1]?.headers as Record<string, string>).Authorization, 'token t0k');
  assert.deepEqual(served, [{
    version: '5.0.745.0', modules: ['webSimple'],
    url: 'http://127.0.0.1:8888/user/ana/ggbmagic/geogebra/5.0.745.0/'
  }]);
});

test('fetchServed: an error status, a throw or a hang mean nothing is served', async () => {
  const status = (async () => new Response('no', { status: 404 })) as unknown as typeof fetch;
  assert.deepEqual(await fetchServed(server, status), []);
  const thrown = (async () => { throw new TypeError('offline'); }) as unknown as typeof fetch;
  assert.deepEqual(await fetchServed(server, thrown), []);
  const hang = ((_u: string, init?: RequestInit) => new Promise((_, reject) => {
    init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
  })) as unknown as typeof fetch;
  assert.deepEqual(await fetchServed(server, hang, 20), []);
});

test('withServed: the defaults give way to the served bundle; a named URL does not', () => {
  const served = [{ version: '5.0.745.0', modules: ['webSimple'], url: 'http://h/ggbmagic/geogebra/5.0.745.0/' }];
  const c = withServed(DEFAULT_CONFIG, served);
  assert.equal(c.deployggbUrl, 'http://h/ggbmagic/geogebra/5.0.745.0/deployggb.js');
  assert.equal(c.html5Codebase, 'http://h/ggbmagic/geogebra/5.0.745.0/HTML5/5.0/webSimple/');
  assert.equal(c.height, DEFAULT_CONFIG.height);
  const own = withServed({ ...DEFAULT_CONFIG, deployggbUrl: 'https://school/deployggb.js' }, served);
  assert.equal(own.deployggbUrl, 'https://school/deployggb.js');
  assert.deepEqual(withServed(DEFAULT_CONFIG, []).deployggbUrl, DEFAULT_CONFIG.deployggbUrl);
});
