/**
 * What the widget writes into its own state for the frontend's reactivity (marimo
 * re-runs the cells that read it) and for exported notebooks: the last applet event,
 * the values of watched objects, a PNG of the construction and the construction itself
 * (a base64 .ggb, which a reloaded page starts from). These travel as state
 * updates, which every frontend delivers between cells; a drag sends them at most every
 * STATE_THROTTLE_MS (the last one is never lost).
 */
import type { AppletApi } from '../execute';
import type { EventItem } from '../protocol';
import type { Throttle } from '../sizing';
import type { AnyModel } from './model';
import { watchedNames } from './model';

/** Events that change what a reader of the state would see. */
const STATE_EVENTS = new Set(['add', 'remove', 'rename', 'update', 'clear', 'dragEnd']);

/** A PNG is taken at most this often (GeoGebra draws it synchronously). */
const PNG_EVERY_MS = 1000;

export interface WatchedValue {
  value: number | null;
  text: string;
}

export class WidgetState {
  constructor(
    private readonly model: AnyModel,
    private readonly api: () => AppletApi | null,
    private readonly throttle: Throttle
  ) {
    this.onWatch = () => this.refreshAll();
    model.on('change:watch', this.onWatch as (...args: never[]) => void);
  }

  onEvent(event: EventItem): void {
    if (!STATE_EVENTS.has(event.type)) {
      return;
    }
    this.lastEvent = {
      type: event.type,
      target: event.target ?? null,
      ...(event.value !== undefined ? { value: event.value } : {}),
      time: event.time ?? null
    };
    if (event.type === 'clear' || event.type === 'remove' || event.type === 'rename') {
      this.dirtyAll = true;
    } else if (typeof event.target === 'string') {
      this.dirty.add(event.target);
    }
    this.pngDue = true;
    this.throttle.request();
  }

  /** Read every watched value again (the applet is new, or `watch` changed). */
  refreshAll(): void {
    this.dirtyAll = true;
    this.pngDue = true;
    this.throttle.request();
  }

  /** Write what changed into the model and save it (one state message). */
  push(): void {
    const api = this.api();
    if (api === null) {
      return;
    }
    let changed = false;
    if (this.lastEvent !== null) {
      this.model.set('last_event', this.lastEvent);
      this.lastEvent = null;
      changed = true;
    }
    const watched = watchedNames(this.model.get('watch'));
    const wanted = this.dirtyAll ? watched : watched.filter(n => this.dirty.has(n));
    this.dirty.clear();
    this.dirtyAll = false;
    if (wanted.length > 0) {
      const old = this.model.get('values');
      const values: Record<string, WatchedValue> =
        old !== null && typeof old === 'object' ? { ...(old as Record<string, WatchedValue>) } : {};
      for (const key of Object.keys(values)) {
        if (!watched.includes(key)) {
          delete values[key];
        }
      }
      for (const name of wanted) {
        values[name] = readValue(api, name);
      }
      this.model.set('values', values);
      changed = true;
    }
    const now = Date.now();
    if (this.pngDue && now - this.pngAt >= PNG_EVERY_MS) {
      this.pngDue = false;
      this.pngAt = now;
      const png = readPng(api);
      if (png !== null) {
        this.model.set('png', png);
        changed = true;
      }
      // The construction itself: a reloaded page builds its applet from it.
      const ggb = readBase64(api);
      if (ggb !== null && ggb !== this.model.get('restore')) {
        this.model.set('restore', ggb);
        changed = true;
      }
    } else if (this.pngDue && this.pngTimer === undefined) {
      this.pngTimer = setTimeout(() => {
        this.pngTimer = undefined;
        this.throttle.request();
      }, PNG_EVERY_MS);
    }
    if (changed) {
      this.model.save_changes();
    }
  }

  dispose(): void {
    this.model.off('change:watch', this.onWatch as (...args: never[]) => void);
    this.throttle.cancel();
    if (this.pngTimer !== undefined) {
      clearTimeout(this.pngTimer);
    }
  }

  private readonly onWatch: () => void;
  private lastEvent: Record<string, unknown> | null = null;
  private readonly dirty = new Set<string>();
  private dirtyAll = false;
  private pngDue = false;
  private pngAt = 0;
  private pngTimer: ReturnType<typeof setTimeout> | undefined;
}

/** A watched object's number (null when it has none or is undefined) and its text. */
export function readValue(api: AppletApi, name: string): WatchedValue {
  let value: number | null = null;
  let text = '';
  try {
    const exists = typeof api.exists === 'function' ? Boolean((api.exists as (n: string) => unknown).call(api, name)) : true;
    if (exists) {
      const v = api.getValue(name);
      value = typeof v === 'number' && Number.isFinite(v) ? v : null;
      text = String(api.getValueString(name) ?? '');
    }
  } catch {
    // a getter that throws leaves the defaults
  }
  return { value, text };
}

function readPng(api: AppletApi): string | null {
  try {
    const png = (api.getPNGBase64 as (s: number, t: boolean) => unknown).call(api, 1, false);
    return typeof png === 'string' && png.length > 0 ? png : null;
  } catch {
    return null;
  }
}

function readBase64(api: AppletApi): string | null {
  try {
    // Without a callback GeoGebra answers at once (tests/conformance: getBase64).
    const b64 = (api.getBase64 as () => unknown).call(api);
    return typeof b64 === 'string' && b64.length > 0 ? b64 : null;
  } catch {
    return null;
  }
}
