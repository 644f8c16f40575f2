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
