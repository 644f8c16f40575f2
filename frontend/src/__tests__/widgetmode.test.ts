import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { loopbackAllowed, loopbackUrl } from '../widget/mode';
import { configFrom, DEFAULT_CONFIG, watchedNames } from '../widget/model';

test('only pages from this machine try the loopback socket', () => {
  const cases: [string, boolean][] = [
    ['http://127.0.0.1:2718', true],
    ['http://localhost:8888', true],
    ['https://lab.localhost', true],
    ['http://[::1]:2718', true],
    ['vscode-webview://1a2b3c', true],
    ['https://colab.research.google.com', false],
    ['http://notebook.test:2718', false],
    ['http://127.0.0.1.evil.example', false],
    ['null', false],
    ['file:///tmp/x.html', false],
    ['', false]
  ];
  for (const [origin, allowed] of cases) {
    assert.equal(loopbackAllowed(origin), allowed, origin);
  }
});

test('the loopback URL needs a real port', () => {
  assert.equal(loopbackUrl(2718), 'ws://127.0.0.1:2718/');
  for (const bad of [0, -1, 65536, 1.5, '2718', null, undefined]) {
    assert.equal(loopbackUrl(bad), null, String(bad));
  }
});

test("the applet's configuration: wrong kinds fall back, restore only when given", () => {
  assert.deepEqual(configFrom(null, ''), DEFAULT_CONFIG);
  const c = configFrom({ appName: 'geometry', width: '9', height: 50, showToolBar: true,
    deployggbUrl: '' }, 'UEsD');
  assert.equal(c.appName, 'geometry');
  assert.equal(c.width, DEFAULT_CONFIG.width);
  assert.equal(c.height, 100); // at least 100 px
  assert.equal(c.showToolBar, true);
  assert.equal(c.deployggbUrl, DEFAULT_CONFIG.deployggbUrl);
  assert.equal(c.ggbBase64, 'UEsD');
  assert.equal('ggbBase64' in configFrom({}, 3), false);
});

test('watched names: strings only, at most 100', () => {
  assert.deepEqual(watchedNames(['A', 3, null, 'd']), ['A', 'd']);
  assert.deepEqual(watchedNames('A'), []);
  assert.equal(watchedNames(Array.from({ length: 150 }, (_, i) => `p${i}`)).length, 100);
});
