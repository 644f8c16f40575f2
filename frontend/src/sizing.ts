/**
 * Keeping an applet the size of its host element: the panel beside a notebook, or any
 * other element (an output area, a Notebook 7 side panel). Works on any element with no
 * padding or border of its own; the applet itself is sized by the caller (`setSize`).
 *
 * Why this exists (measured on the real GeoGebra 5.0.745.0, see docs/architecture.md,
 * "Sizing"): the applet used to be built while its host was still hidden, at a made-up
 * 800×600, and GeoGebra then scaled that to the window (its auto-scaling is now off, in
 * loader.ts). So size is (1) measured only once the host really has one (`firstSize`),
 * and (2) followed on every later change of the host's box (`SizeFollower`), whatever
 * caused it: window, split handle, side bars, dock moves, browser zoom, and a device
 * pixel ratio change.
 */
import { Clock, realClock } from './coalesce';

export interface Size {
  width: number;
  height: number;
}

/**
 * Whole CSS pixels of a box, or null when either side is under one pixel (hidden, or not
 * laid out yet). Floors, so that an applet of this size never overflows a fractional box.
 */
export function wholeSize(width: number, height: number): Size | null {
  if (!Number.isFinite(width) || !Number.isFinite(height)) {
    return null;
  }
  const w = Math.floor(width);
  const h = Math.floor(height);
  return w > 0 && h > 0 ? { width: w, height: h } : null;
}

export function sameSize(a: Size | null, b: Size | null): boolean {
  return a === b || (!!a && !!b && a.width === b.width && a.height === b.height);
}

/** The part of an applet's API object that sizing uses (GeoGebra's, or the double's). */
export interface Resizable {
  [method: string]: unknown;
}

const ratioOf = new WeakMap<object, number>();

/**
 * Give the applet `size`. GeoGebra sizes its canvas' backing store for the device pixel
 * ratio inside `setSize`, but its `setSize` returns early when the size is unchanged:
 * measured on 5.0.745.0, after the ratio went from 1 to 2 at the same CSS size the canvas
 * stayed 631×911 device pixels (blurred ×2), and `recalculateEnvironments()` rebuilt it
 * at 1262×1822. So after a ratio change that is called too. Returns false if the API
 * object has no `setSize`.
 */
export function resizeApplet(
  api: Resizable,
  size: Size,
  pixelRatio: number = typeof window === 'undefined' ? 1 : window.devicePixelRatio
): boolean {
  const setSize = api.setSize;
  if (typeof setSize !== 'function') {
    return false;
  }
  setSize.call(api, size.width, size.height);
  const before = ratioOf.get(api);
  ratioOf.set(api, pixelRatio);
  const recalc = api.recalculateEnvironments;
  if (before !== undefined && before !== pixelRatio && typeof recalc === 'function') {
    recalc.call(api);
  }
  return true;
}

/** The element's border box in whole CSS pixels now, or null while it has none. */
export function measure(element: Element): Size | null {
  if (!element.isConnected) {
    return null;
  }
  const rect = element.getBoundingClientRect();
  return wholeSize(rect.width, rect.height);
}

/**
 * Leading and trailing throttle: the first request runs at once, requests within
 * `ms` of a run are merged into one more run at the end. The last request is never lost.
 */
export class Throttle {
  constructor(
    private readonly fn: () => void,
    private readonly ms: number,
    private readonly clock: Clock = realClock
  ) {}

  request(): void {
    if (this.timer !== undefined) {
      this.pending = true;
      return;
    }
    this.fn();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.pending) {
        this.pending = false;
        this.request();
      }
    }, this.ms);
  }

  cancel(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pending = false;
  }

  private timer: unknown = undefined;
  private pending = false;
}

/**
 * The element's first real size: at once if it has one, else as soon as layout gives it
 * one (the ResizeObserver reports after layout, before paint), else null after
 * `timeoutMs` (e.g. it sits in a hidden tab; the caller then builds at a fallback size
 * and the follower corrects it once the element is shown).
 */
export function firstSize(element: Element, timeoutMs: number): Promise<Size | null> {
  const now = measure(element);
  if (now || typeof ResizeObserver === 'undefined') {
    return Promise.resolve(now);
  }
  return new Promise<Size | null>(resolve => {
    const done = (size: Size | null): void => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(size);
    };
    const observer = new ResizeObserver(() => {
      const size = measure(element);
      if (size) {
        done(size);
      }
    });
    const timer = setTimeout(() => done(measure(element)), timeoutMs);
    observer.observe(element);
  });
}

export interface SizeFollowerOptions {
  /** Changes closer together than this are merged (setSize re-lays out GeoGebra). */
  throttleMs?: number;
  clock?: Clock;
}

/**
 * Calls `onResize` with the element's size whenever it changes (never with a zero side,
 * never twice with the same size, throttled), and again at the same size when the
 * device pixel ratio changes (GeoGebra sizes its canvas' backing store in `setSize`).
 *
 *     const follower = new SizeFollower(host, size => api.setSize(size.width, size.height));
 *     ...
 *     follower.dispose();
 */
export class SizeFollower {
  constructor(
    readonly element: HTMLElement,
    private readonly onResize: (size: Size) => void,
    options: SizeFollowerOptions = {}
  ) {
    this.throttle = new Throttle(
      () => this.emit(),
      options.throttleMs ?? 100,
      options.clock ?? realClock
    );
    this.observer = new ResizeObserver(() => this.check());
    this.observer.observe(element);
    this.watchPixelRatio();
  }

  /** The size last given to `onResize`, or null. */
  get last(): Size | null {
    return this.lastSize;
  }

  /** The element's size now, or null while it has none. */
  measure(): Size | null {
    return measure(this.element);
  }

  /** Look again now (e.g. a Lumino resize or show message); emits if it changed. */
  check(): void {
    if (!this.disposed) {
      this.throttle.request();
    }
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.observer.disconnect();
    this.throttle.cancel();
    this.unwatchPixelRatio();
  }

  private emit(): void {
    if (this.disposed) {
      return;
    }
    const size = this.measure();
    if (size && (this.force || !sameSize(size, this.lastSize))) {
      this.force = false;
      this.lastSize = size;
      this.onResize(size);
    }
  }

  /**
   * A device pixel ratio change (browser zoom, a window moved to another screen) can
   * leave the CSS size alone, so the ResizeObserver says nothing; a media query on the
   * current ratio does. It matches one ratio only, so it is re-armed after each change.
   */
  private watchPixelRatio(): void {
    if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') {
      return;
    }
    const query = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    const onChange = (): void => {
      this.unwatchPixelRatio();
      if (this.disposed) {
        return;
      }
      this.watchPixelRatio();
      this.force = true;
      this.check();
    };
    query.addEventListener('change', onChange);
    // Held here: a MediaQueryList that only its listener refers to may be garbage
    // collected with the listener, and then no change would ever be reported.
    this.pixelRatioQuery = query;
    this.unwatchPixelRatio = () => {
      this.pixelRatioQuery?.removeEventListener('change', onChange);
      this.pixelRatioQuery = null;
    };
  }

  private readonly throttle: Throttle;
  private readonly observer: ResizeObserver;
  private unwatchPixelRatio: () => void = () => undefined;
  private pixelRatioQuery: MediaQueryList | null = null;
  private lastSize: Size | null = null;
  private force = false;
  private disposed = false;
}
