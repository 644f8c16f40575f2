/** A test helper (no tests of its own): a clock whose time moves only when told to. */
import type { Clock } from '../coalesce';

export class FakeClock implements Clock {
  constructor(public time = 0) {}
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }
  /** Move time forward, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= end && t.at < dueAt) {
          dueAt = t.at;
          dueId = id;
        }
      }
      if (dueId === undefined) {
        break;
      }
      const t = this.timers.get(dueId)!;
      this.timers.delete(dueId);
      this.time = t.at;
      t.fn();
    }
    this.time = end;
  }
}
