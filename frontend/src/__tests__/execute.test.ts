import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import {
  AppletApi,
  execute,
  objectInfo,
  refusal,
  runBatch,
  runCall,
  runCommand,
  snapshot,
  splitLabels,
  toJson
} from '../execute';
import type { BatchMsg, CommandResult } from '../protocol';

interface Obj {
  type: string;
  value: string;
  x?: number;
  y?: number;
  num?: number;
}

/**
 * A stand-in for GeoGebra's API object (a test double, not GeoGebra): it knows a
 * handful of commands so the execution logic can be checked without a browser.
 */
function fakeApi(): AppletApi & { objects: Map<string, Obj>; calls: string[] } {
  const objects = new Map<string, Obj>();
  const calls: string[] = [];
  const get = (n: string) => objects.get(n);
  const api = {
    objects,
    calls,
    evalCommandGetLabels(text: string): string | null {
      calls.push(text);
      let m = /^(\w+)\s*=\s*\((-?\d+),\s*(-?\d+)\)$/.exec(text);
      if (m) {
        objects.set(m[1], { type: 'point', value: `${m[1]} = (${m[2]}, ${m[3]})`, x: +m[2], y: +m[3] });
        return m[1];
      }
      m = /^(\w+)\s*=\s*(-?\d+)$/.exec(text);
      if (m) {
        objects.set(m[1], { type: 'numeric', value: `${m[1]} = ${m[2]}`, num: +m[2] });
        return m[1];
      }
      if (text === 'Two') {
        objects.set('P', { type: 'point', value: 'P = (0, 0)', x: 0, y: 0 });
        objects.set('Q', { type: 'point', value: 'Q = (1, 0)', x: 1, y: 0 });
        return 'P,Q';
      }
      if (text.startsWith('SetColor')) {
        return '';
      }
      if (text === 'Throw') {
        throw new Error('kaboom');
      }
      return null;
    },
    getObjectType: (n: string) => get(n)?.type ?? '',
    getValueString: (n: string) => get(n)?.value ?? '',
    getDefinitionString: (n: string) => (get(n) ? `def ${n}` : ''),
    getCommandString: (n: string) => (get(n) ? `cmd ${n}` : ''),
    isDefined: (n: string) => objects.has(n),
    getVisible: (n: string) => objects.has(n),
    getXcoord: (n: string) => get(n)?.x ?? 0,
    getYcoord: (n: string) => get(n)?.y ?? 0,
    getZcoord: () => 0,
    getValue: (n: string) => get(n)?.num ?? 0,
    getAllObjectNames: () => [...objects.keys()],
    getObjectNumber: () => objects.size,
    getVersion: () => '5.0-test',
    getNothing: () => undefined,
    getCycle: () => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    },
    fails: () => {
      throw new Error('nope');
    },
    asyncThing: () => Promise.resolve({ done: true }),
    registerAddListener: () => undefined,
    _private: () => 1,
    notAFunction: 42,
    getBase64: (cb?: (s: string) => void) => {
      setTimeout(() => cb?.('UEsDBA=='), 1);
    },
    exportSVG: (cb?: (s: string) => void) => {
      setTimeout(() => cb?.('<svg/>'), 1);
    },
    loaded: '' as string,
    setBase64(b64: string, cb?: () => void) {
      setTimeout(() => {
        api.loaded = b64;
        cb?.();
      }, 1);
    }
  };
  return api as unknown as AppletApi & { objects: Map<string, Obj>; calls: string[] };
}

test('splitLabels handles several, one and none', () => {
  assert.deepEqual(splitLabels('A,B'), ['A', 'B']);
  assert.deepEqual(splitLabels(' A '), ['A']);
  assert.deepEqual(splitLabels(''), []);
});

test('a command that creates a point reports its labels and coordinates', () => {
  const api = fakeApi();
  const r = runCommand(api, 'A = (1, 2)');
  assert.equal(r.ok, true);
  assert.deepEqual(r.labels, ['A']);
  assert.deepEqual(r.objects[0], {
    name: 'A',
    type: 'point',
    value: 'A = (1, 2)',
    definition: 'def A',
    command: 'cmd A',
    defined: true,
    visible: true,
    x: 1,
    y: 2,
    z: 0
  });
});

test('numbers carry `number`, points do not; points carry x/y/z, numbers do not', () => {
  const api = fakeApi();
  runCommand(api, 'a = 5');
  runCommand(api, 'B = (3, 4)');
  const a = objectInfo(api, 'a');
  const b = objectInfo(api, 'B');
  assert.equal(a.number, 5);
  assert.equal('x' in a, false);
  assert.equal(b.x, 3);
  assert.equal('number' in b, false);
});

test('null means failure; an empty string is success with no labels', () => {
  const api = fakeApi();
  assert.deepEqual(runCommand(api, 'Nonsense('), { ok: false, labels: [], objects: [] });
  assert.deepEqual(runCommand(api, 'SetColor(A, "red")'), { ok: true, labels: [], objects: [] });
  const two = runCommand(api, 'Two');
  assert.deepEqual(two.labels, ['P', 'Q']);
  assert.equal(two.objects.length, 2);
});

function batch(stop: boolean, texts: string[]): BatchMsg {
  return {
    v: 1,
    type: 'batch',
    id: 'b',
    stop_on_error: stop,
    lines: texts.map((text, i) => ({ line: i * 2 + 1, text }))
  };
}

test('a batch runs in order, echoes line numbers, stops after the first failure', () => {
  const api = fakeApi();
  const { results } = runBatch(api, batch(true, ['A = (1, 1)', 'bad', 'B = (2, 2)']));
  assert.deepEqual(
    results.map(r => [r.line, r.text, r.ok]),
    [
      [1, 'A = (1, 1)', true],
      [3, 'bad', false]
    ]
  );
  assert.equal(api.objects.has('B'), false, 'the line after the failure did not run');
});

test('without stop_on_error every line runs; a throwing line fails alone', () => {
  const api = fakeApi();
  const { results } = runBatch(api, batch(false, ['A = (1, 1)', 'Throw', 'bad', 'B = (2, 2)']));
  assert.deepEqual(
    results.map(r => r.ok),
    [true, false, false, true]
  );
  assert.deepEqual(api.calls, ['A = (1, 1)', 'Throw', 'bad', 'B = (2, 2)']);
});

test('call refuses private, missing, non-function and listener methods', () => {
  const api = fakeApi();
  assert.match(refusal(api, '_private') ?? '', /private/);
  assert.match(refusal(api, 'getFoo') ?? '', /not a GeoGebra API method/);
  assert.match(refusal(api, 'notAFunction') ?? '', /not a GeoGebra API method/);
  assert.match(refusal(api, 'registerAddListener') ?? '', /callback/);
  assert.match(refusal(api, 'constructor') ?? '', /not a GeoGebra API method/);
  assert.match(refusal(api, 'toString') ?? '', /not a GeoGebra API method/);
  assert.equal(refusal(api, 'getValue'), null);
  assert.equal(refusal(api, 42), 'the method name must be a non-empty string');
});

test('call returns JSON values; undefined becomes null', async () => {
  const api = fakeApi();
  runCommand(api, 'a = 7');
  assert.deepEqual(await runCall(api, { method: 'getValue', args: ['a'] }), {
    ok: true,
    result: 7
  });
  assert.deepEqual(await runCall(api, { method: 'getNothing', args: [] }), {
    ok: true,
    result: null
  });
  assert.deepEqual(await runCall(api, { method: 'asyncThing', args: [] }), {
    ok: true,
    result: { done: true }
  });
});

test('call turns exceptions and unserialisable results into failed replies', async () => {
  const api = fakeApi();
  const thrown = await runCall(api, { method: 'fails', args: [] });
  assert.deepEqual(thrown, { ok: false, error: 'fails failed: nope' });
  const cyclic = await runCall(api, { method: 'getCycle', args: [] });
  assert.equal(cyclic.ok, false);
  assert.match(!cyclic.ok ? cyclic.error : '', /JSON/);
  const missing = await runCall(api, { method: 'getFoo', args: [] });
  assert.deepEqual(missing, { ok: false, error: 'getFoo is not a GeoGebra API method' });
});

test('getBase64, exportSVG and setBase64 answer through their callbacks', async () => {
  const api = fakeApi();
  assert.deepEqual(await runCall(api, { method: 'getBase64', args: [] }), {
    ok: true,
    result: 'UEsDBA=='
  });
  assert.deepEqual(await runCall(api, { method: 'exportSVG', args: [] }), {
    ok: true,
    result: '<svg/>'
  });
  assert.deepEqual(await runCall(api, { method: 'setBase64', args: ['QUJD'] }), {
    ok: true,
    result: null
  });
  assert.equal((api as unknown as { loaded: string }).loaded, 'QUJD');
});

test('a getBase64 that returns synchronously is answered at once', async () => {
  const api = fakeApi();
  (api as Record<string, unknown>).getBase64 = () => 'U1lOQw==';
  assert.deepEqual(await runCall(api, { method: 'getBase64', args: [] }), {
    ok: true,
    result: 'U1lOQw=='
  });
});

test('a callback that never comes fails after the timeout', async () => {
  const api = fakeApi();
  (api as Record<string, unknown>).exportSVG = () => undefined;
  const r = await runCall(api, { method: 'exportSVG', args: [] }, 20);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /did not answer/);
});

test('snapshot lists every object in construction order; ping reports counts', async () => {
  const api = fakeApi();
  runCommand(api, 'B = (1, 1)');
  runCommand(api, 'a = 2');
  assert.deepEqual(
    snapshot(api).objects.map(o => o.name),
    ['B', 'a']
  );
  const ping = await execute(api, { v: 1, type: 'ping', id: 'p' }, 'geometry');
  assert.deepEqual(ping, {
    ok: true,
    result: { version: '5.0-test', appName: 'geometry', objects: 2 }
  });
});

test('execute: a command that throws is a failed reply, not an exception', async () => {
  const api = fakeApi();
  const r = await execute(api, { v: 1, type: 'command', id: 'c', text: 'Throw' }, 'classic');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /kaboom/);
  const ok = await execute(api, { v: 1, type: 'command', id: 'c', text: 'A = (0, 1)' }, 'classic');
  assert.equal(ok.ok && (ok.result as CommandResult).ok, true);
});

test('toJson: undefined -> null, NaN -> null, plain values kept', () => {
  assert.equal(toJson(undefined), null);
  assert.equal(toJson(Number.NaN), null);
  assert.deepEqual(toJson({ a: [1, 'x', true] }), { a: [1, 'x', true] });
});
