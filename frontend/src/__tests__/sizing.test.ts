import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { resizeApplet, sameSize, Throttle, wholeSize } from '../sizing';
import { FakeClock } from './fakeclock';

test('wholeSize floors, and a box with an empty side has no size', () => {
  const cases: Array<[number, number, ReturnType<typeof wholeSize>]> = [
    [632.4, 911.9, { width: 632, height: 911 }],
    [1, 1, { width: 1, height: 1 }],
    [800, 600, { width: 800, height: 600 }],
    [0, 911, null],
    [632, 0, null],
    [0.6, 500, null], // under one pixel: hidden (e.g. Lumino's scale-to-zero hiding)
    [500, 0.99, null],
    [-5, 100, null],
    [NaN, 100, null],
    [Infinity, 100, null]
  ];
  for (const [w, h, want] of cases) {
    assert.deepEqual(wholeSize(w, h), want, `wholeSize(${w}, ${h})`);
  }
});

test('sameSize compares both sides and treats null as its own value', () => {
  const cases: Array<[Parameters<typeof sameSize>[0], Parameters<typeof sameSize>[1], boolean]> =
    [
      [null, null, true],
      [{ width: 1, height: 2 }, { width: 1, height: 2 }, true],
      [{ width: 1, height: 2 }, { width: 2, height: 2 }, false],
      [{ width: 1, height: 2 }, { width: 1, height: 3 }, false],
      [{ width: 1, height: 2 }, null, false],
      [null, { width: 1, height: 2 }, false]
    ];
  for (const [a, b, want] of cases) {
    assert.equal(sameSize(a, b), want, `sameSize(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  }
});

test('Throttle runs the first request at once', () => {
  const clock = new FakeClock();
  let runs = 0;
  const t = new Throttle(() => runs++, 100, clock);
  t.request();
  assert.equal(runs, 1);
  clock.advance(100);
  assert.equal(runs, 1, 'nothing was asked during the window: no trailing run');
  t.request();
  assert.equal(runs, 2, 'a request after the window runs at once again');
});

test('Throttle merges a burst into one trailing run, so the last change is never lost', () => {
  const clock = new FakeClock();
  const seen: number[] = [];
  let value = 0;
  const t = new Throttle(() => seen.push(value), 100, clock);
  value = 1;
  t.request(); // runs: 1
  for (value = 2; value <= 10; value++) {
    clock.advance(10);
    t.request(); // merged
  }
  value = 10;
  assert.deepEqual(seen, [1]);
  clock.advance(100);
  assert.deepEqual(seen, [1, 10], 'one trailing run with the latest state');
  clock.advance(1000);
  assert.deepEqual(seen, [1, 10], 'and nothing after it');
  assert.equal(clock.pending, 0);
});

test('Throttle.cancel drops a pending trailing run and its timer', () => {
  const clock = new FakeClock();
  let runs = 0;
  const t = new Throttle(() => runs++, 100, clock);
  t.request();
  t.request();
  t.cancel();
  assert.equal(clock.pending, 0);
  clock.advance(500);
  assert.equal(runs, 1);
  t.request();
  assert.equal(runs, 2, 'usable again after cancel');
});

/** An API object that records what sizing asked of it. */
function fakeApi(withRecalc = true): { api: Record<string, unknown>; calls: string[] } {
  const calls: string[] = [];
  const api: Record<string, unknown> = {
    setSize(w: number, h: number) {
      calls.push(`setSize ${w}x${h}`);
    }
  };
  if (withRecalc) {
    api.recalculateEnvironments = () => calls.push('recalculate');
  }
  return { api, calls };
}

test('resizeApplet sets the size, and rebuilds the canvas only after a pixel ratio change', () => {
  const { api, calls } = fakeApi();
  assert.equal(resizeApplet(api, { width: 631, height: 911 }, 1), true);
  assert.equal(resizeApplet(api, { width: 531, height: 811 }, 1), true);
  assert.deepEqual(calls, ['setSize 631x911', 'setSize 531x811'], 'no ratio change: no rebuild');
  resizeApplet(api, { width: 531, height: 811 }, 2);
  assert.deepEqual(calls.slice(2), ['setSize 531x811', 'recalculate']);
  resizeApplet(api, { width: 500, height: 800 }, 2);
  assert.deepEqual(calls.slice(4), ['setSize 500x800'], 'the same ratio again: no rebuild');
});

test('resizeApplet keeps one ratio per applet', () => {
  const a = fakeApi();
  const b = fakeApi();
  resizeApplet(a.api, { width: 10, height: 10 }, 1);
  resizeApplet(b.api, { width: 10, height: 10 }, 2); // b's first size: nothing to rebuild
  assert.deepEqual(b.calls, ['setSize 10x10']);
  resizeApplet(a.api, { width: 10, height: 10 }, 1);
  assert.deepEqual(a.calls, ['setSize 10x10', 'setSize 10x10']);
});

test('resizeApplet without setSize says so; without recalculateEnvironments it still sizes', () => {
  assert.equal(resizeApplet({}, { width: 10, height: 10 }, 1), false);
  const { api, calls } = fakeApi(false);
  resizeApplet(api, { width: 10, height: 10 }, 1);
  resizeApplet(api, { width: 10, height: 10 }, 2);
  assert.deepEqual(calls, ['setSize 10x10', 'setSize 10x10']);
});
