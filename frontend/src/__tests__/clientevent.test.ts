import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { Activity } from '../activity';
import { namesOf, normalizeClientEvent } from '../clientevent';
import { decodeFloats, encodeFrame, eventFrame, parseKernelMessage, replyOk } from '../protocol';

/** GeoGebra's client event: an array that also carries named fields (measured 5.0.745.0). */
function ggbEvent(items: unknown[], named: Record<string, unknown>): unknown {
  return Object.assign([...items], named);
}

const CASES: Array<[string, unknown, unknown]> = [
  [
    'updateStyle',
    ggbEvent(['updateStyle', 'A', 'A'], { type: 'updateStyle', target: 'A', argument: 'A' }),
    { type: 'updateStyle', target: 'A', argument: 'A' }
  ],
  [
    'deleteGeos with targets',
    ggbEvent(['deleteGeos', 'f', 'g'], { type: 'deleteGeos', targets: ['f', 'g'] }),
    { type: 'deleteGeos', target: null, argument: null, targets: ['f', 'g'] }
  ],
  [
    'viewChanged2D with other fields',
    ggbEvent(['viewChanged2D', ''], {
      type: 'viewChanged2D',
      xZero: 400,
      yZero: 300,
      scale: 50,
      yscale: 50,
      viewNo: 1
    }),
    {
      type: 'viewChanged2D',
      target: null,
      argument: null,
      fields: { xZero: 400, yZero: 300, scale: 50, yscale: 50, viewNo: 1 }
    }
  ],
  [
    'renameComplete, type only',
    ggbEvent(['renameComplete', ''], { type: 'renameComplete' }),
    { type: 'renameComplete', target: null, argument: null }
  ],
  ['a plain object', { type: 'select', target: 'B' }, { type: 'select', target: 'B', argument: null }],
  ['an array without named fields', ['dragEnd', 'A'], { type: 'dragEnd', target: null, argument: null }],
  ['not an event', 'dragEnd', null],
  ['no type', { target: 'A' }, null]
];

for (const [name, raw, expected] of CASES) {
  test(`normalizeClientEvent: ${name}`, () => {
    assert.deepEqual(normalizeClientEvent(raw), expected);
  });
}

test('no index keys survive into the frame', () => {
  const c = normalizeClientEvent(
    ggbEvent(['updateStyle', 'A', 'A'], { type: 'updateStyle', target: 'A', argument: 'A' })
  )!;
  const text = encodeFrame(eventFrame([{ ...c, time: 1 }]));
  assert.equal(/"0"|"1"|"2"/.test(text), false, text);
});

test('namesOf gives target then targets, once each', () => {
  assert.deepEqual(namesOf({ target: 'A', targets: ['A', 'B'] }), ['A', 'B']);
  assert.deepEqual(namesOf({ target: null }), []);
});

test('Activity counts calls and keeps the names of the watched window only', () => {
  const a = new Activity();
  a.record(['X']);
  const mark = a.start();
  a.record(['A']);
  a.record(['A', 'B']);
  assert.deepEqual(a.stop(mark), { calls: 2, names: ['A', 'B'] });
  a.record(['C']);
  assert.equal(a.count, 4);
  const m2 = a.start();
  assert.deepEqual(a.stop(m2), { calls: 0, names: [] });
});

test('encodeFrame encodes NaN and infinities explicitly', () => {
  const text = encodeFrame(replyOk('r', { v: Number.NaN, w: [Infinity, -Infinity], x: 1.5 }));
  assert.equal(
    text,
    '{"v":1,"type":"reply","id":"r","ok":true,"result":{"v":{"$float":"nan"},' +
      '"w":[{"$float":"inf"},{"$float":"-inf"}],"x":1.5}}'
  );
});

test('call arguments decode {"$float": …} back into numbers', () => {
  const parsed = parseKernelMessage({
    v: 1,
    type: 'call',
    id: 'c',
    method: 'setValue',
    args: ['a', { $float: 'nan' }, [{ $float: '-inf' }], { $float: 'other' }]
  });
  assert.ok(parsed.ok);
  const args = parsed.ok && parsed.msg.type === 'call' ? parsed.msg.args : [];
  assert.equal(args[0], 'a');
  assert.ok(Number.isNaN(args[1] as number));
  assert.deepEqual(args[2], [-Infinity]);
  assert.deepEqual(args[3], { $float: 'other' });
  assert.deepEqual(decodeFloats({ x: { $float: 'inf' } }), { x: Infinity });
});
