/**
 * The kernel's requests in the browser: queued in arrival order, run one at a time
 * once the applet is ready, dropped unrun when the kernel's timeout has passed, and
 * answered with a reply that fits the kernel's frame limit.
 */
import { Activity } from './activity';
import { AppletApi, deadlineOf, errorText, execute, Outcome, RunContext } from './execute';
import * as P from './protocol';

/** Milliseconds since the epoch, monotonic where the browser offers it. */
export function now(): number {
  return typeof performance !== 'undefined' && performance.timeOrigin
    ? performance.timeOrigin + performance.now()
    : Date.now();
}

/** A request waiting its turn, with the time (now()) after which the kernel stops waiting. */
interface Queued {
  req: P.Request;
  deadline: number;
}

export interface RequestRunner {
  readonly kernelId: string;
  /** The ready applet's API, or null while there is none. */
  api(): AppletApi | null;
  appName(): string;
  /** Every listener call of the current applet (a command's success signal). */
  readonly activity: Activity;
  reply(id: string, outcome: Outcome): void;
}

export class RequestQueue {
  constructor(private readonly runner: RequestRunner) {}

  get length(): number {
    return this.queue.length;
  }

  push(req: P.Request): void {
    const refused = oversized(req);
    if (refused !== null) {
      // Answered at once, never run: GeoGebra would block the page far too long.
      console.warn(`ggbmagic: refused a ${req.type} request: ${refused}`);
      this.runner.reply(req.id, { ok: false, error: refused });
      return;
    }
    this.queue.push({ req, deadline: deadlineOf(req, now()) });
  }

  /** Forget every queued request (nobody waits for them any more). */
  clear(): void {
    this.queue = [];
  }

  /** Answer every queued request with `message`. */
  failAll(message: string): void {
    const queued = this.queue;
    this.queue = [];
    for (const { req } of queued) {
      this.runner.reply(req.id, { ok: false, error: message });
    }
  }

  /** Run queued requests one at a time, in arrival order, while the applet is ready. */
  async drain(): Promise<void> {
    if (this.draining) {
      return;
    }
    this.draining = true;
    try {
      let api: AppletApi | null;
      while ((api = this.runner.api()) !== null && this.queue.length > 0) {
        const { req, deadline } = this.queue.shift()!;
        if (now() > deadline) {
          // The kernel gave up on it: running it now would only hold the queue.
          console.warn(`ggbmagic: dropped a ${req.type} request the kernel stopped waiting for`);
          this.runner.reply(req.id, {
            ok: false,
            error: "not run: the kernel's timeout passed while it waited in the browser's queue"
          });
          continue;
        }
        const ctx: RunContext = { activity: this.runner.activity, deadline, now };
        let outcome: Outcome;
        try {
          outcome = await execute(api, req, this.runner.appName(), ctx);
        } catch (err) {
          outcome = { ok: false, error: errorText(err) };
        }
        this.runner.reply(req.id, outcome);
      }
    } catch (err) {
      console.error(`ggbmagic: running requests for kernel ${this.runner.kernelId} failed`, err);
    } finally {
      this.draining = false;
    }
  }

  private queue: Queued[] = [];
  private draining = false;
}

/**
 * The browser's own ceiling on GeoGebra source, whatever the kernel allows
 * (GgbMagics.max_command_chars, 100,000 by default, may be raised or be 0): measured on
 * GeoGebra 5.0.745.0, evalCommandGetLabels of a 486,000-character list blocked the page
 * 7.5 s, of 1,650,000 characters 89 s, and a million numbers froze a tab for 25 minutes.
 */
export const MAX_COMMAND_CHARS = 400_000;
/** The same for a whole script: it runs in slices (execute.ts), but each line parses whole. */
export const MAX_SCRIPT_CHARS = 4_000_000;

/** Why `req` is too big to run, or null. Pure. */
export function oversized(
  req: P.Request,
  maxCommand = MAX_COMMAND_CHARS,
  maxScript = MAX_SCRIPT_CHARS
): string | null {
  const tooLong = (what: string, size: number, limit: number): string =>
    `the browser refuses ${what} of ${size.toLocaleString('en-US')} characters, over its ` +
    `limit of ${limit.toLocaleString('en-US')} (GeoGebra would block the page for minutes); ` +
    'send less, e.g. a sample of the data';
  if (req.type === 'command' && typeof req.text === 'string' && req.text.length > maxCommand) {
    return tooLong('a command', req.text.length, maxCommand);
  }
  if (req.type === 'batch' && Array.isArray(req.lines)) {
    let total = 0;
    for (const { line, text } of req.lines) {
      const size = typeof text === 'string' ? text.length : 0;
      if (size > maxCommand) {
        return tooLong(`line ${line}, a command`, size, maxCommand);
      }
      total += size;
    }
    if (total > maxScript) {
      return tooLong('a script', total, maxScript);
    }
  }
  return null;
}

/**
 * The reply frame for `outcome`, as text: an error reply instead when the result is
 * not JSON or is over `maxFrameBytes`.
 */
export function replyText(id: string, outcome: Outcome, maxFrameBytes: number): string {
  let msg: P.ReplyMsg = outcome.ok ? P.replyOk(id, outcome.result) : P.replyError(id, outcome.error);
  let text: string;
  try {
    text = P.encodeFrame(msg);
  } catch (err) {
    msg = P.replyError(id, `the result cannot be sent as JSON: ${errorText(err)}`);
    text = JSON.stringify(msg);
  }
  const size = byteLength(text, maxFrameBytes);
  if (size > maxFrameBytes) {
    text = JSON.stringify(
      P.replyError(
        id,
        `the result is ${size} bytes, over the kernel's frame limit of ${maxFrameBytes} ` +
          'bytes (GgbMagics.max_frame_bytes)'
      )
    );
  }
  return text;
}

/** UTF-8 size of `text`; exact only when it could matter against `limit`. */
function byteLength(text: string, limit: number): number {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts cannot exceed the limit.
  if (text.length * 3 <= limit) {
    return text.length;
  }
  return new TextEncoder().encode(text).length;
}
