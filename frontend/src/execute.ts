/**
 * Runs the kernel's requests against a GeoGebra API object. Pure: it only talks to
 * the `AppletApi` it is given, so tests use a stand-in object.
 */
import { Activity } from './activity';
import {
  BatchMsg,
  CallMsg,
  CommandResult,
  LineResult,
  nonFiniteReplacer,
  ObjectInfo,
  Request
} from './protocol';

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
 * Methods `call` refuses although the API object has them. Listener registration
 * takes JavaScript functions, which a kernel cannot send, and the bridge owns the
 * applet's listeners; `remove` would destroy the applet under the panel.
 */
const REFUSED = /^(register|unregister)[A-Z]/;
const REFUSED_NAMES = new Set([
  'remove',
  'getScreenshotBase64',
  'exportPDF',
  'exportGIF',
  'exportPGF',
  'exportPSTricks',
  'exportAsymptote'
]);

/**
 * How long a request may wait in the browser when the kernel did not say (an older
 * kernel without `timeout_ms`): callbacks, file loads, lazily loaded commands.
 */
export const CALLBACK_TIMEOUT_MS = 30000;

function attempt<T>(fn: () => T, fallback: T): T {
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
function withDeadline<T>(promise: PromiseLike<T>, ctx: RunContext, what: string): Promise<T> {
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
async function evalLazily(
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

/** Words that are not object names in a command's first argument. */
const CONSTANTS = new Set(['true', 'false', 'pi', 'e', 'x', 'y', 'z', 'i', 'infinity']);
/** `Name(firstArg, …` or `Name(firstArg)` where firstArg is a plain object name. */
const FIRST_ARG = /^\s*[A-Za-z][A-Za-z0-9]*\s*\(\s*([A-Za-z][A-Za-z0-9]*(?:_\{?[A-Za-z0-9]+\}?)?'*)\s*[,)]/;

/**
 * Why a command with no labels and no listener activity failed, as far as can be
 * told: a missing object it names, or GeoGebra's silence.
 */
export function whyFailed(api: AppletApi, text: string): string {
  const m = FIRST_ARG.exec(text);
  if (m && !CONSTANTS.has(m[1].toLowerCase()) && typeof api.exists === 'function') {
    try {
      if (!(api.exists as (n: string) => boolean)(m[1])) {
        return `there is no object named ${m[1]}; nothing was changed`;
      }
    } catch {
      // fall through to the general answer
    }
  }
  return 'GeoGebra refused it: no object was created or changed';
}

/**
 * One GeoGebra command. `evalCommandGetLabels` answers a string of labels for a
 * command that created objects, and null both for a failure and for a scripting
 * command that ran (SetColor, SetValue, Delete, …). The listener calls made during the
 * command tell them apart (activity.ts). Exceptions propagate: the caller turns them
 * into a failed reply.
 */
export async function runCommand(
  api: AppletApi,
  text: string,
  ctx: RunContext = defaultContext()
): Promise<CommandResult> {
  const mark = ctx.activity.start();
  let labels: unknown;
  let seen: { calls: number; names: string[] };
  try {
    labels = await evalLazily(api, 'evalCommandGetLabels', [text], ctx);
  } finally {
    seen = ctx.activity.stop(mark);
  }
  if (typeof labels === 'string') {
    const names = splitLabels(labels);
    return { ok: true, labels: names, objects: names.map(n => objectInfo(api, n)) };
  }
  if (seen.calls > 0) {
    const changed = seen.names.filter(n => n.length > 0);
    return { ok: true, labels: [], objects: [], changed };
  }
  return { ok: false, labels: [], objects: [], error: whyFailed(api, text) };
}

/**
 * A script's lines, in order, in one go. A line that throws counts as a failed line
 * with the exception's text, so the lines that ran before it still reach the kernel.
 * Once the kernel's deadline has passed nobody reads the answer: the rest is skipped.
 */
export async function runBatch(
  api: AppletApi,
  msg: BatchMsg,
  ctx: RunContext = defaultContext()
): Promise<{ results: LineResult[] }> {
  const results: LineResult[] = [];
  for (const { line, text } of msg.lines) {
    if (ctx.now() > ctx.deadline) {
      break;
    }
    let result: CommandResult;
    try {
      result = await runCommand(api, text, ctx);
    } catch (err) {
      console.warn(`ggbmagic: line ${line} threw in GeoGebra`, err);
      result = { ok: false, labels: [], objects: [], error: `GeoGebra threw: ${errorText(err)}` };
    }
    results.push({ line, text, ...result });
    if (!result.ok && msg.stop_on_error) {
      break;
    }
  }
  return { results };
}

export function snapshot(api: AppletApi): { objects: ObjectInfo[] } {
  const names = attempt(() => api.getAllObjectNames(), [] as string[]);
  return { objects: names.map(n => objectInfo(api, String(n))) };
}

export function ping(
  api: AppletApi,
  appName: string
): { version: string; appName: string; objects: number } {
  return {
    version: String(attempt(() => api.getVersion(), '')),
    appName,
    objects: Number(attempt(() => api.getObjectNumber(), 0))
  };
}

/** Why `call` refuses `method`, or null when it may run. */
export function refusal(api: AppletApi, method: unknown): string | null {
  if (typeof method !== 'string' || method.length === 0) {
    return 'the method name must be a non-empty string';
  }
  if (method.startsWith('_')) {
    return `${method} is private to GeoGebra and cannot be called`;
  }
  // Object.prototype's own functions (constructor, toString, ...) are not GeoGebra's.
  if (typeof api[method] !== 'function' || method in Object.prototype) {
    return `${method} is not a GeoGebra API method`;
  }
  if (REFUSED.test(method) || REFUSED_NAMES.has(method)) {
    return (
      `${method} cannot be called from the kernel: it takes a JavaScript callback ` +
      'or would remove the applet (ggbmagic forwards add/remove/update/rename/clear ' +
      'and client events by itself)'
    );
  }
  return null;
}

/**
 * A value as it will travel in JSON: undefined -> null, NaN/±Infinity -> `{"$float": …}`
 * (protocol.ts); throws if it cannot.
 */
export function toJson(value: unknown): unknown {
  if (value === undefined) {
    return null;
  }
  const text = JSON.stringify(value, nonFiniteReplacer);
  return text === undefined ? null : JSON.parse(text);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Call a method that answers through a callback. Some GeoGebra versions also (or
 * only) return the answer: a string return value is taken at once.
 */
function viaCallback(
  method: string,
  invoke: (callback: (value?: unknown) => void) => unknown,
  timeoutMs: number,
  acceptReturn: (value: unknown) => boolean
): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        reject(new Error(`${method} did not answer within ${timeoutMs / 1000} s`));
      }
    }, timeoutMs);
    const finish = (value: unknown) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      }
    };
    try {
      const returned = invoke(value => finish(value));
      if (acceptReturn(returned)) {
        finish(returned);
      } else if (isThenable(returned)) {
        returned.then(finish, (err: unknown) => {
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            reject(err);
          }
        });
      }
    } catch (err) {
      settled = true;
      clearTimeout(timer);
      reject(err);
    }
  });
}

/** How often a file load is checked for completion. */
const LOAD_POLL_MS = 10;

/**
 * `setBase64(b64)`: GeoGebra loads the file asynchronously and, in 5.0.745.0, never
 * calls the callback (measured; the construction is cleared at once and the file's
 * objects arrive ~50 ms later, with listener calls). The load counts as done when the
 * callback fires, or when the listeners were called after the call and the applet holds
 * `expect` objects (the kernel counts the file's <element>s). Without `expect`: when
 * the listeners were called and then stayed quiet for a few polls. Never past the
 * request's deadline.
 */
function loadBase64(
  api: AppletApi,
  fn: (...a: unknown[]) => unknown,
  b64: unknown,
  expect: number | undefined,
  ctx: RunContext
): Promise<null> {
  const ms = remainingMs(ctx);
  return new Promise<null>((resolve, reject) => {
    let settled = false;
    let poll: ReturnType<typeof setInterval> | undefined;
    const end = () => {
      settled = true;
      clearTimeout(timer);
      if (poll !== undefined) {
        clearInterval(poll);
      }
    };
    const count = () => Number(attempt(() => api.getObjectNumber(), -1));
    const timer = setTimeout(() => {
      if (!settled) {
        end();
        const have = count();
        reject(
          new Error(
            `GeoGebra did not finish loading the file within ${(ms / 1000).toFixed(1)} s` +
              (expect === undefined ? '' : ` (it shows ${have} of the file's ${expect} objects)`)
          )
        );
      }
    }, ms);
    const done = () => {
      if (!settled) {
        end();
        resolve(null);
      }
    };
    // Measured: the call itself fires no listener (objects come later), so listener
    // calls after this mark are the file's; a GeoGebra that loads synchronously is
    // covered too.
    const mark = ctx.activity.count;
    let last = -1;
    let quiet = 0;
    try {
      fn.call(api, b64, () => done());
    } catch (err) {
      end();
      reject(err);
      return;
    }
    // The construction is cleared synchronously, so the object count read right after
    // the call says nothing yet: wait for the listeners.
    const check = () => {
      const calls = ctx.activity.count;
      if (calls === mark) {
        return; // nothing arrived yet
      }
      if (expect !== undefined) {
        if (count() === expect) {
          done();
        }
        return;
      }
      quiet = calls === last ? quiet + 1 : 0;
      last = calls;
      if (quiet >= 3) {
        done();
      }
    };
    if (!settled) {
      check();
      poll = setInterval(check, LOAD_POLL_MS);
    }
  });
}

/**
 * One API method. getBase64() and exportSVG() get a callback of our own, setBase64 is
 * confirmed by the objects arriving (loadBase64); evalCommand(GetLabels) falls back to
 * its async twin when a command module is not loaded yet; a method returning a promise
 * (e.g. asyncEvalCommand) is awaited. Every wait ends at the request's deadline.
 */
export async function runCall(
  api: AppletApi,
  msg: Pick<CallMsg, 'method' | 'args' | 'expect_objects'>,
  ctx: RunContext = defaultContext()
): Promise<Outcome> {
  const why = refusal(api, msg.method);
  if (why !== null) {
    return { ok: false, error: why };
  }
  const method = msg.method;
  const args = Array.isArray(msg.args) ? msg.args : [];
  const fn = api[method] as (...a: unknown[]) => unknown;
  const timeoutMs = remainingMs(ctx);
  let value: unknown;
  try {
    if (method === 'getBase64' || method === 'exportSVG') {
      value = await viaCallback(method, cb => fn.call(api, cb), timeoutMs, isString);
    } else if (method === 'setBase64') {
      const expect = typeof msg.expect_objects === 'number' ? msg.expect_objects : undefined;
      value = await loadBase64(api, fn, args[0], expect, ctx);
    } else if (method === 'evalCommandGetLabels' || method === 'evalCommand') {
      value = await evalLazily(api, method, args, ctx);
    } else {
      value = fn.apply(api, args);
      if (isThenable(value)) {
        value = await withDeadline(value, ctx, method);
      }
    }
  } catch (err) {
    return { ok: false, error: `${method} failed: ${errorText(err)}` };
  }
  try {
    return { ok: true, result: toJson(value) };
  } catch (err) {
    return {
      ok: false,
      error: `the result of ${method} cannot be sent as JSON: ${errorText(err)}`
    };
  }
}

function isString(value: unknown): boolean {
  return typeof value === 'string';
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    return err.message || err.name;
  }
  return String(err);
}

/** Run any request; never throws. */
export async function execute(
  api: AppletApi,
  req: Request,
  appName: string,
  ctx: RunContext = defaultContext()
): Promise<Outcome> {
  try {
    switch (req.type) {
      case 'command':
        return { ok: true, result: await runCommand(api, req.text, ctx) };
      case 'batch':
        return { ok: true, result: await runBatch(api, req, ctx) };
      case 'call':
        return await runCall(api, req, ctx);
      case 'snapshot':
        return { ok: true, result: snapshot(api) };
      case 'ping':
        return { ok: true, result: ping(api, appName) };
    }
  } catch (err) {
    return { ok: false, error: `${req.type} failed in the browser: ${errorText(err)}` };
  }
}
