/**
 * One kernel's end of the dual channel in the browser: comm messages in, the OOB
 * WebSocket out (docs/protocol.md). It wires the parts together and holds the state
 * they share (the kernel's token, the user closing the panel, the kernel going away):
 * comms.ts (the comms), relay.ts (the OOB socket: connect, reconnect, heartbeat,
 * outbox), requests.ts (the request queue), forward.ts (applet events), appletslot.ts
 * (building the applet), arrange.ts (which view shows it).
 *
 * The logic they lean on (execute.ts, coalesce.ts, protocol.ts, urls.ts, backoff.ts,
 * sizing.ts) is pure and unit-tested.
 *
 * (A little over 400 lines: what is left is the one state machine of hello, open,
 * panel closed and kernel gone that every part above reads; split, it would be shared
 * mutable state across files.)
 */
import type { Kernel } from '@jupyterlab/services';

import { Activity } from './activity';
import { AppletSlot } from './appletslot';
import { Arrangement } from './arrange';
import { EventCoalescer } from './coalesce';
import { KernelComms } from './comms';
import type { AppletApi, Outcome } from './execute';
import { forwardEvents } from './forward';
import { appletConfig, BridgeHost } from './host';
import type { InlineView } from './inline';
import type { AppletConfig } from './loader';
import type { GeoGebraPanel, Size } from './panel';
import * as P from './protocol';
import { RelayConnection } from './relay';
import { RequestQueue, replyText } from './requests';
import { resizeApplet } from './sizing';
import { Stage } from './stage';
import { Ladder } from './transport/ladder';

export class KernelBridge {
  constructor(
    readonly kernelId: string,
    private readonly host: BridgeHost
  ) {
    this.relay = new RelayConnection({
      kernelId,
      server: () => this.host.server(),
      token: () =>
        this.disposed || this.userClosed || this.ladder.relayBlocked ? null : this.token,
      keepWhileDown: () => !this.gone && !this.userClosed,
      // Requests over the open socket (transport/ladder.ts).
      request: req => this.onRequest(req)
    });
    this.ladder = new Ladder({
      kernelId,
      relay: this.relay,
      kernel: () => this.host.kernel(kernelId),
      server: () => this.host.server(),
      linkUp: () => this.onLinkUp()
    });
    this.relay.welcomed.connect((_, msg) => this.onWelcome(msg));
    this.relay.unauthorized.connect(() => {
      this.token = null;
      this.arr.showStatus(v => v.showNotice('Waiting for the kernel to say hello again…'));
    });
    this.requests = new RequestQueue({
      kernelId,
      api: () => this.slot.api,
      appName: () => this.slot.handle?.appName ?? '',
      activity: this.activity,
      reply: (id, outcome) => this.reply(id, outcome)
    });
    this.coalescer = new EventCoalescer(events => this.ladder.send(P.eventFrame(events)));
    this.stage = new Stage(kernelId);
    this.stage.resized.connect((_, size) => this.onResize(size));
    this.arr = new Arrangement({
      kernelId,
      host,
      stage: this.stage,
      isDisposed: () => this.disposed,
      panelClosed: () => this.onPanelClosed(),
      arrived: (view, lastStatus) => {
        view.setAppletId(this.slot.handle?.id ?? null);
        if (this.slot.state === 'ready') {
          view.showReady();
        } else if (lastStatus) {
          lastStatus(view);
        } else if (this.token === null) {
          view.showConnecting();
        }
      },
      arranged: () => this.announcePlacement()
    });
    this.comms = new KernelComms(
      (msgId, data) => this.receive(msgId, data),
      () => this.kernelGone('The kernel closed its ggbmagic channel; run %load_ext ggbmagic to reconnect.')
    );
    this.slot = new AppletSlot({
      kernelId,
      element: this.stage.element,
      settingsLoaded: host.settingsLoaded,
      isDisposed: () => this.disposed,
      config: () => this.config(),
      started: (handle, config) => {
        this.arr.view?.setAppletId(handle.id);
        this.arr.showStatus(v => v.showLoading(config.html5Codebase || config.deployggbUrl));
      },
      ready: api => this.onAppletReady(api),
      failed: failure => {
        this.arr.showStatus(v => v.showFailed(failure, () => this.slot.build()));
        this.announce();
        this.requests.failAll(this.slot.failureText());
      },
      destroyed: () => this.arr.view?.setAppletId(null)
    });
  }

  /** For tests and the palette: the panel, if one is open. */
  get panel(): GeoGebraPanel | null {
    return this.arr.panel;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Whether the applet is shown anywhere (the panel or a cell's output). */
  get isShown(): boolean {
    return this.arr.isShown;
  }

  /**
   * Take messages from one comm (kernel-opened, or re-created after a reload). The
   * same comm can reach us through two kernel connections (two notebooks on one
   * kernel); message ids drop the copies.
   */
  attachComm(comm: Kernel.IComm): void {
    this.comms.attach(comm);
  }

  /** One comm message (or comm_open data) from the kernel. Never throws. */
  receive(msgId: string, data: unknown): void {
    try {
      if (this.disposed || this.comms.seenBefore(msgId)) {
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
    this.arr.placement = placement;
    this.arr.arrange();
    const panel = this.arr.panel;
    if (activate && panel && this.arr.placement === 'panel') {
      this.host.reveal(panel);
    }
    if (this.token === null) {
      this.arr.showStatus(v => v.showConnecting());
      return;
    }
    this.ensureApplet();
    this.relay.connectIfNeeded();
  }

  /** An inline view (a cell's output) offers itself as a place for the applet. */
  addInlineView(view: InlineView): void {
    if (this.disposed || view.isDisposed) {
      return;
    }
    this.arr.addView(view);
    view.setKernel(this.kernelId);
    if (this.arr.placement === null) {
      this.arr.placement = 'inline';
    }
    this.arr.arrange();
    if (this.slot.handle === null && !this.userClosed && this.arr.placement === 'inline') {
      // A reopened notebook: show the saved construction before any kernel connects.
      this.slot.build();
    }
  }

  /** An inline view went away (output cleared, cell deleted, notebook closed). */
  removeInlineView(view: InlineView): void {
    if (this.arr.removeView(view)) {
      this.arr.arrange();
    }
  }

  /** The settings changed: a failed load is retried with the new ones. */
  settingsChanged(): void {
    if (this.slot.state === 'failed') {
      this.slot.build();
    }
  }

  /**
   * The kernel is gone (comm closed, kernel shut down or switched): stop talking to
   * it but keep the panel, so the user keeps the construction on screen.
   */
  kernelGone(reason: string): void {
    this.token = null;
    this.gone = true;
    this.relay.close(1000, 'kernel gone');
    // Nobody waits for these any more: the kernel that asked is gone.
    this.requests.clear();
    this.ladder.clearOutbox();
    this.arr.showStatus(v => v.showNotice(reason));
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.ladder.dispose();
    this.relay.dispose();
    this.coalescer.dispose();
    this.slot.destroy();
    this.requests.clear();
    this.arr.dispose();
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
    const live = this.relay.isLive;
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
    if (!(this.arr.placement === 'inline' && this.arr.liveViews().length > 0)) {
      this.arr.placement = msg.placement ?? this.arr.placement ?? this.arr.settingsPlacement();
    }
    this.arr.arrange();
    if (
      this.kernelRestore &&
      this.slot.handle !== null &&
      !this.touched &&
      this.slot.builtFrom !== this.kernelRestore
    ) {
      // Built from an older saved output before the kernel spoke: the kernel knows better.
      this.slot.build();
    }
    this.ensureApplet();
    this.relay.close(1000, 'new hello');
    this.ladder.start(msg.token); // the transport ladder chooses anew (transport/)
    this.relay.connectIfNeeded();
  }

  private onOpen(msg: P.OpenMsg): void {
    this.appOverrides = { ...this.appOverrides, ...msg.app };
    this.openPanel(true, msg.placement ?? this.arr.settingsPlacement());
  }

  private protocolError(code: P.ErrorCode, message: string, data: unknown): void {
    console.error(`ggbmagic: refused a comm message (${code}): ${message}`, data);
    this.ladder.send(P.error(code, message));
    const type = (data as { type?: unknown } | null)?.type;
    if (code === 'bad_version' && type === 'hello') {
      this.arr.showStatus(v => v.showFailed(
        { url: '(kernel)', message: `The kernel speaks another ggbmagic protocol: ${message}` },
        () => location.reload()
      ));
    }
  }

  private announcePlacement(): void {
    const frame = this.arr.placementFrame();
    if (this.ladder.isUp && frame) {
      this.ladder.sendNow(frame);
    }
  }

  /** Build an applet unless a good one runs or loads with the wanted appName. */
  private ensureApplet(): void {
    const wanted = this.config().appName;
    const handle = this.slot.handle;
    if (handle === null || this.slot.state === 'failed' || handle.appName !== wanted) {
      this.slot.build();
    }
  }

  private config(): AppletConfig {
    // The applet follows its view; the kernel's width/height only count while hidden.
    const viewSize = this.arr.view ? this.stage.size() : null;
    return appletConfig(this.host.settings(), this.appOverrides, viewSize, this.restoreSource());
  }

  /**
   * What a new applet starts from: only the first one of this page (a page reload, a
   * reopened notebook): the kernel's copy, else the newest saved inline output's.
   */
  private restoreSource(): string | null {
    if (this.slot.built) {
      return this.kernelRestore && !this.touched ? this.kernelRestore : null;
    }
    if (this.kernelRestore) {
      return this.kernelRestore;
    }
    const saved = this.arr.liveViews()
      .map(v => v.savedConstruction)
      .filter((b): b is string => !!b);
    return saved.length > 0 ? saved[saved.length - 1] : null;
  }

  private onAppletReady(api: AppletApi): void {
    this.arr.clearStatus();
    this.arr.view?.showReady();
    forwardEvents(api, () => this.slot.api === api, this.activity, e => this.coalescer.push(e));
    const size = this.arr.view ? this.stage.size() : null;
    if (size) {
      this.onResize(size); // the view may have changed size while GeoGebra loaded
    }
    this.announce();
    void this.requests.drain();
  }

  /** The applet follows its host's box (sizing.ts; docs/architecture.md, "Sizing"). */
  private onResize(size: Size): void {
    const api = this.slot.api;
    if (!api) {
      return;
    }
    try {
      resizeApplet(api, size);
    } catch (err) {
      console.error('ggbmagic: resizing the applet failed', err);
    }
  }

  private onPanelClosed(): void {
    this.userClosed = true;
    this.coalescer.flush(true);
    this.ladder.sendNow(P.closed('panel closed'));
    this.relay.close(1000, 'panel closed');
    // The kernel fails what it waits for when it reads `closed`.
    this.requests.clear();
    this.ladder.clearOutbox();
    this.slot.destroy();
    this.arr.forgetPanel();
  }

  // --- requests -----------------------------------------------------------------

  private enqueue(req: P.Request): void {
    if (this.slot.state === 'failed') {
      this.reply(req.id, { ok: false, error: this.slot.failureText() });
      return;
    }
    if (this.userClosed) {
      this.reply(req.id, {
        ok: false,
        error: 'the GeoGebra panel is closed; run %ggb --open to open it again'
      });
      return;
    }
    this.requests.push(req);
    if (this.slot.handle === null) {
      // A request before any hello (after a reload, before `attach` is answered):
      // it waits in the queue; the hello that follows builds the panel.
      return;
    }
    void this.requests.drain();
  }

  private reply(id: string, outcome: Outcome): void {
    // Events a command caused go first, so the kernel sees them with its answer.
    this.coalescer.flush(true);
    this.ladder.sendText(replyText(id, outcome, this.maxFrameBytes));
  }

  /** A request the kernel sent on the OOB socket (requests over the open socket). */
  private onRequest(req: P.Request): void {
    if (this.disposed) {
      return;
    }
    this.touched = true;
    this.enqueue(req);
  }

  // --- the OOB socket (relay.ts) ----------------------------------------------------

  private onWelcome(msg: P.WelcomeMsg): void {
    if (msg.max_frame_bytes > 0) {
      this.maxFrameBytes = msg.max_frame_bytes;
    }
    this.ladder.relayWelcomed(); // says `ladder` first: requests may then come on the socket
  }

  /** A link came up (the relay welcomed us, or a comm link opened). */
  private onLinkUp(): void {
    this.arr.view?.showNotice(null);
    this.announcePlacement();
    this.announce();
  }

  /** Tell the kernel where the applet stands (after welcome, load, rebuild, failure). */
  private announce(): void {
    const frame = this.ladder.isUp ? this.slot.stateFrame() : null; // else said on link up
    if (frame) {
      this.ladder.sendNow(frame);
    }
  }

  private readonly comms: KernelComms;
  private readonly slot: AppletSlot;
  private readonly relay: RelayConnection;
  /** Which link carries this page's frames: relay, comm over a subshell, after-cell. */
  private readonly ladder: Ladder;
  private readonly requests: RequestQueue;
  private readonly coalescer: EventCoalescer;
  /** Where the applet lives; it moves between the panel and inline views. */
  private readonly stage: Stage;
  /** Which view shows the stage: the panel or an inline view. */
  private readonly arr: Arrangement;
  /** The construction the kernel sent in its hello (base64 .ggb), for a fresh applet. */
  private kernelRestore: string | null = null;
  /** The kernel sent a request to this page's applet. */
  private touched = false;
  private appOverrides: P.AppOptions = {};
  private token: string | null = null;
  private maxFrameBytes = P.DEFAULT_MAX_FRAME_BYTES;
  private userClosed = false;
  /** Every listener call of the current applet, counted (a command's success signal). */
  private readonly activity = new Activity();
  /** The kernel closed the channel or went away; a new hello revives us. */
  private gone = false;
  private disposed = false;
}
