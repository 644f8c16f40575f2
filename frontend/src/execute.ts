/**
 * Runs the kernel's requests against a GeoGebra API object. Pure: it only talks to
 * the `AppletApi` it is given, so tests use a stand-in object.
 */
import type {
  BatchMsg,
  CallMsg,
  CommandResult,
  LineResult,
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

/** How long an adapted callback method (getBase64, setBase64, exportSVG) may take. */
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

/**
 * One GeoGebra command. `evalCommandGetLabels` answers null (or undefined) for a
 * failed command and a string, maybe empty, for success. Exceptions propagate: the
 * caller turns them into a failed reply.
 */
export function runCommand(api: AppletApi, text: string): CommandResult {
  const labels = api.evalCommandGetLabels(text);
  if (labels === null || labels === undefined) {
    return { ok: false, labels: [], objects: [] };
  }
  const names = splitLabels(String(labels));
  return { ok: true, labels: names, objects: names.map(n => objectInfo(api, n)) };
}

/**
 * A script's lines, in order, in one go. A line that throws counts as a failed line
 * (LineResult has no error text; GeoGebra gives none for failed commands either),
 * so the lines that ran before it still reach the kernel.
 */
export function runBatch(api: AppletApi, msg: BatchMsg): { results: LineResult[] } {
  const results: LineResult[] = [];
  for (const { line, text } of msg.lines) {
    let result: CommandResult;
    try {
      result = runCommand(api, text);
    } catch (err) {
      console.warn(`ggbmagic: line ${line} threw in GeoGebra`, err);
      result = { ok: false, labels: [], objects: [] };
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

/** A value as it will travel in JSON: undefined -> null; throws if it cannot. */
export function toJson(value: unknown): unknown {
  if (value === undefined) {
    return null;
  }
  const text = JSON.stringify(value);
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

/**
 * One API method. getBase64(), setBase64(b64) and exportSVG() get a callback of our
 * own; a method returning a promise (e.g. asyncEvalCommand) is awaited.
 */
export async function runCall(
  api: AppletApi,
  msg: Pick<CallMsg, 'method' | 'args'>,
  timeoutMs = CALLBACK_TIMEOUT_MS
): Promise<Outcome> {
  const why = refusal(api, msg.method);
  if (why !== null) {
    return { ok: false, error: why };
  }
  const method = msg.method;
  const args = Array.isArray(msg.args) ? msg.args : [];
  const fn = api[method] as (...a: unknown[]) => unknown;
  let value: unknown;
  try {
    if (method === 'getBase64') {
      value = await viaCallback(method, cb => fn.call(api, cb), timeoutMs, isString);
    } else if (method === 'exportSVG') {
      value = await viaCallback(method, cb => fn.call(api, cb), timeoutMs, isString);
    } else if (method === 'setBase64') {
      // The callback carries nothing we need: null, as for undefined.
      await viaCallback(method, cb => fn.call(api, args[0], cb), timeoutMs, () => false);
      value = null;
    } else {
      value = fn.apply(api, args);
      if (isThenable(value)) {
        value = await value;
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
  appName: string
): Promise<Outcome> {
  try {
    switch (req.type) {
      case 'command':
        return { ok: true, result: runCommand(api, req.text) };
      case 'batch':
        return { ok: true, result: runBatch(api, req) };
      case 'call':
        return await runCall(api, req);
      case 'snapshot':
        return { ok: true, result: snapshot(api) };
      case 'ping':
        return { ok: true, result: ping(api, appName) };
    }
  } catch (err) {
    return { ok: false, error: `${req.type} failed in the browser: ${errorText(err)}` };
  }
}
