/**
 * One GeoGebra widget (one anywidget model): the applet, the kernel's requests, the
 * applet's events and the way back to the kernel. The same parts as the JupyterLab
 * extension's bridge — loader.ts, requests.ts (execute.ts, call.ts), forward.ts,
 * coalesce.ts, sizing.ts — in a shell that needs no JupyterLab: kernel → browser
 * messages come as the widget's custom messages, browser → kernel frames go over the
 * loopback socket or, failing that, back as custom messages (mode.ts).
 */
import { Activity } from '../activity';
import { EventCoalescer } from '../coalesce';
import type { AppletApi, Outcome } from '../execute';
import { errorText } from '../execute';
import { forwardEvents } from '../forward';
import { AppletConfig, AppletHandle, createApplet, LoadError } from '../loader';
import * as P from '../protocol';
import { RequestQueue, replyText } from '../requests';
import { resizeApplet, SizeFollower, Throttle } from '../sizing';
import { FRAME_KEY, STATE_THROTTLE_MS, WIDGET_CLIENT } from './constants';
import { LoopbackSocket } from './loopback';
import { LinkMode, loopbackAllowed, loopbackUrl } from './mode';
import { AnyModel, configFrom } from './model';
import { fetchServed, jupyterServerOf, withServed } from './served';
import { WidgetState } from './state';

/** Frames kept while the way back is not decided yet. */
const OUTBOX_LIMIT = 2000;

export class WidgetShell {
  constructor(private readonly model: AnyModel) {
    this.stage = document.createElement('div');
    this.stage.className = 'ggbmagic-widget-stage';
    this.host = document.createElement('div');
    this.host.className = 'ggbmagic-widget-host';
    this.statusLine = document.createElement('div');
    this.statusLine.className = 'ggbmagic-widget-status';
    this.stage.append(this.host, this.statusLine);
    this.styleStage();
    this.queue = new RequestQueue({
      kernelId: this.widgetId,
      api: () => this.api,
      appName: () => this.applet?.appName ?? 'classic',
      activity: this.activity,
      reply: (id, outcome) => this.reply(id, outcome)
    });
    this.coalescer = new EventCoalescer(events => this.sendFrame(P.eventFrame(events)));
    this.state = new WidgetState(model, () => this.api, new Throttle(() => this.pushState(), STATE_THROTTLE_MS));
    this.onCustom = (content: unknown) => this.onKernelMessage(content);
    model.on('msg:custom', this.onCustom as (...args: never[]) => void);
    this.connect();
  }

  get widgetId(): string {
    const id = this.model.get('widget_id');
    return typeof id === 'string' ? id : '';
  }

  /** Show the applet in `el` (the newest view wins; the others say where it is). */
  attach(el: HTMLElement): void {
    placeIn(el, this.stage);
    this.views.push(el);
    this.buildIfNeeded();
    this.follower?.check();
  }

  /** A view went away: keep the applet alive (it still answers) in an off-screen holder. */
  detach(el: HTMLElement): void {
    this.views = this.views.filter(v => v !== el);
    if (this.stage.parentElement === el || this.stage.parentElement === hostOf(el)) {
      const next = this.views[this.views.length - 1];
      if (next) {
        placeIn(next, this.stage);
      } else {
        this.stage.removeAttribute('slot');
        holder().appendChild(this.stage);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.model.off('msg:custom', this.onCustom as (...args: never[]) => void);
    this.socket?.close();
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
    }
    this.follower?.dispose();
    this.coalescer.dispose();
    this.state.dispose();
    this.queue.failAll('the GeoGebra widget was closed');
    this.applet?.destroy();
    this.stage.remove();
  }

  // --- the way back to the kernel ---------------------------------------------------------

  private connect(): void {
    const url = loopbackUrl(this.model.get('loopback_port'));
    const token = this.model.get('token');
    if (url === null || typeof token !== 'string' || !loopbackAllowed(window.location.origin)) {
      this.setMode('after-the-cell');
      return;
    }
    this.setMode('connecting');
    const socket = new LoopbackSocket(url, token, {
      welcomed: msg => {
        this.maxFrameBytes = msg.max_frame_bytes;
        this.setMode('loopback');
      },
      closed: (code, wasWelcomed) => {
        if (this.socket !== socket) {
          return;
        }
        this.socket = null;
        console.warn(`ggbmagic widget: loopback socket closed (${code}); answers go after the cell`);
        this.setMode('after-the-cell');
        if (wasWelcomed) {
          this.retryTimer = setTimeout(() => this.retryLoopback(), 1000);
        }
      },
      message: data => this.onKernelMessage(data)
    });
    this.socket = socket;
    socket.open();
  }

  private retryLoopback(): void {
    this.retryTimer = undefined;
    if (this.socket === null && this.mode === 'after-the-cell') {
      this.connect();
    }
  }

  private setMode(mode: LinkMode): void {
    this.mode = mode;
    this.showStatus();
    if (mode === 'after-the-cell') {
      // The comm is the kernel's own widget: the token only says it is this widget's page.
      this.model.send({ [FRAME_KEY]: JSON.stringify({ ...P.clientHello(this.tokenText()), client: WIDGET_CLIENT }) });
    }
    if (mode !== 'connecting') {
      const outbox = this.outbox;
      this.outbox = [];
      for (const text of outbox) {
        this.sendText(text);
      }
      if (this.readyFrame !== null) {
        this.sendFrame(this.readyFrame);
      }
    }
  }

  private tokenText(): string {
    const token = this.model.get('token');
    return typeof token === 'string' ? token : '';
  }

  private sendFrame(msg: P.BrowserToKernel): void {
    this.sendText(P.encodeFrame(msg));
  }

  private sendText(text: string): void {
    if (this.mode === 'loopback' && this.socket?.sendText(text)) {
      return;
    }
    if (this.mode === 'after-the-cell') {
      this.model.send({ [FRAME_KEY]: text });
      return;
    }
    this.outbox.push(text);
    if (this.outbox.length > OUTBOX_LIMIT) {
      this.outbox.shift();
    }
  }

  private reply(id: string, outcome: Outcome): void {
    // The events a request caused reach the kernel before its answer.
    this.coalescer.flush(true);
    this.sendText(replyText(id, outcome, this.maxFrameBytes));
    this.lastOutcome = outcome.ok ? '' : outcome.error;
    this.showStatus();
  }

  // --- kernel → browser ---------------------------------------------------------------------

  private onKernelMessage(content: unknown): void {
    const parsed = P.parseKernelMessage(content);
    if (!parsed.ok) {
      // Not ours (another library's custom message) or from another version: said, not run.
      console.warn(`ggbmagic widget: ignored a message from the kernel: ${parsed.message}`);
      return;
    }
    const msg = parsed.msg;
    if (P.isRequest(msg)) {
      this.queue.push(msg);
      void this.queue.drain();
    } else if (msg.type === 'hello') {
      // The kernel found no browser: try the loopback socket again if it was lost.
      this.retryLoopback();
      if (this.mode === 'after-the-cell') {
        this.setMode('after-the-cell');
      }
    }
  }

  // --- the applet ---------------------------------------------------------------------------

  private buildIfNeeded(): void {
    if (this.applet !== null || this.choosing) {
      return;
    }
    const config = configFrom(this.model.get('config'), this.model.get('restore'));
    this.stage.style.height = `${config.height}px`;
    // Inside a Jupyter page, a bundle its server serves stands in for the defaults.
    const server = jupyterServerOf(document);
    if (server === null) {
      this.build(config);
      return;
    }
    this.choosing = true;
    void fetchServed(server).then(served => {
      this.choosing = false;
      if (!this.disposed && this.applet === null) {
        this.build(withServed(config, served));
      }
    });
  }

  private build(config: AppletConfig): void {
    const applet = createApplet(this.host, config);
    this.applet = applet;
    applet.ready.then(
      api => this.onReady(applet, api),
      err => this.onLoadFailed(applet, err)
    );
  }

  private onReady(applet: AppletHandle, api: AppletApi): void {
    if (this.applet !== applet) {
      return;
    }
    this.api = api;
    forwardEvents(api, () => this.api === api, this.activity, e => {
      this.coalescer.push(e);
      this.state.onEvent(e);
    });
    this.follower = new SizeFollower(this.host, size => {
      if (this.api === api) {
        resizeApplet(api, size);
      }
    });
    const version = String((api.getVersion as () => string)?.call(api) ?? '');
    this.readyFrame = P.ready(version, applet.appName);
    this.sendFrame(this.readyFrame);
    this.state.refreshAll();
    this.showStatus();
    void this.queue.drain();
  }

  private onLoadFailed(applet: AppletHandle, err: unknown): void {
    if (this.applet !== applet) {
      return;
    }
    const url = err instanceof LoadError ? err.url : '';
    const message = errorText(err);
    this.lastOutcome = message;
    this.showStatus();
    this.sendFrame(P.loadFailed(url, message));
    this.queue.failAll(`GeoGebra could not be loaded: ${message}`);
  }

  private pushState(): void {
    this.state.push();
  }

  private showStatus(): void {
    // Text only: an error message from GeoGebra is never markup.
    const mode = this.mode === 'loopback' ? 'answers inside the cell (loopback)'
      : this.mode === 'after-the-cell' ? 'answers after the cell' : 'connecting';
    const loading = this.api === null ? 'loading GeoGebra… · ' : '';
    this.statusLine.textContent = `${loading}${mode}${this.lastOutcome ? ` · ${this.lastOutcome}` : ''}`;
    this.stage.dataset.mode = this.mode;
    this.stage.dataset.ready = this.api === null ? 'false' : 'true';
  }

  private styleStage(): void {
    Object.assign(this.stage.style, { position: 'relative', width: '100%', minWidth: '200px',
      display: 'flex', flexDirection: 'column' });
    Object.assign(this.host.style, { flex: '1 1 auto', minHeight: '0', position: 'relative',
      overflow: 'hidden' });
    Object.assign(this.statusLine.style, { font: '12px sans-serif', color: '#555',
      padding: '2px 4px', flex: '0 0 auto' });
  }

  private readonly stage: HTMLDivElement;
  private readonly host: HTMLDivElement;
  private readonly statusLine: HTMLDivElement;
  private readonly queue: RequestQueue;
  private readonly coalescer: EventCoalescer;
  private readonly state: WidgetState;
  private readonly activity = new Activity();
  private readonly onCustom: (content: unknown) => void;
  private views: HTMLElement[] = [];
  private applet: AppletHandle | null = null;
  /** Asking the Jupyter server which GeoGebra it serves (before the first build). */
  private choosing = false;
  private disposed = false;
  private api: AppletApi | null = null;
  private follower: SizeFollower | null = null;
  private socket: LoopbackSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private mode: LinkMode = 'connecting';
  private outbox: string[] = [];
  private readyFrame: P.ReadyMsg | null = null;
  private maxFrameBytes = P.DEFAULT_MAX_FRAME_BYTES;
  private lastOutcome = '';
}

/**
 * Put the stage where `el` shows it, but always in the page's light DOM. marimo renders
 * a widget's view inside a shadow root, and GeoGebra cannot start there: its loader finds
 * its own base URL by scanning `document.getElementsByTagName('script')` and so fetched
 * `<page origin>/<hash>.cache.js` (404) on the real GeoGebra 5.0.745.0. So the stage goes
 * into the shadow host's light DOM and is shown at `el` through a named slot.
 */
function placeIn(el: HTMLElement, stage: HTMLElement): void {
  const host = hostOf(el);
  if (host === null) {
    stage.removeAttribute('slot');
    el.appendChild(stage);
    return;
  }
  let slot = el.querySelector<HTMLSlotElement>('slot[data-ggbmagic]');
  if (!slot) {
    slot = document.createElement('slot');
    slot.dataset.ggbmagic = 'stage';
    slot.name = `ggbmagic-${Math.random().toString(36).slice(2, 10)}`;
    slot.style.display = 'block';
    el.appendChild(slot);
  }
  stage.slot = slot.name;
  host.appendChild(stage);
}

/** The shadow host `el` lives under, or null in the light DOM. */
function hostOf(el: HTMLElement): Element | null {
  const root = el.getRootNode();
  return typeof ShadowRoot !== 'undefined' && root instanceof ShadowRoot ? root.host : null;
}

/** An off-screen element with a size, where a widget without a view keeps its applet. */
function holder(): HTMLElement {
  let el = document.getElementById('ggbmagic-widget-holder');
  if (!el) {
    el = document.createElement('div');
    el.id = 'ggbmagic-widget-holder';
    Object.assign(el.style, { position: 'fixed', left: '-10000px', top: '0', width: '800px',
      height: '600px', overflow: 'hidden' });
    document.body.appendChild(el);
  }
  return el;
}
