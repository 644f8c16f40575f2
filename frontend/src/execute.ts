/**
 * Runs the kernel's requests against a GeoGebra API object. Pure: it only talks to
 * the `AppletApi` it is given, so tests use a stand-in object. `call` is in call.ts,
 * what every runner shares in runctx.ts.
 */
import { runCall } from './call';
import type { BatchMsg, CommandResult, LineResult, ObjectInfo, Request } from './protocol';
import {
  AppletApi,
  attempt,
  defaultContext,
  errorText,
  evalLazily,
  objectInfo,
  Outcome,
  RunContext,
  splitLabels
} from './runctx';

// Their old home: the bridge, the loader and the tests import them from here.
export { refusal, runCall, toJson } from './call';
export {
  AppletApi,
  CALLBACK_TIMEOUT_MS,
  COORD_TYPES,
  deadlineOf,
  defaultContext,
  errorText,
  isNotLoaded,
  NUMBER_TYPES,
  objectInfo,
  Outcome,
  remainingMs,
  RunContext,
  splitLabels
} from './runctx';

/**
 * Words that are never object names. Case-sensitive, as GeoGebra is: `Z` is a name that
 * can be missing (`SetColor(Z, "red")`), `z` is a coordinate variable.
 */
const CONSTANTS = new Set([
  'true', 'false', 'pi', 'e', 'x', 'y', 'z', 'i', 'infinity', 'Infinity', 'undefined',
  'Undefined', 'NaN', 'deg', 'rad'
]);
/** A GeoGebra object name: letters and digits, an optional index (A_1, A_{12}), primes. */
const NAME = /[A-Za-z][A-Za-z0-9]*(?:_\{[^}]*\}|_[A-Za-z0-9])?'*/g;
/** `name =`, `name(x, y) =` or `name:` at the start: the label being defined. */
const LABEL = /^\s*[A-Za-z][A-Za-z0-9]*(?:_\{[^}]*\}|_[A-Za-z0-9])?'*\s*(?:\([^()=]*\))?\s*(?:=(?!=)|:)/;
/** Commands whose arguments bind local variables (Sequence(k^2, k, 1, 5)): their words
 * are not all object names, so only their first argument's plain name is checked. */
const BINDS = /\b(Sequence|Zip|IterationList|Iteration|Sum|Product|KeepIf|CountIf|Integral|Derivative|Surface|Curve)\s*[([]/;

/**
 * The object names a command uses (outside texts, not called as commands or functions,
 * not constants, not the label it defines), in order, each once. Pure.
 */
export function namesUsed(text: string): string[] {
  let body = text.replace(/"[^"]*"/g, '""');
  const label = LABEL.exec(body);
  if (label) {
    body = body.slice(label[0].length);
  }
  const names: string[] = [];
  for (const m of body.matchAll(NAME)) {
    const start = m.index ?? 0;
    const before = start > 0 ? body[start - 1] : '';
    if (/[A-Za-z0-9_.']/.test(before)) {
      continue; // the tail of a longer token, e.g. 1.5E3 or a decimal
    }
    const after = body.slice(start + m[0].length).trimStart()[0] ?? '';
    if (after === '(' || after === '[' || CONSTANTS.has(m[0]) || names.includes(m[0])) {
      continue;
    }
    names.push(m[0]);
  }
  if (BINDS.test(body)) {
    const first = /^\s*[A-Za-z][A-Za-z0-9]*\s*[([]\s*([A-Za-z][A-Za-z0-9]*(?:_\{?[A-Za-z0-9]+\}?)?'*)\s*[,)\]]/.exec(body);
    return first && names.includes(first[1]) ? [first[1]] : [];
  }
  return names;
}

/**
 * Why a command with no labels and no listener activity failed, as far as can be
 * told: the missing objects it names (GeoGebra itself says nothing, measured
 * 5.0.745.0), or GeoGebra's silence.
 */
export function whyFailed(api: AppletApi, text: string): string {
  if (typeof api.exists === 'function') {
    const exists = api.exists as (n: string) => boolean;
    const missing = namesUsed(text).filter(n => {
      try {
        return !exists.call(api, n);
      } catch {
        return false;
      }
    });
    if (missing.length === 1) {
      return `there is no object named ${missing[0]}; nothing was changed`;
    }
    if (missing.length > 1) {
      return `there are no objects named ${missing.slice(0, 5).join(', ')}; nothing was changed`;
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

/** How long a script runs before it lets the page handle input and draw (ms). */
export const BATCH_SLICE_MS = 50;

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
  let slice = Date.now();
  for (const { line, text } of msg.lines) {
    if (ctx.now() > ctx.deadline) {
      break;
    }
    if (Date.now() - slice > BATCH_SLICE_MS) {
      // Let the page breathe: awaiting a settled value only yields to microtasks, so
      // a long script would otherwise hold the tab (input, drawing) until its end.
      await new Promise<void>(resolve => setTimeout(resolve, 0));
      slice = Date.now();
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
