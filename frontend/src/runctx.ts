/**
 * What running a request needs, whichever request it is: the part of the Apps API
 * ggbmagic uses, the outcome type, the request's context and deadline, and the small
 * guards every runner shares (a getter that may throw, a promise that may never
 * settle, a command module GeoGebra loads lazily). Pure.
 */
import { Activity } from './activity';
import type { ObjectInfo, Request } from './protocol';

/**
 * The part of GeoGebra's Apps API object (`window[params.id]`) that ggbmagic uses
 * itself. Any other method is reachable through `call`.
 */
export interface AppletApi {
  evalCommandGetLabels(text: string): string | null | undefined;
  getObjectType(name: string): string;
  getValueString(name: string, localized?: boolean): string;
  getDefinitionString(name: string): string;
  getCommandString(name: string): string;
  isDefined(name: string): boolean;
  getVisible(name: string): boolean;
  getXcoord(name: string): number;
  getYcoord(name: string): number;
  getZcoord(name: string): number;
  getValue(name: string): number;
  getAllObjectNames(type?: string): string[];
  getObjectNumber(): number;
  getVersion(): string;
  [method: string]: unknown;
}

/** What one request gives the reply: a result, or why it could not run. */
export type Outcome = { ok: true; result: unknown } | { ok: false; error: string };

/** Object types whose position is reported as x, y, z. */
export const COORD_TYPES = new Set(['point', 'vector', 'point3d', 'vector3d']);
/** Object types whose `getValue` is reported as `number`. */
export const NUMBER_TYPES = new Set(['numeric', 'boolean', 'angle', 'angle3d']);

/**
 * How long a request may wait in the browser when the kernel did not say (an older
 * kernel without `timeout_ms`): callbacks, file loads, lazily loaded commands.
 */
export const CALLBACK_TIMEOUT_MS = 30000;

export function attempt<T>(fn: () => T, fallback: T): T {
  try {
    const value = fn();
    return value === undefined || value === null ? fallback : value;
  } catch {
    return fallback;
  }
}

/** Describe one object (docs/protocol.md, ObjectInfo). A missing getter gives a default. */
export function objectInfo(api: AppletApi, name: string): ObjectInfo {
  const type = String(attempt(() => api.getObjectType(name), ''));
  const info: ObjectInfo = {
    name,
    type,
    value: String(attempt(() => api.getValueString(name), '')),
    definition: String(attempt(() => api.getDefinitionString(name), '')),
    command: String(attempt(() => api.getCommandString(name), '')),
    defined: Boolean(attempt(() => api.isDefined(name), false)),
    visible: Boolean(attempt(() => api.getVisible(name), false))
  };
  if (COORD_TYPES.has(type)) {
    info.x = Number(attempt(() => api.getXcoord(name), 0));
    info.y = Number(attempt(() => api.getYcoord(name), 0));
    info.z = Number(attempt(() => api.getZcoord(name), 0));
  }
  if (NUMBER_TYPES.has(type)) {
    info.number = Number(attempt(() => api.getValue(name), 0));
  }
  return info;
}

/** "A,B" -> ["A", "B"]; "" -> []. */
export function splitLabels(labels: string): string[] {
  return labels
    .split(',')
    .map(s => s.trim())
    .filter(s => s.length > 0);
}

/** What a request runs with besides the API object. */
export interface RunContext {
  /** Counts the applet's listener calls (the bridge records every one). */
  activity: Activity;
  /** When the kernel stops waiting, on the `now()` clock (ms). */
  deadline: number;
  now(): number;
}

/** A context with no deadline of its own: the callback timeout bounds waits. */
export function defaultContext(activity = new Activity()): RunContext {
  const now = () => Date.now();
  return { activity, deadline: now() + CALLBACK_TIMEOUT_MS, now };
}

/**
 * When the kernel stops waiting for a request received at `receivedAt`: its
 * `timeout_ms`, or (an older kernel) the callback bound.
 */
export function deadlineOf(req: Request, receivedAt: number): number {
  const ms = req.timeout_ms;
  return receivedAt + (typeof ms === 'number' && ms > 0 ? ms : CALLBACK_TIMEOUT_MS);
}

/**
 * Milliseconds left before the kernel gives up. Not capped: a kernel that waits long
 * (`%ggb --timeout 60 --load big.ggb`) gets the browser's patience too; without
 * `timeout_ms` the deadline itself is CALLBACK_TIMEOUT_MS (deadlineOf).
 */
export function remainingMs(ctx: RunContext): number {
  return Math.max(0, ctx.deadline - ctx.now());
}

/**
 * GeoGebra loads some command modules on first use: the synchronous call then throws
 * `Error: … Discrete commands not loaded yet` (measured, 5.0.745.0, TriangleCenter).
 */
const NOT_LOADED = /not loaded yet/i;

export function isNotLoaded(err: unknown): boolean {
  return NOT_LOADED.test(errorText(err));
}

/** `promise`, or a rejection once the request's deadline has passed. */
export function withDeadline<T>(promise: PromiseLike<T>, ctx: RunContext, what: string): Promise<T> {
  const ms = remainingMs(ctx);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${(ms / 1000).toFixed(1)} s`)),
      ms
    );
    promise.then(
      value => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      }
    );
  });
}

/**
 * Call `method` (evalCommand or evalCommandGetLabels); if its command module is not
 * loaded yet, run the async twin, which waits for the module (measured: resolves 'G').
 */
export async function evalLazily(
  api: AppletApi,
  method: 'evalCommandGetLabels' | 'evalCommand',
  args: unknown[],
  ctx: RunContext
): Promise<unknown> {
  const fn = api[method] as (...a: unknown[]) => unknown;
  try {
    return fn.apply(api, args);
  } catch (err) {
    const twin = api[`async${method[0].toUpperCase()}${method.slice(1)}`];
    if (!isNotLoaded(err) || typeof twin !== 'function') {
      throw err;
    }
    const pending = (twin as (...a: unknown[]) => unknown).apply(api, args);
    return isThenable(pending) ? await withDeadline(pending, ctx, method) : pending;
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    return err.message || err.name;
  }
  return String(err);
}
