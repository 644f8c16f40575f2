import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { EventCoalescer, relatedNames } from '../coalesce';
import type { EventItem } from '../protocol';
import { FakeClock } from './fakeclock';

function setup() {
  const clock = new FakeClock(1000);
  const batches: EventItem[][] = [];
  const c = new EventCoalescer(b => batches.push(b), { clock, flushMs: 16, updateIntervalMs: 50 });
  const ev = (type: string, target: string | null, extra: Partial<EventItem> = {}): EventItem => ({
    type,
    target,
    argument: null,
    time: clock.now(),
    ...extra
  });
  const flat = () => batches.flat().map(e => `${e.type}:${e.target}${e.value ? '=' + e.value : ''}`);
  return { clock, batches, c, ev, flat };
}

test('events are batched and flushed within 16 ms, in order', () => {
  const { clock, batches, c, ev, flat } = setup();
  c.push(ev('add', 'A'));
  c.push(ev('add', 'B'));
  assert.equal(batches.length, 0, 'nothing is sent synchronously');
  clock.advance(15);
  assert.equal(batches.length, 0);
  clock.advance(1);
  assert.equal(batches.length, 1);
  assert.deepEqual(flat(), ['add:A', 'add:B']);
  assert.equal(clock.pending, 0, 'no timer left behind');
});

test('fast updates of one object: the first at once, then only the latest', () => {
  const { clock, c, ev, flat } = setup();
  c.push(ev('update', 'A', { value: 'A = (1, 1)' }));
  clock.advance(10);
  c.push(ev('update', 'A', { value: 'A = (2, 2)' }));
  clock.advance(10);
  c.push(ev('update', 'A', { value: 'A = (3, 3)' }));
  clock.advance(100);
  assert.deepEqual(flat(), ['update:A=A = (1, 1)', 'update:A=A = (3, 3)']);
});

test('updates slower than every 50 ms are all sent', () => {
  const { clock, c, ev, flat } = setup();
  for (let i = 0; i < 4; i++) {
    c.push(ev('update', 'A', { value: String(i) }));
    clock.advance(60);
  }
  assert.deepEqual(flat(), ['update:A=0', 'update:A=1', 'update:A=2', 'update:A=3']);
});

test('updates of different objects do not coalesce with each other', () => {
  const { clock, c, ev, flat } = setup();
  c.push(ev('update', 'A', { value: 'a' }));
  c.push(ev('update', 'B', { value: 'b' }));
  clock.advance(20);
  assert.deepEqual(flat(), ['update:A=a', 'update:B=b']);
});

test('a held update goes before a later event about the same object', () => {
  const { clock, c, ev, flat } = setup();
  c.push(ev('update', 'A', { value: '1' }));
  clock.advance(5);
  c.push(ev('update', 'A', { value: '2' })); // held
  c.push(ev('dragEnd', 'A'));
  clock.advance(100);
  assert.deepEqual(flat(), ['update:A=1', 'update:A=2', 'dragEnd:A']);
});

test('a rename releases the held update of the old name first', () => {
  const { clock, c, ev, flat } = setup();
  c.push(ev('update', 'P', { value: '1' }));
  c.push(ev('update', 'P', { value: '2' })); // held
  c.push(ev('rename', 'A', { argument: 'P' }));
  clock.advance(100);
  assert.deepEqual(flat(), ['update:P=1', 'update:P=2', 'rename:A']);
});

test('an unrelated event does not release a held update early', () => {
  const { clock, c, ev, flat } = setup();
  c.push(ev('update', 'A', { value: '1' }));
  c.push(ev('update', 'A', { value: '2' })); // held until t+50
  c.push(ev('add', 'B'));
  clock.advance(20);
  assert.deepEqual(flat(), ['update:A=1', 'add:B']);
  clock.advance(60);
  assert.deepEqual(flat(), ['update:A=1', 'add:B', 'update:A=2']);
});

test('clear releases every held update before itself', () => {
  const { clock, c, ev, flat } = setup();
  c.push(ev('update', 'A', { value: '1' }));
  c.push(ev('update', 'B', { value: '1' }));
  c.push(ev('update', 'A', { value: '2' }));
  c.push(ev('update', 'B', { value: '2' }));
  c.push(ev('clear', null));
  clock.advance(20);
  assert.deepEqual(flat(), [
    'update:A=1',
    'update:B=1',
    'update:A=2',
    'update:B=2',
    'clear:null'
  ]);
});

test('flush(true) sends held updates at once (before a reply)', () => {
  const { clock, batches, c, ev, flat } = setup();
  c.push(ev('update', 'A', { value: '1' }));
  c.push(ev('update', 'A', { value: '2' }));
  c.flush(true);
  assert.equal(batches.length, 1);
  assert.deepEqual(flat(), ['update:A=1', 'update:A=2']);
  assert.equal(c.heldCount, 0);
  clock.advance(200);
  assert.equal(batches.length, 1, 'nothing sent twice');
});

test('flush() without held keeps coalescing', () => {
  const { c, ev, flat } = setup();
  c.push(ev('update', 'A', { value: '1' }));
  c.push(ev('update', 'A', { value: '2' }));
  c.flush();
  assert.deepEqual(flat(), ['update:A=1']);
  assert.equal(c.heldCount, 1);
});

test('dispose drops everything and stops the timers', () => {
  const { clock, batches, c, ev } = setup();
  c.push(ev('add', 'A'));
  c.push(ev('update', 'A', { value: '1' }));
  c.push(ev('update', 'A', { value: '2' }));
  c.dispose();
  assert.equal(clock.pending, 0);
  c.push(ev('add', 'B'));
  clock.advance(1000);
  assert.equal(batches.length, 0);
});

test('relatedNames reads target, a string argument and string lists', () => {
  assert.deepEqual(relatedNames({ type: 'x', target: 'A', argument: 'B', time: 0 }), ['A', 'B']);
  assert.deepEqual(relatedNames({ type: 'x', target: null, argument: ['C', 3, 'D'], time: 0 }), [
    'C',
    'D'
  ]);
  assert.deepEqual(relatedNames({ type: 'x', target: null, argument: { a: 1 }, time: 0 }), []);
});
