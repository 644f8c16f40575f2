/**
 * The `call` request: one Apps API method by name, with the waits some methods need
 * (a callback, a file load confirmed by its objects, a promise), each ending at the
 * request's deadline, and a result made fit for JSON. Pure.
 */
import { CallMsg, nonFiniteReplacer } from './protocol';
import {
  AppletApi,
  attempt,
  defaultContext,
  errorText,
  evalLazily,
  isThenable,
  Outcome,
  remainingMs,
  RunContext,
  withDeadline
} from './runctx';

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
