import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { Activity } from '../activity';
import { AppletApi, BATCH_SLICE_MS, namesUsed, runBatch, whyFailed } from '../execute';
import { codebaseScript, probe, verdict } from '../probe';
import type { Request } from '../protocol';
import { MAX_COMMAND_CHARS, oversized } from '../requests';

/** Only `exists` (whyFailed needs nothing else): these objects exist. */
function existing(...names: string[]): AppletApi {
  return { exists: (n: string) => names.includes(n) } as unknown as AppletApi;
}

const NAMES: Array<[string, string[]]> = [
  ['SetColor(Z, "red")', ['Z']],
  ['Circle(A, 2)', ['A']],
  ['c = Circle(A, B)', ['A', 'B']],
  ['f(x) = x^2 + a', ['a']],
  ['t = Text("Circle(Q, 1)") + n', ['n']],
  ['P = (2x, y + z)', []],
  ['B = Midpoint(Nope, C)', ['Nope', 'C']],
  ["SetCoords(A_{1}', 1, 2)", ["A_{1}'"]],
  ['a = 1.5E3 + pi + e', []],
  ['L = Sequence(k^2, k, 1, 10)', []],
  ['L = Sequence(P + k, k, 1, 3)', []],
  ['M = Sequence(Q, k, 1, 3)', ['Q']],
  ['ShowGrid(true)', []]
];

test('namesUsed: the object names a command uses, from a table', () => {
  for (const [text, expected] of NAMES) {
    assert.deepEqual(namesUsed(text), expected, text);
  }
});

const WHY: Array<[string, string[], string]> = [
  ['SetColor(Z, "red")', [], 'there is no object named Z; nothing was changed'],
  ['SetColor(z, "red")', [], 'GeoGebra refused it: no object was created or changed'],
  ['Circle(A, Z)', ['A'], 'there is no object named Z; nothing was changed'],
  ['Polygon(A, B, C)', ['A'], 'there are no objects named B, C; nothing was changed'],
  ['Circel(A, 2)', ['A'], 'GeoGebra refused it: no object was created or changed']
];

test('whyFailed names every missing object, single letters too, from a table', () => {
  for (const [text, objects, expected] of WHY) {
    assert.equal(whyFailed(existing(...objects), text), expected, text);
  }
});

function command(text: string): Request {
  return { type: 'command', id: 'c1', v: 1, text } as unknown as Request;
}

test('oversized: a command or script over the browser ceiling is refused, word for word', () => {
  assert.equal(oversized(command('A = (1, 2)')), null);
  assert.equal(oversized(command('x'.repeat(MAX_COMMAND_CHARS))), null);
  assert.equal(
    oversized(command('x'.repeat(MAX_COMMAND_CHARS + 1))),
    'the browser refuses a command of 400,001 characters, over its limit of 400,000 ' +
      '(GeoGebra would block the page for minutes); send less, e.g. a sample of the data'
  );
  const lines = (sizes: number[]) =>
    ({
      type: 'batch',
      id: 'b1',
      v: 1,
      stop_on_error: true,
      lines: sizes.map((n, i) => ({ line: i + 1, text: 'y'.repeat(n) }))
    }) as unknown as Request;
  assert.equal(oversized(lines([10, 20]), 100, 1000), null);
  assert.equal(
    oversized(lines([10, 101]), 100, 1000),
    'the browser refuses line 2, a command of 101 characters, over its limit of 100 ' +
      '(GeoGebra would block the page for minutes); send less, e.g. a sample of the data'
  );
  assert.match(oversized(lines([90, 90, 90]), 100, 200) ?? '', /^the browser refuses a script of 270/);
});

test('a long script lets the page run other tasks while it runs', async () => {
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 1);
  const busy = (): string => {
    const end = Date.now() + 5;
    while (Date.now() < end) {
      // GeoGebra parsing a line
    }
    return 'a';
  };
  const api = { evalCommandGetLabels: busy } as unknown as AppletApi;
  const activity = new Activity();
  const started = Date.now();
  const lines = Array.from({ length: 60 }, (_, i) => ({ line: i + 1, text: `a${i} = 1` }));
  const out = await runBatch(
    api,
    { type: 'batch', id: 'b', v: 1, stop_on_error: true, lines } as never,
    { activity, deadline: Date.now() + 60000, now: () => Date.now() }
  );
  clearInterval(timer);
  assert.equal(out.results.length, 60);
  // 60 lines x 5 ms = 300 ms of work; the page got turns between slices of BATCH_SLICE_MS.
  assert.ok(Date.now() - started >= 300);
  assert.ok(ticks >= 3, `the interval ran ${ticks} times during a ${BATCH_SLICE_MS} ms-sliced batch`);
});

test('codebaseScript: the script deployggb.js loads from a codebase, from a table', () => {
  const cases: Array<[string, string]> = [
    ['https://s.example/GeoGebra/HTML5/5.0/webSimple/', 'https://s.example/GeoGebra/HTML5/5.0/webSimple/webSimple.nocache.js'],
    ['https://s.example/GeoGebra/HTML5/5.0/web3d', 'https://s.example/GeoGebra/HTML5/5.0/web3d/web3d.nocache.js'],
    ['https://s.example/GeoGebra/HTML5/5.0/', 'https://s.example/GeoGebra/HTML5/5.0/web.nocache.js']
  ];
  for (const [codebase, script] of cases) {
    assert.equal(codebaseScript(codebase), script);
  }
});

test('verdict and probe say what came back, word for word', async () => {
  const answer = (ok: boolean, status: number, statusText: string, contentType: string) => ({
    ok, status, statusText, contentType
  });
  assert.equal(verdict(answer(true, 200, 'OK', 'application/javascript; charset=utf-8')), null);
  assert.equal(verdict(answer(false, 404, 'Not Found', 'text/html')), 'it answered HTTP 404 Not Found');
  assert.equal(
    verdict(answer(true, 200, 'OK', 'text/html; charset=utf-8')),
    'it answered HTTP 200 with text/html, not JavaScript'
  );
  const fake = (status: number, type: string) =>
    (async () => new Response('x', { status, headers: { 'content-type': type } })) as typeof fetch;
  assert.equal(await probe('http://h/x.js', fake(404, 'text/plain')), 'it answered HTTP 404');
  assert.equal(await probe('http://h/x.js', fake(200, 'text/javascript')), null);
  const offline = (async () => {
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  assert.equal(await probe('http://h/x.js', offline), null);
});
