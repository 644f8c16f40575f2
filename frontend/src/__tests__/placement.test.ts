import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import * as P from '../protocol';

const hello = {
  v: 1,
  type: 'hello',
  kernel_id: 'k-1',
  token: 't'.repeat(43),
  max_frame_bytes: 1024
};

test('hello carries an optional placement and restore; wrong kinds are dropped', () => {
  const cases: [Record<string, unknown>, string | undefined, string | undefined][] = [
    [{}, undefined, undefined],
    [{ placement: 'inline', restore: 'UEsDBA==' }, 'inline', 'UEsDBA=='],
    [{ placement: 'panel' }, 'panel', undefined],
    [{ placement: 'left', restore: 5 }, undefined, undefined],
    [{ placement: null, restore: '' }, undefined, '']
  ];
  for (const [extra, placement, restore] of cases) {
    const r = P.parseKernelMessage({ ...hello, ...extra });
    assert.equal(r.ok, true, JSON.stringify(extra));
    const msg = r.ok && r.msg.type === 'hello' ? r.msg : null;
    assert.ok(msg);
    assert.equal(msg.placement, placement, JSON.stringify(extra));
    assert.equal(msg.restore, restore, JSON.stringify(extra));
  }
});

test('open carries an optional placement', () => {
  const inline = P.parseKernelMessage({ v: 1, type: 'open', app: {}, placement: 'inline' });
  assert.equal(inline.ok && inline.msg.type === 'open' && inline.msg.placement, 'inline');
  const bad = P.parseKernelMessage({ v: 1, type: 'open', placement: 3 });
  assert.equal(bad.ok && bad.msg.type === 'open' && 'placement' in bad.msg, false);
  assert.deepEqual(bad.ok && bad.msg.type === 'open' && bad.msg.app, {});
});

test('the placement frame says where, whether hosted, and why not', () => {
  assert.deepEqual(P.placementFrame('inline', true), {
    v: 1,
    type: 'placement',
    where: 'inline',
    hosted: true
  });
  assert.deepEqual(P.placementFrame('none', false, 'no side area'), {
    v: 1,
    type: 'placement',
    where: 'none',
    hosted: false,
    message: 'no side area'
  });
});

test('inline MIME data: strings only, anything else is null', () => {
  const cases: [unknown, { kernel_id: string | null; ggb: string | null }][] = [
    [{ v: 1, kernel_id: 'k', ggb: 'UEs=' }, { kernel_id: 'k', ggb: 'UEs=' }],
    [{ kernel_id: 'k', ggb: null }, { kernel_id: 'k', ggb: null }],
    [{ kernel_id: 7, ggb: {} }, { kernel_id: null, ggb: null }],
    [{ kernel_id: '', ggb: '' }, { kernel_id: null, ggb: null }],
    [null, { kernel_id: null, ggb: null }],
    ['text', { kernel_id: null, ggb: null }]
  ];
  for (const [value, expected] of cases) {
    assert.deepEqual(P.parseInlineData(value), expected, JSON.stringify(value));
  }
});
