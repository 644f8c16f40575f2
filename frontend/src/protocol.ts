/**
 * The ggbmagic wire protocol, version 1: the TypeScript twin of
 * ggbmagic/protocol.py. docs/protocol.md is the contract; change all three together.
 *
 * Pure: no DOM, no I/O, so node's test runner can check it.
 *
 * Over 400 lines on purpose: it is the one list of message types with their builders
 * and parsers, the twin of protocol.py; a message change stays one file on each side.
 */

export const PROTOCOL_VERSION = 1;
export const TARGET_NAME = 'ggbmagic';

/** Sent as `client` in the OOB hello. Keep in step with package.json (a test checks). */
export const CLIENT_VERSION = '0.1.0';
export const CLIENT_NAME = `ggbmagic-jupyterlab/${CLIENT_VERSION}`;

/** Used until the kernel tells us its own limit (hello / welcome). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type ErrorCode =
  | 'frame_too_large'
  | 'malformed'
  | 'bad_version'
  | 'unknown_type';

// --- shared shapes -------------------------------------------------------------

export interface ObjectInfo {
  name: string;
  type: string;
  value: string;
  definition: string;
  command: string;
  defined: boolean;
  visible: boolean;
  x?: number;
  y?: number;
  z?: number;
  number?: number;
}

export interface CommandResult {
  ok: boolean;
  labels: string[];
  objects: ObjectInfo[];
  /** A failed command: why, as far as the browser can tell (GeoGebra says nothing). */
  error?: string;
  /** A command that created nothing but ran: the objects its events named. */
  changed?: string[];
}

export interface LineResult extends CommandResult {
  line: number;
  text: string;
}

export interface BatchLine {
  line: number;
  text: string;
}

export interface EventItem {
  type: string;
  target: string | null;
  argument: unknown;
  time: number;
  value?: string;
  /** Client events naming several objects (e.g. deleteGeos). */
  targets?: string[];
  /** A client event's other named fields (e.g. xZero, yZero, scale of viewChanged2D). */
  fields?: Record<string, unknown>;
}

/** Per-kernel overrides of the user's settings (hello.app / open.app). */
export interface AppOptions {
  appName?: string;
  width?: number;
  height?: number;
  showToolBar?: boolean;
  showMenuBar?: boolean;
  showAlgebraInput?: boolean;
}

/** Where the applet is shown: beside the notebook, or in a cell's output. */
export type Placement = 'panel' | 'inline';

// --- kernel -> browser (comm data) ----------------------------------------------

interface Versioned {
  v: number;
}

export interface HelloMsg extends Versioned {
  type: 'hello';
  kernel_id: string;
  token: string;
  max_frame_bytes: number;
  app?: AppOptions;
  /** Overrides the user's placement setting for this kernel. */
  placement?: Placement;
  /** A construction (base64 .ggb) for a freshly built applet to start from. */
  restore?: string;
}

export interface CommandMsg extends Versioned {
  type: 'command';
  id: string;
  /** How long the kernel waits for the reply, in ms: the browser drops the request after. */
  timeout_ms?: number;
  text: string;
}

export interface BatchMsg extends Versioned {
  type: 'batch';
  id: string;
  /** How long the kernel waits for the reply, in ms: the browser drops the request after. */
  timeout_ms?: number;
  stop_on_error: boolean;
  lines: BatchLine[];
}

export interface CallMsg extends Versioned {
  type: 'call';
  id: string;
  /** How long the kernel waits for the reply, in ms: the browser drops the request after. */
  timeout_ms?: number;
  method: string;
  args: unknown[];
  /** setBase64 only: how many objects the file holds, so the browser can tell it loaded. */
  expect_objects?: number;
}

export interface SnapshotMsg extends Versioned {
  type: 'snapshot';
  id: string;
  /** How long the kernel waits for the reply, in ms: the browser drops the request after. */
  timeout_ms?: number;
}

export interface PingMsg extends Versioned {
  type: 'ping';
  id: string;
  /** How long the kernel waits for the reply, in ms: the browser drops the request after. */
  timeout_ms?: number;
}

export interface OpenMsg extends Versioned {
  type: 'open';
  app: AppOptions;
  placement?: Placement;
}

/** Messages that expect exactly one `reply`. */
export type Request = CommandMsg | BatchMsg | CallMsg | SnapshotMsg | PingMsg;
export type KernelToBrowser = HelloMsg | Request | OpenMsg;

// --- browser -> kernel (comm data) ----------------------------------------------

// A type alias, not an interface: it then fits JupyterLab's JSONObject for comm.send.
export type AttachMsg = { v: number; type: 'attach' };

// --- browser -> kernel (OOB frames) ---------------------------------------------

export interface ClientHelloMsg extends Versioned {
  type: 'hello';
  token: string;
  client: string;
}

export interface ReadyMsg extends Versioned {
  type: 'ready';
  applet: { version: string; appName: string };
}

export interface LoadFailedMsg extends Versioned {
  type: 'load_failed';
  url: string;
  message: string;
}

export interface ClosedMsg extends Versioned {
  type: 'closed';
  reason: string;
}

/** Where the applet is shown now; `none`: the frontend offers no place for the panel. */
export interface PlacementMsg extends Versioned {
  type: 'placement';
  where: Placement | 'none';
  /** inline: whether a cell's output holds the applet now. */
  hosted: boolean;
  message?: string;
}

export interface ReplyMsg extends Versioned {
  type: 'reply';
  id: string;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface EventMsg extends Versioned {
  type: 'event';
  events: EventItem[];
}

export interface HeartbeatMsg extends Versioned {
  type: 'heartbeat';
  time: number;
}

export interface ErrorMsg extends Versioned {
  type: 'error';
  code: ErrorCode;
  message: string;
}

/** The paths of the transport ladder (docs/architecture.md, "The transport ladder"). */
export type LinkPath = 'relay' | 'subshell' | 'loopback' | 'after-cell';

/** The browser's view of the ladder, sent on the link it answers on. */
export interface LadderMsg extends Versioned {
  type: 'ladder';
  path: LinkPath;
  /** On the relay: the page takes requests on the socket too. */
  requests?: boolean;
  /** Why the relay is not used ("" when it is). */
  relay?: string;
  comms_over_subshells?: string;
  supports_subshells?: boolean;
}

export type BrowserToKernel =
  | LadderMsg
  | ClientHelloMsg
  | ReadyMsg
  | LoadFailedMsg
  | ClosedMsg
  | PlacementMsg
  | ReplyMsg
  | EventMsg
  | HeartbeatMsg
  | ErrorMsg;

// --- kernel -> browser (OOB frames) ---------------------------------------------

export interface WelcomeMsg extends Versioned {
  type: 'welcome';
  kernel_id: string;
  max_frame_bytes: number;
}

export interface PongMsg extends Versioned {
  type: 'pong';
  time: number;
}

export type KernelOobMsg = WelcomeMsg | PongMsg | ErrorMsg;

// --- inline outputs (display data, not a channel message) ---------------------------

/** The MIME type of `%ggb --open --inline` outputs (ggbmagic/inline.py). */
export const INLINE_MIME_TYPE = 'application/vnd.ggbmagic.applet+json';

/** What the kernel puts under INLINE_MIME_TYPE. */
export interface InlineData {
  kernel_id: string | null;
  /** The construction as a base64 .ggb file, as of the kernel's last refresh. */
  ggb: string | null;
}

/** Read the inline MIME data; anything unexpected becomes null fields (never throws). */
export function parseInlineData(value: unknown): InlineData {
  const obj = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  return {
    kernel_id: typeof obj.kernel_id === 'string' && obj.kernel_id ? obj.kernel_id : null,
    ggb: typeof obj.ggb === 'string' && obj.ggb ? obj.ggb : null
  };
}

// --- checking what arrives --------------------------------------------------------

/** What `parseKernelMessage` / `parseOobFrame` return: a typed message or a reason. */
export type Parsed<T> =
  | { ok: true; msg: T }
  | { ok: false; code: ErrorCode; message: string };

type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'object';

const COMM_FIELDS: Record<KernelToBrowser['type'], Record<string, FieldKind>> = {
  hello: { kernel_id: 'string', token: 'string', max_frame_bytes: 'number' },
  command: { id: 'string', text: 'string' },
  batch: { id: 'string', stop_on_error: 'boolean', lines: 'array' },
  call: { id: 'string', method: 'string', args: 'array' },
  snapshot: { id: 'string' },
  ping: { id: 'string' },
  open: {}
};

const OOB_FIELDS: Record<KernelOobMsg['type'], Record<string, FieldKind>> = {
  welcome: { kernel_id: 'string', max_frame_bytes: 'number' },
  pong: { time: 'number' },
  error: { code: 'string', message: 'string' }
};

function kindOf(value: unknown): FieldKind | 'other' {
  if (Array.isArray(value)) {
    return 'array';
  }
  if (value !== null && typeof value === 'object') {
    return 'object';
  }
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'other';
}

function check<T>(
  data: unknown,
  table: Record<string, Record<string, FieldKind>>
): Parsed<T> {
  if (kindOf(data) !== 'object') {
    return { ok: false, code: 'malformed', message: 'message is not a JSON object' };
  }
  const obj = data as Record<string, unknown>;
  if (obj.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      code: 'bad_version',
      message:
        `protocol version ${JSON.stringify(obj.v ?? null)} is not supported; ` +
        `this browser extension (${CLIENT_NAME}) speaks version ${PROTOCOL_VERSION}. ` +
        'Reload the browser page after upgrading ggbmagic, and restart the kernel.'
    };
  }
  const type = obj.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(table, type)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `unknown message type ${JSON.stringify(type ?? null)}`
    };
  }
  for (const [field, kind] of Object.entries(table[type])) {
    if (kindOf(obj[field]) !== kind) {
      return {
        ok: false,
        code: 'malformed',
        message: `'${type}' message needs field '${field}' (${kind})`
      };
    }
  }
  return { ok: true, msg: obj as T };
}

/** Check a comm message from the kernel. `open.app` defaults to `{}`. */
export function parseKernelMessage(data: unknown): Parsed<KernelToBrowser> {
  const parsed = check<KernelToBrowser>(data, COMM_FIELDS);
  if (!parsed.ok) {
    return parsed;
  }
  let msg = parsed.msg;
  if (msg.type === 'open' || msg.type === 'hello') {
    // Optional fields of the wrong kind are treated as absent.
    const m = msg as { placement?: unknown; restore?: unknown };
    if (m.placement !== undefined && m.placement !== 'panel' && m.placement !== 'inline') {
      const rest = { ...msg };
      delete rest.placement;
      msg = rest;
    }
    if (msg.type === 'hello' && m.restore !== undefined && typeof m.restore !== 'string') {
      const rest: HelloMsg = { ...msg };
      delete rest.restore;
      msg = rest;
    }
  }
  if (msg.type === 'open' || msg.type === 'hello') {
    // `app` is optional; anything but an object is treated as absent.
    const app = (msg as { app?: unknown }).app;
    if (kindOf(app) !== 'object') {
      if (msg.type === 'open') {
        return { ok: true, msg: { ...msg, app: {} } };
      }
      const rest: HelloMsg = { ...msg };
      delete rest.app;
      return { ok: true, msg: rest };
    }
  }
  if (msg.type === 'call') {
    // NaN / ±Infinity in the arguments come as {"$float": …} (docs/protocol.md, Numbers).
    return { ok: true, msg: { ...msg, args: msg.args.map(decodeFloats) } };
  }
  if (msg.type === 'batch') {
    for (const line of msg.lines) {
      if (
        kindOf(line) !== 'object' ||
        typeof line.line !== 'number' ||
        typeof line.text !== 'string'
      ) {
        return {
          ok: false,
          code: 'malformed',
          message: "every batch line needs 'line' (number) and 'text' (string)"
        };
      }
    }
  }
  return { ok: true, msg };
}

/** Check a text frame the kernel sent on the OOB socket. */
export function parseOobFrame(frame: string): Parsed<KernelOobMsg> {
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch (err) {
    return { ok: false, code: 'malformed', message: `frame is not JSON: ${String(err)}` };
  }
  return check<KernelOobMsg>(data, OOB_FIELDS);
}

/** Whether a kernel message expects a reply. */
export function isRequest(msg: KernelToBrowser): msg is Request {
  return (
    msg.type === 'command' ||
    msg.type === 'batch' ||
    msg.type === 'call' ||
    msg.type === 'snapshot' ||
    msg.type === 'ping'
  );
}

// --- building what we send --------------------------------------------------------

export function attach(): AttachMsg {
  return { v: PROTOCOL_VERSION, type: 'attach' };
}

export function clientHello(token: string): ClientHelloMsg {
  return { v: PROTOCOL_VERSION, type: 'hello', token, client: CLIENT_NAME };
}

export function ready(version: string, appName: string): ReadyMsg {
  return { v: PROTOCOL_VERSION, type: 'ready', applet: { version, appName } };
}

export function loadFailed(url: string, message: string): LoadFailedMsg {
  return { v: PROTOCOL_VERSION, type: 'load_failed', url, message };
}

export function closed(reason: string): ClosedMsg {
  return { v: PROTOCOL_VERSION, type: 'closed', reason };
}

export function placementFrame(
  where: Placement | 'none',
  hosted: boolean,
  message?: string
): PlacementMsg {
  const msg: PlacementMsg = { v: PROTOCOL_VERSION, type: 'placement', where, hosted };
  if (message) {
    msg.message = message;
  }
  return msg;
}

export function replyOk(id: string, result: unknown): ReplyMsg {
  return { v: PROTOCOL_VERSION, type: 'reply', id, ok: true, result };
}

export function replyError(id: string, error: string): ReplyMsg {
  return { v: PROTOCOL_VERSION, type: 'reply', id, ok: false, error };
}

export function eventFrame(events: EventItem[]): EventMsg {
  return { v: PROTOCOL_VERSION, type: 'event', events };
}

export function ladder(
  path: LinkPath,
  facts: Omit<LadderMsg, 'v' | 'type' | 'path'>
): LadderMsg {
  return { v: PROTOCOL_VERSION, type: 'ladder', path, ...facts };
}

/**
 * A request the kernel sent on the OOB socket ("requests over the open socket"), or
 * null for any other frame (welcome, pong, error: parseOobFrame's business).
 */
export function parseRequestFrame(text: string): Parsed<Request> | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const type = (data as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !REQUEST_TYPES.has(type)) {
    return null;
  }
  const parsed = parseKernelMessage(data);
  if (!parsed.ok) {
    return parsed;
  }
  return isRequest(parsed.msg) ? { ok: true, msg: parsed.msg } : null;
}

const REQUEST_TYPES = new Set(['command', 'batch', 'call', 'snapshot', 'ping']);

export function heartbeat(time: number): HeartbeatMsg {
  return { v: PROTOCOL_VERSION, type: 'heartbeat', time };
}

export function error(code: ErrorCode, message: string): ErrorMsg {
  return { v: PROTOCOL_VERSION, type: 'error', code, message };
}

// --- numbers JSON cannot carry ------------------------------------------------------

/** Key of the object that stands for NaN / Infinity / -Infinity on the wire. */
export const FLOAT_KEY = '$float';

/**
 * JSON.stringify replacer: NaN and ±Infinity become `{"$float": "nan" | "inf" | "-inf"}`
 * (plain JSON would turn them into null). docs/protocol.md, "Numbers".
 */
export function nonFiniteReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { [FLOAT_KEY]: Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf' };
  }
  return value;
}

/** `value` with every `{"$float": "nan" | "inf" | "-inf"}` marker turned back into a number. */
export function decodeFloats(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(decodeFloats);
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === FLOAT_KEY) {
      const tag = obj[FLOAT_KEY];
      if (tag === 'nan') {
        return Number.NaN;
      }
      if (tag === 'inf') {
        return Infinity;
      }
      if (tag === '-inf') {
        return -Infinity;
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      out[key] = decodeFloats(obj[key]);
    }
    return out;
  }
  return value;
}

/** A frame as text, with non-finite numbers encoded. */
export function encodeFrame(msg: BrowserToKernel): string {
  return JSON.stringify(msg, nonFiniteReplacer);
}
