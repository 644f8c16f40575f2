/**
 * Batches applet events for the OOB socket and coalesces fast `update`s. Pure: time
 * comes from an injectable clock so tests can step it.
 *
 * Rules (docs/protocol.md, `event`):
 * - events leave in the order they happened, in batches flushed within `flushMs`;
 * - `update`s of one object that come faster than every `updateIntervalMs` are
 *   coalesced: the first goes at once, later ones wait and only the latest is sent;
 * - a waiting update is released before any other event that names the same object
 *   (or before `clear`), so an object's update never jumps over its rename, remove,
 *   select, dragEnd, ...
 */
import type { EventItem } from './protocol';

/** The timer functions the coalescer uses; `realClock` in the browser. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>)
};

export interface CoalescerOptions {
  /** Longest time an event waits before its batch is sent. */
  flushMs?: number;
  /** Updates of one object closer together than this are coalesced. */
  updateIntervalMs?: number;
  clock?: Clock;
}

export class EventCoalescer {
  /**
   * @param emit receives each batch, never empty, in order.
   */
  constructor(
    private readonly emit: (events: EventItem[]) => void,
    options: CoalescerOptions = {}
  ) {
    this.flushMs = options.flushMs ?? 16;
    this.updateIntervalMs = options.updateIntervalMs ?? 50;
    this.clock = options.clock ?? realClock;
  }

  /** Events waiting for the next batch (not counting held updates). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Updates currently held back by coalescing. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Record one event, in the order it happened. */
  push(event: EventItem): void {
    if (this.disposed) {
      return;
    }
    if (event.type === 'update' && typeof event.target === 'string') {
      this.pushUpdate(event.target, event);
      return;
    }
    if (event.type === 'clear') {
      this.releaseAll();
      this.lastUpdate.clear();
    } else {
      for (const name of relatedNames(event)) {
        this.release(name);
        if (event.type === 'remove' || event.type === 'rename') {
          // A new object of the same name is a different object: do not throttle it.
          this.lastUpdate.delete(name);
        }
      }
    }
    this.enqueue(event);
  }

  /**
   * Send what is pending now. With `includeHeld`, held updates go too: done before a
   * reply, so the events a command caused reach the kernel before its answer.
   */
  flush(includeHeld = false): void {
    if (includeHeld) {
      this.releaseAll();
    }
    if (this.flushTimer !== null) {
      this.clock.clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.pending.length === 0) {
      return;
    }
    const batch = this.pending;
    this.pending = [];
    this.emit(batch);
  }

  /** Stop all timers and forget everything not yet sent. */
  dispose(): void {
    this.disposed = true;
    if (this.flushTimer !== null) {
      this.clock.clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    for (const handle of this.releaseTimers.values()) {
      this.clock.clearTimeout(handle);
    }
    this.releaseTimers.clear();
    this.held.clear();
    this.pending = [];
  }

  private pushUpdate(name: string, event: EventItem): void {
    if (this.held.has(name)) {
      // Its release timer is already running; only the latest value matters.
      this.held.set(name, event);
      return;
    }
    const now = this.clock.now();
    const last = this.lastUpdate.get(name);
    if (last === undefined || now - last >= this.updateIntervalMs) {
      this.lastUpdate.set(name, now);
      this.enqueue(event);
      return;
    }
    this.held.set(name, event);
    const wait = Math.max(0, last + this.updateIntervalMs - now);
    this.releaseTimers.set(
      name,
      this.clock.setTimeout(() => {
        this.releaseTimers.delete(name);
        this.release(name);
      }, wait)
    );
  }

  private release(name: string): void {
    const event = this.held.get(name);
    if (event === undefined) {
      return;
    }
    this.held.delete(name);
    const handle = this.releaseTimers.get(name);
    if (handle !== undefined) {
      this.clock.clearTimeout(handle);
      this.releaseTimers.delete(name);
    }
    this.lastUpdate.set(name, this.clock.now());
    this.enqueue(event);
  }

  private releaseAll(): void {
    // Map iteration follows insertion order: the object held first goes first.
    for (const name of [...this.held.keys()]) {
      this.release(name);
    }
  }

  private enqueue(event: EventItem): void {
    this.pending.push(event);
    if (this.flushTimer === null) {
      this.flushTimer = this.clock.setTimeout(() => {
        this.flushTimer = null;
        this.flush();
      }, this.flushMs);
    }
  }

  private readonly flushMs: number;
  private readonly updateIntervalMs: number;
  private readonly clock: Clock;
  private pending: EventItem[] = [];
  private held = new Map<string, EventItem>();
  private lastUpdate = new Map<string, number>();
  private releaseTimers = new Map<string, unknown>();
  private flushTimer: unknown = null;
  private disposed = false;
}

/** Object names an event is about: its target, and a name or names in `argument`. */
export function relatedNames(event: EventItem): string[] {
  const names: string[] = [];
  if (typeof event.target === 'string') {
    names.push(event.target);
  }
  const arg = event.argument;
  if (typeof arg === 'string') {
    names.push(arg);
  } else if (Array.isArray(arg)) {
    for (const item of arg) {
      if (typeof item === 'string') {
        names.push(item);
      }
    }
  }
  return names;
}
