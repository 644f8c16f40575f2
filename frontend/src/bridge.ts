/**
 * One kernel's end of the dual channel in the browser: comm messages in, the OOB
 * WebSocket out (docs/protocol.md). It owns the kernel's panel and applet, queues
 * requests until the applet is ready and runs them in order.
 *
 * All I/O of the browser half lives here; the logic it leans on (execute.ts,
 * coalesce.ts, protocol.ts, urls.ts, backoff.ts) is pure and unit-tested.
 */
import type { Kernel } from '@jupyterlab/services';

import { Activity } from './activity';
import { backoffDelay } from './backoff';
import { namesOf, normalizeClientEvent } from './clientevent';
import { EventCoalescer } from './coalesce';
import { AppletApi, deadlineOf, errorText, execute, Outcome, RunContext } from './execute';
import { AppletConfig, AppletHandle, createApplet, LoadError } from './loader';
import type { InlineView } from './inline';
import { Failure, GeoGebraPanel, Size } from './panel';
import type { PlaceResult } from './placement';
import * as P from './protocol';
import { resizeApplet } from './sizing';
import { AppletView, Stage } from './stage';
import { redact, relayUrl, withoutQuery } from './urls';

/** The user's settings (schema/plugin.json). */
export interface GgbSettings {
  deployggbUrl: string;
  html5Codebase: string;
  appName: string;
  showToolBar: boolean;
  showMenuBar: boolean;
  showAlgebraInput: boolean;
  /** Where the applet is shown unless the kernel says: beside the notebook or inline. */
  placement: P.Placement;
}

export const DEFAULT_SETTINGS: GgbSettings = {
  deployggbUrl: 'https://www.geogebra.org/apps/deployggb.js',
  html5Codebase: '',
  appName: 'classic',
  showToolBar: true,
  showMenuBar: false,
  showAlgebraInput: true,
  placement: 'panel'
};

/** What the bridge needs from JupyterLab; index.ts provides it. */
export interface BridgeHost {
  /** `serverSettings.wsUrl` and `.token` of the kernel connection. */
  server(): { wsUrl: string; token: string };
  settings(): GgbSettings;
  /** Resolves once the settings registry has answered (or failed). */
  readonly settingsLoaded: Promise<void>;
  /** The name of the notebook this kernel belongs to, for the panel title. */
  notebookName(kernelId: string): string;
  /** Add a new panel to the shell beside the kernel's notebook, if the shell has room. */
  place(panel: GeoGebraPanel, kernelId: string): PlaceResult;
  /** Bring an existing panel to the front. */
  reveal(panel: GeoGebraPanel): void;
}

export const HEARTBEAT_MS = 10000;
/** Frames kept while the socket is down; the oldest go first beyond this. */
const OUTBOX_LIMIT = 2000;
/** Comm message ids remembered to drop the copy a second connection delivers. */
const SEEN_LIMIT = 512;
/** WebSocket close code the kernel uses for a wrong token (docs/protocol.md). */
const CLOSE_UNAUTHORIZED = 4001;
const DEFAULT_SIZE: Size = { width: 800, height: 600 };

type SocketState = 'idle' | 'connecting' | 'authenticating' | 'welcomed';

/** A request waiting its turn, with the time (now()) after which the kernel stops waiting. */
interface Queued {
  req: P.Request;
  deadline: number;
}

type AppletState = 'none' | 'loading' | 'ready' | 'failed';

function now(): number {
  return typeof performance !== 'undefined' && performance.timeOrigin
    ? performance.timeOrigin + performance.now()
    : Date.now();
}

export class KernelBridge {
  constructor(
    readonly kernelId: string,
    private readonly host: BridgeHost
  ) {
    this.coalescer = new EventCoalescer(events => this.send(P.eventFrame(events)));
    this.stage = new Stage(kernelId);
    this.stage.resized.connect((_, size) => this.onResize(size));
  }

  /** For tests and the palette: the panel, if one is open. */
  get panel(): GeoGebraPanel | null {
    return this._panel;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Whether the applet is shown anywhere (the panel or a cell's output). */
  get isShown(): boolean {
    return this._panel !== null || this.views.size > 0;
  }

  /**
   * Take messages from one comm (kernel-opened, or re-created after a reload). The
   * same comm can reach us through two kernel connections (two notebooks on one
   * kernel); message ids drop the copies.
   */
  attachComm(comm: Kernel.IComm): void {
    if (this.comms.has(comm)) {
      return;
    }
    this.comms.add(comm);
    comm.onMsg = msg => {
      this.receive(msg.header.msg_id, msg.content.data);
    };
    comm.onClose = () => {
      this.comms.delete(comm);
      if (![...this.comms].some(c => !c.isDisposed)) {
        this.kernelGone('The kernel closed its ggbmagic channel; run %load_ext ggbmagic to reconnect.');
      }
    };
  }

  /** One comm message (or comm_open data) from the kernel. Never throws. */
  receive(msgId: string, data: unknown): void {
    try {
      if (this.disposed || this.seenBefore(msgId)) {
        return;
      }
      const parsed = P.parseKernelMessage(data);
      if (!parsed.ok) {
        this.protocolError(parsed.code, parsed.message, data);
        return;
      }
      const msg = parsed.msg;
      switch (msg.type) {
        case 'hello':
          this.onHello(msg);
          break;
        case 'open':
          this.onOpen(msg);
          break;
        default:
          this.touched = true;
          this.enqueue(msg);
      }
    } catch (err) {
      console.error(`ggbmagic: handling a comm message for kernel ${this.kernelId} failed`, err);
    }
  }

  /**
   * The palette command (or an `open` message): show the applet (in the panel unless
   * `placement` says inline), building what is missing.
   */
  openPanel(activate: boolean, placement: P.Placement = 'panel'): void {
    if (this.disposed) {
      return;
    }
    this.userClosed = false;
    this.placement = placement;
    this.arrange();
    if (activate && this._panel && this.placement === 'panel') {
      this.host.reveal(this._panel);
    }
    if (this.token === null) {
      this.showStatus(v => v.showConnecting());
      return;
    }
    this.ensureApplet();
    this.connectIfNeeded();
  }

  /** An inline view (a cell's output) offers itself as a place for the applet. */
  addInlineView(view: InlineView): void {
    if (this.disposed || view.isDisposed) {
      return;
    }
    this.views.delete(view); // re-added last: the newest output is the preferred one
    this.views.add(view);
    view.setKernel(this.kernelId);
    if (this.placement === null) {
      this.placement = 'inline';
    }
    this.arrange();
    if (this.applet === null && !this.userClosed && this.placement === 'inline') {
      // A reopened notebook: show the saved construction before any kernel connects.
      this.buildApplet();
    }
  }

  /** An inline view went away (output cleared, cell deleted, notebook closed). */
  removeInlineView(view: InlineView): void {
    if (this.views.delete(view)) {
      this.arrange();
    }
  }

  /** The settings changed: a failed load is retried with the new ones. */
  settingsChanged(): void {
    if (this.appletState === 'failed') {
      this.buildApplet();
    }
  }

  /**
   * The kernel is gone (comm closed, kernel shut down or switched): stop talking to
   * it but keep the panel, so the user keeps the construction on screen.
   */
  kernelGone(reason: string): void {
    this.token = null;
    this.gone = true;
    this.closeSocket(1000, 'kernel gone');
    // Nobody waits for these any more: the kernel that asked is gone.
    this.queue = [];
    this.outbox = [];
    this.showStatus(v => v.showNotice(reason));
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.closeSocket(1000, 'disposed');
    this.coalescer.dispose();
    this.destroyApplet();
    this.queue = [];
    const panel = this._panel;
    this._panel = null;
    panel?.dispose();
    this.stage.dispose();
  }

  // --- comm messages ------------------------------------------------------------

  private onHello(msg: P.HelloMsg): void {
    if (msg.kernel_id !== this.kernelId) {
      // The relay is addressed by the server's kernel id; trust that one.
      console.warn(
        `ggbmagic: hello names kernel ${msg.kernel_id}, the server knows it as ${this.kernelId}`
      );
    }
    const live = this.socketState !== 'idle' || this.reconnectTimer !== undefined;
    if (msg.token === this.token && live && !this.userClosed) {
      return; // a repeated hello while connected (docs/protocol.md)
    }
    this.token = msg.token;
    this.gone = false;
    this.maxFrameBytes = msg.max_frame_bytes || P.DEFAULT_MAX_FRAME_BYTES;
    this.appOverrides = msg.app ? { ...msg.app } : {};
    this.kernelRestore = msg.restore ?? null;
    if (this.userClosed) {
      // The user closed the panel: only `open` (%ggb --open) or the palette reopen it.
      return;
    }
    // An applet shown in a cell's output stays there; otherwise the kernel's wish, then
    // where it was, then the user's setting.
    if (!(this.placement === 'inline' && this.liveViews().length > 0)) {
      this.placement = msg.placement ?? this.placement ?? this.settingsPlacement();
    }
    this.arrange();
    if (
      this.kernelRestore &&
      this.applet !== null &&
      !this.touched &&
      this.builtFrom !== this.kernelRestore
    ) {
      // Built from an older saved output before the kernel spoke: the kernel knows better.
      this.buildApplet();
    }
    this.ensureApplet();
    this.closeSocket(1000, 'new hello');
    this.connectIfNeeded();
  }

  private onOpen(msg: P.OpenMsg): void {
    this.appOverrides = { ...this.appOverrides, ...msg.app };
    this.openPanel(true, msg.placement ?? this.settingsPlacement());
  }

  private protocolError(code: P.ErrorCode, message: string, data: unknown): void {
    console.error(`ggbmagic: refused a comm message (${code}): ${message}`, data);
    this.send(P.error(code, message));
    const type = (data as { type?: unknown } | null)?.type;
    if (code === 'bad_version' && type === 'hello') {
      this.showStatus(v => v.showFailed(
        { url: '(kernel)', message: `The kernel speaks another ggbmagic protocol: ${message}` },
        () => location.reload()
      ));
    }
  }

  private seenBefore(msgId: string): boolean {
    if (!msgId) {
      return false;
    }
    if (this.seen.has(msgId)) {
      return true;
    }
    this.seen.add(msgId);
    if (this.seen.size > SEEN_LIMIT) {
      // Sets iterate in insertion order: drop the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) {
        this.seen.delete(oldest);
      }
    }
    return false;
  }

  // --- panel and applet -----------------------------------------------------------

  /** Create the panel if there is none; false when the shell has no place for it. */
  private ensurePanel(): boolean {
    if (this._panel && !this._panel.isDisposed) {
      return true;
    }
    const panel = new GeoGebraPanel(this.kernelId, this.host.notebookName(this.kernelId));
    const placed = this.host.place(panel, this.kernelId);
    if (!placed.placed) {
      panel.dispose();
      this.noPlace = placed.message ?? 'no place for the panel';
      console.warn(`ggbmagic: the GeoGebra panel has no place here: ${this.noPlace}`);
      return false;
    }
    this.noPlace = null;
    panel.userClosed.connect(() => this.onPanelClosed(panel));
    this._panel = panel;
    return true;
  }

  // --- placement: which view shows the stage ----------------------------------------

  private settingsPlacement(): P.Placement {
    return this.host.settings().placement === 'inline' ? 'inline' : 'panel';
  }

  private liveViews(): InlineView[] {
    return [...this.views].filter(v => !v.isDisposed && v.isAttached);
  }

  /** The view that shows the applet now, if any. */
  private view(): AppletView | null {
    return this.stage.view;
  }

  /**
   * Put the stage where the placement says: in the panel (created if needed), or in
   * the newest inline view; the other views show their picture. Then tell the kernel.
   */
  private arrange(): void {
    if (this.disposed) {
      return;
    }
    let target: AppletView | null = null;
    if (this.placement === 'panel') {
      target = this.ensurePanel() ? this._panel : null;
    } else if (this.placement === 'inline') {
      const views = this.liveViews();
      target = views.length > 0 ? views[views.length - 1] : null;
      const panel = this._panel;
      if (panel) {
        // Moving inline: the empty panel goes (as code, not as the user closing it).
        this._panel = null;
        panel.dispose();
      }
    }
    const before = this.stage.view;
    this.stage.moveTo(target);
    for (const v of this.views) {
      if (v !== target) {
        v.setHosting(
          false,
          this.placement === 'panel'
            ? 'The GeoGebra applet is in the panel beside the notebook now (%ggb --open --inline brings it here).'
            : 'The GeoGebra applet is shown in another cell of this notebook.'
        );
      } else {
        v.setHosting(true);
      }
    }
    if (target && target !== before) {
      this.replayStatus(target);
    }
    this.announcePlacement();
  }

  /** Show a status in the current view, and remember it for the next view. */
  private showStatus(show: (v: AppletView) => void): void {
    this.lastStatus = show;
    const v = this.view();
    if (v) {
      show(v);
    }
  }

  private replayStatus(v: AppletView): void {
    v.setAppletId(this.applet?.id ?? null);
    if (this.appletState === 'ready') {
      v.showReady();
    } else if (this.lastStatus) {
      this.lastStatus(v);
    } else if (this.token === null) {
      v.showConnecting();
    }
  }

  private announcePlacement(): void {
    if (this.socketState !== 'welcomed' || this.placement === null) {
      return;
    }
    if (this.placement === 'inline') {
      this.sendNow(P.placementFrame('inline', this.view() !== null));
    } else if (this._panel) {
      this.sendNow(P.placementFrame('panel', true));
    } else {
      this.sendNow(P.placementFrame('none', false, this.noPlace ?? undefined));
    }
  }

  /** Build an applet unless a good one runs or loads with the wanted appName. */
  private ensureApplet(): void {
    const wanted = this.config().appName;
    if (this.applet === null || this.appletState === 'failed' || this.applet.appName !== wanted) {
      this.buildApplet();
    }
  }

  private config(): AppletConfig {
    const s = this.host.settings();
    const o = this.appOverrides;
    // The applet follows its view; the kernel's width/height only count while hidden.
    const size = (this.view() ? this.stage.size() : null) ?? {
      width: o.width ?? DEFAULT_SIZE.width,
      height: o.height ?? DEFAULT_SIZE.height
    };
    return {
      deployggbUrl: s.deployggbUrl || DEFAULT_SETTINGS.deployggbUrl,
      html5Codebase: s.html5Codebase,
      appName: o.appName || s.appName || DEFAULT_SETTINGS.appName,
      width: size.width,
      height: size.height,
      showToolBar: o.showToolBar ?? s.showToolBar,
      showMenuBar: o.showMenuBar ?? s.showMenuBar,
      showAlgebraInput: o.showAlgebraInput ?? s.showAlgebraInput,
      ggbBase64: this.restoreSource() ?? undefined
    };
  }

  /**
   * What a new applet starts from: only the first one of this page (a page reload, a
   * reopened notebook): the kernel's copy, else the newest saved inline output's.
   */
  private restoreSource(): string | null {
    if (this.built) {
      return this.kernelRestore && !this.touched ? this.kernelRestore : null;
    }
    if (this.kernelRestore) {
      return this.kernelRestore;
    }
    const saved = this.liveViews()
      .map(v => v.savedConstruction)
      .filter((b): b is string => !!b);
    return saved.length > 0 ? saved[saved.length - 1] : null;
  }

  private buildApplet(): void {
    this.destroyApplet();
    this.appletState = 'loading';
    const seq = ++this.buildSeq;
    this.host.settingsLoaded.then(
      () => {
        if (seq === this.buildSeq && !this.disposed) {
          this.startApplet();
        }
      },
      (err: unknown) => console.error('ggbmagic: waiting for the settings failed', err)
    );
  }

  private startApplet(): void {
    const config = this.config();
    const handle = createApplet(this.stage.element, config);
    this.applet = handle;
    this.built = true;
    this.builtFrom = config.ggbBase64 ?? null;
    this.appletState = 'loading';
    this.view()?.setAppletId(handle.id);
    this.showStatus(v => v.showLoading(config.html5Codebase || config.deployggbUrl));
    handle.ready.then(
      api => {
        if (this.applet !== handle || this.disposed) {
          return;
        }
        this.onAppletReady(api);
      },
      (err: unknown) => {
        if (this.applet !== handle || this.disposed) {
          return;
        }
        const failure: Failure = {
          url: err instanceof LoadError ? err.url : config.deployggbUrl,
          message: errorText(err),
          codebase: config.html5Codebase || undefined
        };
        console.error(`ggbmagic: loading GeoGebra for kernel ${this.kernelId} failed`, err);
        this.appletState = 'failed';
        this.failure = failure;
        this.showStatus(v => v.showFailed(failure, () => this.buildApplet()));
        this.announce();
        this.failQueue(this.failureText());
      }
    );
  }

  private onAppletReady(api: AppletApi): void {
    this.api = api;
    this.appletState = 'ready';
    this.failure = null;
    this.lastStatus = null;
    this.view()?.showReady();
    this.listen(api);
    const size = this.view() ? this.stage.size() : null;
    if (size) {
      this.onResize(size); // the view may have changed size while GeoGebra loaded
    }
    this.announce();
    void this.drain();
  }

  private destroyApplet(): void {
    const handle = this.applet;
    this.applet = null;
    this.api = null;
    this.appletState = 'none';
    this.buildSeq += 1; // a build still waiting for the settings is off
    this.view()?.setAppletId(null);
    handle?.destroy();
  }

  /** The applet follows its host's box (sizing.ts; docs/architecture.md, "Sizing"). */
  private onResize(size: Size): void {
    const api = this.api;
    if (!api) {
      return;
    }
    try {
      resizeApplet(api, size);
    } catch (err) {
      console.error('ggbmagic: resizing the applet failed', err);
    }
  }

  private onPanelClosed(panel: GeoGebraPanel): void {
    if (panel !== this._panel) {
      return;
    }
    this.userClosed = true;
    this.coalescer.flush(true);
    if (this.socketState === 'welcomed' && this.ws) {
      this.ws.send(JSON.stringify(P.closed('panel closed')));
    }
    this.closeSocket(1000, 'panel closed');
    // The kernel fails what it waits for when it reads `closed`.
    this.queue = [];
    this.outbox = [];
    this.destroyApplet();
    this._panel = null;
    this.stage.moveTo(null);
  }

  // --- listeners ------------------------------------------------------------------

  private listen(api: AppletApi): void {
    const push = (
      type: string,
      target: unknown,
      argument: unknown,
      value?: () => string,
      extra?: Pick<P.EventItem, 'targets' | 'fields'>
    ) => {
      if (this.api !== api) {
        return; // a late call from an applet we replaced
      }
      try {
        const event: P.EventItem = {
          type,
          target: typeof target === 'string' ? target : target == null ? null : String(target),
          argument: argument === undefined ? null : argument,
          time: now()
        };
        if (extra?.targets) {
          event.targets = extra.targets;
        }
        if (extra?.fields) {
          event.fields = extra.fields;
        }
        // Synchronously, before any coalescing: a command's success signal (activity.ts).
        this.activity.record(namesOf(event));
        if (value) {
          event.value = value();
        }
        this.coalescer.push(event);
      } catch (err) {
        console.error(`ggbmagic: recording a ${type} event failed`, err);
      }
    };
    const register = (method: string, fn: (...args: never[]) => void) => {
      const r = api[method];
      if (typeof r !== 'function') {
        console.warn(`ggbmagic: this GeoGebra has no ${method}; those events are not sent`);
        return;
      }
      try {
        (r as (f: unknown) => void).call(api, fn);
      } catch (err) {
        console.error(`ggbmagic: ${method} failed`, err);
      }
    };
    register('registerAddListener', (name: string) => push('add', name, null));
    register('registerRemoveListener', (name: string) => push('remove', name, null));
    register('registerUpdateListener', (name: string) =>
      push('update', name, null, () => String(api.getValueString(name) ?? ''))
    );
    register('registerRenameListener', (oldName: string, newName: string) =>
      push('rename', newName, oldName)
    );
    register('registerClearListener', () => push('clear', null, null));
    register('registerClientListener', (e: unknown) => {
      // GeoGebra passes an array with named fields; the index keys are dropped.
      const c = normalizeClientEvent(e);
      if (c) {
        push(c.type, c.target, c.argument, undefined, { targets: c.targets, fields: c.fields });
      }
    });
  }

  // --- requests -----------------------------------------------------------------

  private enqueue(req: P.Request): void {
    if (this.appletState === 'failed') {
      this.reply(req.id, { ok: false, error: this.failureText() });
      return;
    }
    if (this.userClosed) {
      this.reply(req.id, {
        ok: false,
        error: 'the GeoGebra panel is closed; run %ggb --open to open it again'
      });
      return;
    }
    this.queue.push({ req, deadline: deadlineOf(req, now()) });
    if (this.applet === null) {
      // A request before any hello (after a reload, before `attach` is answered):
      // it waits in the queue; the hello that follows builds the panel.
      return;
    }
    void this.drain();
  }

  /** Run queued requests one at a time, in arrival order, once the applet is ready. */
  private async drain(): Promise<void> {
    if (this.draining) {
      return;
    }
    this.draining = true;
    try {
      while (this.api !== null && this.queue.length > 0) {
        const { req, deadline } = this.queue.shift()!;
        if (now() > deadline) {
          // The kernel gave up on it: running it now would only hold the queue.
          console.warn(`ggbmagic: dropped a ${req.type} request the kernel stopped waiting for`);
          this.reply(req.id, {
            ok: false,
            error: "not run: the kernel's timeout passed while it waited in the browser's queue"
          });
          continue;
        }
        const api = this.api;
        const appName = this.applet?.appName ?? '';
        const ctx: RunContext = { activity: this.activity, deadline, now };
        let outcome: Outcome;
        try {
          outcome = await execute(api, req, appName, ctx);
        } catch (err) {
          outcome = { ok: false, error: errorText(err) };
        }
        this.reply(req.id, outcome);
      }
    } catch (err) {
      console.error(`ggbmagic: running requests for kernel ${this.kernelId} failed`, err);
    } finally {
      this.draining = false;
    }
  }

  private failQueue(message: string): void {
    const queued = this.queue;
    this.queue = [];
    for (const { req } of queued) {
      this.reply(req.id, { ok: false, error: message });
    }
  }

  private failureText(): string {
    const f = this.failure;
    return f
      ? `GeoGebra could not be loaded from ${f.url}: ${f.message}. Point Settings → ggbmagic → ` +
          'deployggbUrl / html5Codebase at a self-hosted GeoGebra Math Apps Bundle if ' +
          'geogebra.org cannot be reached.'
      : 'GeoGebra is not loaded';
  }

  private reply(id: string, outcome: Outcome): void {
    // Events a command caused go first, so the kernel sees them with its answer.
    this.coalescer.flush(true);
    let msg: P.ReplyMsg = outcome.ok
      ? P.replyOk(id, outcome.result)
      : P.replyError(id, outcome.error);
    let text: string;
    try {
      text = P.encodeFrame(msg);
    } catch (err) {
      msg = P.replyError(id, `the result cannot be sent as JSON: ${errorText(err)}`);
      text = JSON.stringify(msg);
    }
    const size = byteLength(text, this.maxFrameBytes);
    if (size > this.maxFrameBytes) {
      text = JSON.stringify(
        P.replyError(
          id,
          `the result is ${size} bytes, over the kernel's frame limit of ${this.maxFrameBytes} ` +
            'bytes (GgbMagics.max_frame_bytes)'
        )
      );
    }
    this.sendText(text);
  }

  // --- the OOB socket -------------------------------------------------------------

  private connectIfNeeded(): void {
    if (
      this.disposed ||
      this.token === null ||
      this.userClosed ||
      this.socketState !== 'idle' ||
      this.reconnectTimer !== undefined
    ) {
      return;
    }
    const { wsUrl, token } = this.host.server();
    const url = relayUrl(wsUrl, this.kernelId, token);
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      // Never the URL itself: it carries the server token (so may the error's text).
      console.error(
        `ggbmagic: cannot open ${withoutQuery(url)}: ${redact(String(err), token)}`
      );
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.socketState = 'connecting';
    const hello = P.clientHello(this.token);
    ws.onopen = () => {
      if (this.ws !== ws) {
        return;
      }
      this.socketState = 'authenticating';
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = ev => {
      if (this.ws === ws) {
        this.onFrame(ev.data);
      }
    };
    ws.onclose = ev => {
      if (this.ws === ws) {
        this.onSocketClosed(ev.code, ev.reason);
      }
    };
    ws.onerror = () => {
      // A close event always follows; the reconnect decision is made there.
    };
  }

  private onFrame(data: unknown): void {
    try {
      if (typeof data !== 'string') {
        this.sendNow(P.error('malformed', 'binary frames are not part of the protocol'));
        return;
      }
      const parsed = P.parseOobFrame(data);
      if (!parsed.ok) {
        console.error(`ggbmagic: refused a frame from the kernel (${parsed.code}): ${parsed.message}`);
        // Never answer an error with an error: two peers could ping-pong forever.
        if (!/"type"\s*:\s*"error"/.test(data)) {
          this.sendNow(P.error(parsed.code, parsed.message));
        }
        return;
      }
      const msg = parsed.msg;
      switch (msg.type) {
        case 'welcome':
          this.onWelcome(msg);
          break;
        case 'pong':
          break; // liveness is the socket's own business; nothing to do
        case 'error':
          console.warn(`ggbmagic: the kernel refused a frame (${msg.code}): ${msg.message}`);
          break;
      }
    } catch (err) {
      console.error('ggbmagic: handling a frame from the kernel failed', err);
    }
  }

  private onWelcome(msg: P.WelcomeMsg): void {
    this.socketState = 'welcomed';
    this.attempt = 0;
    if (msg.max_frame_bytes > 0) {
      this.maxFrameBytes = msg.max_frame_bytes;
    }
    this.view()?.showNotice(null);
    this.announcePlacement();
    this.announce();
    const outbox = this.outbox;
    this.outbox = [];
    for (const text of outbox) {
      this.sendText(text);
    }
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => this.send(P.heartbeat(Date.now())), HEARTBEAT_MS);
  }

  /** Tell the kernel where the applet stands (after welcome, load, rebuild, failure). */
  private announce(): void {
    if (this.socketState !== 'welcomed') {
      return; // said on welcome
    }
    if (this.appletState === 'ready' && this.api) {
      let version = '';
      try {
        version = String(this.api.getVersion() ?? '');
      } catch (err) {
        console.error('ggbmagic: getVersion failed', err);
      }
      this.sendNow(P.ready(version, this.applet?.appName ?? ''));
    } else if (this.appletState === 'failed' && this.failure) {
      this.sendNow(P.loadFailed(this.failure.url, this.failure.message));
    }
  }

  private onSocketClosed(code: number, reason: string): void {
    this.ws = null;
    this.socketState = 'idle';
    this.stopHeartbeat();
    if (this.disposed || this.userClosed || this.token === null) {
      return;
    }
    if (code === CLOSE_UNAUTHORIZED) {
      // Our token is stale (the kernel restarted or reloaded ggbmagic). Retrying
      // cannot help: wait for the kernel's next hello, which brings the new token.
      console.warn(`ggbmagic: kernel ${this.kernelId} refused our token; waiting for a new hello`);
      this.token = null;
      this.showStatus(v => v.showNotice('Waiting for the kernel to say hello again…'));
      return;
    }
    console.warn(
      `ggbmagic: OOB socket of kernel ${this.kernelId} closed (${code} ${reason}); reconnecting`
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== undefined) {
      return;
    }
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectIfNeeded();
    }, delay);
  }

  private closeSocket(code: number, reason: string): void {
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    this.socketState = 'idle';
    this.attempt = 0;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(code, reason);
      } catch (err) {
        console.error('ggbmagic: closing the OOB socket failed', err);
      }
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  /** Send a frame, or keep it for when the socket is welcomed again. */
  private send(msg: P.BrowserToKernel): void {
    this.sendText(P.encodeFrame(msg));
  }

  private sendText(text: string): void {
    if (this.socketState === 'welcomed' && this.ws) {
      try {
        this.ws.send(text);
        return;
      } catch (err) {
        console.error('ggbmagic: sending on the OOB socket failed', err);
      }
    }
    if (this.gone || this.userClosed) {
      return; // no socket will carry it: the kernel is gone or the panel closed
    }
    this.outbox.push(text);
    if (this.outbox.length > OUTBOX_LIMIT) {
      this.outbox.shift();
      this.dropped += 1;
      if (this.dropped === 1 || this.dropped % 100 === 0) {
        console.warn(`ggbmagic: ${this.dropped} frames dropped while the OOB socket was down`);
      }
    }
  }

  /** Send only if the socket is up now (state messages, errors): never stored. */
  private sendNow(msg: P.BrowserToKernel): void {
    if (this.socketState === 'welcomed' && this.ws) {
      try {
        this.ws.send(JSON.stringify(msg));
      } catch (err) {
        console.error('ggbmagic: sending on the OOB socket failed', err);
      }
    }
  }

  private readonly coalescer: EventCoalescer;
  private readonly comms = new Set<Kernel.IComm>();
  private readonly seen = new Set<string>();
  private _panel: GeoGebraPanel | null = null;
  /** Where the applet lives; it moves between the panel and inline views. */
  private readonly stage: Stage;
  private readonly views = new Set<InlineView>();
  private placement: P.Placement | null = null;
  /** Why the shell had no place for the panel (said to the kernel). */
  private noPlace: string | null = null;
  private lastStatus: ((v: AppletView) => void) | null = null;
  /** The construction the kernel sent in its hello (base64 .ggb), for a fresh applet. */
  private kernelRestore: string | null = null;
  /** An applet was built on this page (only the first starts from saved state). */
  private built = false;
  private builtFrom: string | null = null;
  /** The kernel sent a request to this page's applet. */
  private touched = false;
  private applet: AppletHandle | null = null;
  /** Bumped by every build, so a build still waiting for the settings can tell it lost. */
  private buildSeq = 0;
  private api: AppletApi | null = null;
  private appletState: AppletState = 'none';
  private failure: Failure | null = null;
  private appOverrides: P.AppOptions = {};
  private token: string | null = null;
  private maxFrameBytes = P.DEFAULT_MAX_FRAME_BYTES;
  private userClosed = false;
  private queue: Queued[] = [];
  /** Every listener call of the current applet, counted (a command's success signal). */
  private readonly activity = new Activity();
  private draining = false;
  private ws: WebSocket | null = null;
  private socketState: SocketState = 'idle';
  private outbox: string[] = [];
  private dropped = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** The kernel closed the channel or went away; a new hello revives us. */
  private gone = false;
  private disposed = false;
}

/** UTF-8 size of `text`; exact only when it could matter against `limit`. */
function byteLength(text: string, limit: number): number {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts cannot exceed the limit.
  if (text.length * 3 <= limit) {
    return text.length;
  }
  return new TextEncoder().encode(text).length;
}
