import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { Activity } from '../activity';
import { namesOf, normalizeClientEvent } from '../clientevent';
import {
  AppletApi,
  CALLBACK_TIMEOUT_MS,
  deadlineOf,
  execute,
  objectInfo,
  refusal,
  RunContext,
  runBatch,
  runCall,
  runCommand,
  snapshot,
  splitLabels,
  toJson,
  whyFailed
} from '../execute';
import { BatchMsg, CommandResult, nonFiniteReplacer } from '../protocol';

interface Obj {
  type: string;
  value: string;
  x?: number;
  y?: number;
  num?: number;
}

type Listener = (...args: unknown[]) => void;

/**
 * A stand-in for GeoGebra's API object (a test double, not GeoGebra): it knows a
 * handful of commands and answers the way the real GeoGebra 5.0.745.0 was measured to
 * (tests/conformance/real-answers.json): scripting commands return null and fire
 * listeners synchronously, failures return null and fire nothing, TriangleCenter throws
 * "not loaded yet" until asyncEvalCommandGetLabels loaded its module, getValue is NaN
 * for a point, setBase64 loads later and never calls its callback.
 */
function fakeApi(): AppletApi & {
  objects: Map<string, Obj>;
  calls: string[];
  activity: Activity;
  fire(kind: string, ...args: unknown[]): void;
} {
  const objects = new Map<string, Obj>();
  const calls: string[] = [];
  const listeners: Record<string, Listener[]> = {};
  const activity = new Activity();
  const get = (n: string) => objects.get(n);
  let discreteLoaded = false;
  const fire = (kind: string, ...args: unknown[]) => {
    for (const fn of listeners[kind] ?? []) {
      fn(...args);
    }
  };
  const register = (kind: string) => (fn: Listener) => {
    (listeners[kind] ??= []).push(fn);
  };
  const add = (name: string, obj: Obj) => {
    objects.set(name, obj);
    fire('add', name);
  };
  const evalOne = (text: string): string | null => {
    let m = /^(\w+)\s*=\s*\((-?\d+),\s*(-?\d+)\)$/.exec(text);
    if (m) {
      add(m[1], { type: 'point', value: `${m[1]} = (${m[2]}, ${m[3]})`, x: +m[2], y: +m[3] });
      return m[1];
    }
    m = /^(\w+)\s*=\s*(-?\d+)$/.exec(text);
    if (m) {
      add(m[1], { type: 'numeric', value: `${m[1]} = ${m[2]}`, num: +m[2] });
      return m[1];
    }
    m = /^und\s*=\s*1\/0$/.exec(text);
    if (m) {
      add('und', { type: 'numeric', value: 'und = ∞', num: Infinity });
      return 'und';
    }
    if (text === 'Two') {
      add('P', { type: 'point', value: 'P = (0, 0)', x: 0, y: 0 });
      add('Q', { type: 'point', value: 'Q = (1, 0)', x: 1, y: 0 });
      return 'P,Q';
    }
    m = /^SetColor\((\w+), "\w+"\)$/.exec(text);
    if (m) {
      if (objects.has(m[1])) {
        const e = Object.assign(['updateStyle', m[1], m[1]], {
          type: 'updateStyle',
          target: m[1],
          argument: m[1]
        });
        fire('client', e);
      }
      return null;
    }
    m = /^Delete\((\w+)\)$/.exec(text);
    if (m) {
      if (objects.delete(m[1])) {
        fire('remove', m[1]);
      }
      return null;
    }
    m = /^(\w+)\s*=\s*TriangleCenter\(/.exec(text);
    if (m) {
      if (!discreteLoaded) {
        throw new Error('Class$S233: Discrete commands not loaded yet');
      }
      add(m[1], { type: 'point', value: `${m[1]} = (1, 1)`, x: 1, y: 1 });
      return m[1];
    }
    if (text === 'Throw') {
      throw new Error('kaboom');
    }
    return null;
  };
  const api = {
    objects,
    calls,
    activity,
    fire,
    evalCommandGetLabels(text: string): string | null {
      calls.push(text);
      return evalOne(text);
    },
    asyncEvalCommandGetLabels(text: string): Promise<string | null> {
      calls.push(`async ${text}`);
      return new Promise(resolve =>
        setTimeout(() => {
          discreteLoaded = true;
          resolve(evalOne(text));
        }, 1)
      );
    },
    evalCommand(text: string): boolean {
      calls.push(text);
      return evalOne(text) !== null;
    },
    asyncEvalCommand(text: string): Promise<boolean> {
      return api.asyncEvalCommandGetLabels(text).then(l => l !== null);
    },
    exists: (n: string) => objects.has(n),
    getObjectType: (n: string) => get(n)?.type ?? '',
    getValueString: (n: string) => get(n)?.value ?? '',
    getDefinitionString: (n: string) => (get(n) ? `def ${n}` : ''),
    getCommandString: (n: string) => (get(n) ? `cmd ${n}` : ''),
    isDefined: (n: string) => objects.has(n),
    getVisible: (n: string) => objects.has(n),
    getXcoord: (n: string) => get(n)?.x ?? 0,
    getYcoord: (n: string) => get(n)?.y ?? 0,
    getZcoord: () => 0,
    // Measured: NaN for a point, 0 for a missing name.
    getValue: (n: string) => (!objects.has(n) ? 0 : get(n)?.num ?? Number.NaN),
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
    registerAddListener: register('add'),
    registerRemoveListener: register('remove'),
    registerUpdateListener: register('update'),
    registerClientListener: register('client'),
    _private: () => 1,
    notAFunction: 42,
    getBase64: (cb?: (s: string) => void) => {
      setTimeout(() => cb?.('UEsDBA=='), 1);
    },
    exportSVG: (cb?: (s: string) => void) => {
      setTimeout(() => cb?.('<svg/>'), 1);
    },
    loaded: '' as string,
    // Measured: clears at once, the file's objects arrive later, the callback never comes.
    setBase64(b64: string, _cb?: () => void) {
      objects.clear();
      setTimeout(() => {
        api.loaded = b64;
        for (const name of b64.split('')) {
          add(name, { type: 'point', value: `${name} = (0, 0)`, x: 0, y: 0 });
        }
      }, 5);
      return null;
    }
  };
  // What the bridge does: every listener call is recorded (bridge.ts, listen()).
  register('add')((n: unknown) => activity.record([String(n)]));
  register('remove')((n: unknown) => activity.record([String(n)]));
  register('update')((n: unknown) => activity.record([String(n)]));
  register('client')((e: unknown) => {
    const c = normalizeClientEvent(e);
    activity.record(c ? namesOf(c) : []);
  });
  return api as unknown as AppletApi & {
    objects: Map<string, Obj>;
    calls: string[];
    activity: Activity;
    fire(kind: string, ...args: unknown[]): void;
  };
}

function ctxOf(api: { activity: Activity }, ms = 2000): RunContext {
  return { activity: api.activity, deadline: Date.now() + ms, now: () => Date.now() };
}

test('splitLabels handles several, one and none', () => {
  assert.deepEqual(splitLabels('A,B'), ['A', 'B']);
  assert.deepEqual(splitLabels(' A '), ['A']);
  assert.deepEqual(splitLabels(''), []);
});

test('a command that creates a point reports its labels and coordinates', async () => {
  const api = fakeApi();
  const r = await runCommand(api, 'A = (1, 2)', ctxOf(api));
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

test('numbers carry `number`, points do not; points carry x/y/z, numbers do not', async () => {
  const api = fakeApi();
  await runCommand(api, 'a = 5', ctxOf(api));
  await runCommand(api, 'B = (3, 4)', ctxOf(api));
  const a = objectInfo(api, 'a');
  const b = objectInfo(api, 'B');
  assert.equal(a.number, 5);
  assert.equal('x' in a, false);
  assert.equal(b.x, 3);
  assert.equal('number' in b, false);
});

test('null with listener activity is a scripting command that ran; null alone failed', async () => {
  const api = fakeApi();
  await runCommand(api, 'A = (1, 2)', ctxOf(api));
  // Real GeoGebra: SetColor answers null both ways; only the updateStyle event differs.
  assert.deepEqual(await runCommand(api, 'SetColor(A, "red")', ctxOf(api)), {
    ok: true,
    labels: [],
    objects: [],
    changed: ['A']
  });
  assert.deepEqual(await runCommand(api, 'SetColor(Nope, "red")', ctxOf(api)), {
    ok: false,
    labels: [],
    objects: [],
    error: 'there is no object named Nope; nothing was changed'
  });
  assert.deepEqual(await runCommand(api, 'Nonsense(', ctxOf(api)), {
    ok: false,
    labels: [],
    objects: [],
    error: 'GeoGebra refused it: no object was created or changed'
  });
  const gone = await runCommand(api, 'Delete(A)', ctxOf(api));
  assert.deepEqual([gone.ok, gone.changed], [true, ['A']]);
  const two = await runCommand(api, 'Two', ctxOf(api));
  assert.deepEqual(two.labels, ['P', 'Q']);
  assert.equal(two.objects.length, 2);
});

test('listener calls from before a command do not count as its success', async () => {
  const api = fakeApi();
  api.fire('update', 'X'); // e.g. a drag just before
  const r = await runCommand(api, 'SetColor(Nope, "red")', ctxOf(api));
  assert.equal(r.ok, false);
});

test('whyFailed names a missing first argument, never a constant', () => {
  const api = fakeApi();
  assert.match(whyFailed(api, 'SetValue(b, 3)'), /no object named b/);
  assert.match(whyFailed(api, "SetCoords(A_{1}', 1, 2)"), /no object named A_\{1\}'/);
  assert.match(whyFailed(api, 'ShowGrid(true)'), /refused it/);
  assert.match(whyFailed(api, 'Frobnicate(1)'), /refused it/);
  assert.match(whyFailed(api, 'B = Midpoint(Nope, C)'), /no objects? named Nope/);
});

test('a lazily loaded command works on first use through the async twin', async () => {
  const api = fakeApi();
  const r = await runCommand(api, 'G = TriangleCenter(A, B, C, 2)', ctxOf(api));
  assert.deepEqual([r.ok, r.labels], [true, ['G']]);
  assert.deepEqual(api.calls, ['G = TriangleCenter(A, B, C, 2)', 'async G = TriangleCenter(A, B, C, 2)']);
  // Once loaded, the synchronous call works.
  const h = await runCommand(api, 'H = TriangleCenter(A, B, C, 3)', ctxOf(api));
  assert.deepEqual(h.labels, ['H']);
  assert.equal(api.calls.length, 3);
});

test('call evalCommandGetLabels / evalCommand also load lazily', async () => {
  const api = fakeApi();
  assert.deepEqual(
    await runCall(api, { method: 'evalCommandGetLabels', args: ['G = TriangleCenter(A, B, C, 2)'] }, ctxOf(api)),
    { ok: true, result: 'G' }
  );
  const fresh = fakeApi();
  assert.deepEqual(
    await runCall(fresh, { method: 'evalCommand', args: ['G = TriangleCenter(A, B, C, 2)'] }, ctxOf(fresh)),
    { ok: true, result: true }
  );
});

test('another exception from the sync call is not retried', async () => {
  const api = fakeApi();
  await assert.rejects(runCommand(api, 'Throw', ctxOf(api)), /kaboom/);
  assert.deepEqual(api.calls, ['Throw']);
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

test('a batch runs in order, echoes line numbers, stops after the first failure', async () => {
  const api = fakeApi();
  const { results } = await runBatch(api, batch(true, ['A = (1, 1)', 'bad', 'B = (2, 2)']), ctxOf(api));
  assert.deepEqual(
    results.map(r => [r.line, r.text, r.ok]),
    [
      [1, 'A = (1, 1)', true],
      [3, 'bad', false]
    ]
  );
  assert.equal(api.objects.has('B'), false, 'the line after the failure did not run');
});

test('without stop_on_error every line runs; a throwing line fails alone', async () => {
  const api = fakeApi();
  const { results } = await runBatch(
    api,
    batch(false, ['A = (1, 1)', 'Throw', 'bad', 'B = (2, 2)']),
    ctxOf(api)
  );
  assert.deepEqual(
    results.map(r => r.ok),
    [true, false, false, true]
  );
  assert.match(results[1].error ?? '', /kaboom/);
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

test('a batch reports scripting lines as run and names the failing one', async () => {
  const api = fakeApi();
  const { results } = await runBatch(
    api,
    batch(true, ['A = (1, 1)', 'SetColor(A, "red")', 'SetColor(Nope, "red")', 'B = (2, 2)']),
    ctxOf(api)
  );
  assert.deepEqual(
    results.map(r => [r.line, r.ok]),
    [
      [1, true],
      [3, true],
      [5, false]
    ]
  );
  assert.match(results[2].error ?? '', /Nope/);
});

test('a batch stops once the deadline has passed', async () => {
  const api = fakeApi();
  const ctx = ctxOf(api);
  let t = 0;
  ctx.now = () => (t += 1); // every line takes one tick
  ctx.deadline = 2;
  const { results } = await runBatch(api, batch(false, ['A = (1, 1)', 'B = (2, 2)', 'C = (3, 3)']), ctx);
  assert.ok(results.length < 3, `ran ${results.length} lines past the deadline`);
});

test('call returns JSON values; undefined becomes null', async () => {
  const api = fakeApi();
  await runCommand(api, 'a = 7', ctxOf(api));
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

test('NaN and infinities travel as {"$float": …}, not null', async () => {
  const api = fakeApi();
  await runCommand(api, 'A = (1, 2)', ctxOf(api));
  await runCommand(api, 'und = 1/0', ctxOf(api));
  assert.deepEqual(await runCall(api, { method: 'getValue', args: ['A'] }, ctxOf(api)), {
    ok: true,
    result: { $float: 'nan' }
  });
  assert.deepEqual(await runCall(api, { method: 'getValue', args: ['und'] }, ctxOf(api)), {
    ok: true,
    result: { $float: 'inf' }
  });
  assert.equal(
    JSON.stringify(objectInfo(api, 'und'), nonFiniteReplacer).includes('"number":{"$float":"inf"}'),
    true
  );
});

test('getBase64 and exportSVG answer through their callbacks', async () => {
  const api = fakeApi();
  assert.deepEqual(await runCall(api, { method: 'getBase64', args: [] }), {
    ok: true,
    result: 'UEsDBA=='
  });
  assert.deepEqual(await runCall(api, { method: 'exportSVG', args: [] }), {
    ok: true,
    result: '<svg/>'
  });
});

test('setBase64 without a callback is confirmed by the file\'s objects arriving', async () => {
  const api = fakeApi();
  await runCommand(api, 'Z = (9, 9)', ctxOf(api));
  const r = await runCall(api, { method: 'setBase64', args: ['ABC'], expect_objects: 3 }, ctxOf(api));
  assert.deepEqual(r, { ok: true, result: null });
  assert.deepEqual(api.getAllObjectNames(), ['A', 'B', 'C']);
  // Without the count: done once the listeners have gone quiet after the load.
  const again = await runCall(api, { method: 'setBase64', args: ['PQ'] }, ctxOf(api));
  assert.deepEqual([again.ok, api.getObjectNumber()], [true, 2]);
});

test('setBase64 that never completes fails at the request deadline, not later', async () => {
  const api = fakeApi();
  (api as Record<string, unknown>).setBase64 = () => null; // never loads, never calls back
  const started = Date.now();
  const r = await runCall(api, { method: 'setBase64', args: ['ABC'], expect_objects: 3 }, ctxOf(api, 60));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /did not finish loading the file within 0\.1 s \(it shows 0 of the file's 3 objects\)/);
  assert.ok(Date.now() - started < 5000, 'bounded by the deadline, not the 30 s callback bound');
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
  const r = await runCall(api, { method: 'exportSVG', args: [] }, ctxOf(api, 20));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /did not answer/);
});

test('snapshot lists every object in construction order; ping reports counts', async () => {
  const api = fakeApi();
  await runCommand(api, 'B = (1, 1)', ctxOf(api));
  await runCommand(api, 'a = 2', ctxOf(api));
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

test('toJson: undefined -> null, non-finite numbers encoded, plain values kept', () => {
  assert.equal(toJson(undefined), null);
  assert.deepEqual(toJson(Number.NaN), { $float: 'nan' });
  assert.deepEqual(toJson([Infinity, -Infinity, 1]), [{ $float: 'inf' }, { $float: '-inf' }, 1]);
  assert.deepEqual(toJson({ a: [1, 'x', true] }), { a: [1, 'x', true] });
});

test('deadlineOf: the request\'s timeout_ms, else the callback bound', () => {
  const req = { v: 1, type: 'ping' as const, id: 'p' };
  assert.equal(deadlineOf({ ...req, timeout_ms: 4750 }, 1000), 5750);
  assert.equal(deadlineOf(req, 1000), 1000 + CALLBACK_TIMEOUT_MS);
  assert.equal(deadlineOf({ ...req, timeout_ms: -1 }, 1000), 1000 + CALLBACK_TIMEOUT_MS);
});
