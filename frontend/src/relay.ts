/**
 * The browser's end of the out-of-band socket to one kernel, through the Jupyter
 * server's relay (docs/protocol.md): connect, say hello with the kernel's token, wait
 * for `welcome`, heartbeat, reconnect with backoff, and keep frames in a bounded
 * outbox while the socket is down. It knows nothing of the applet or the requests; the
 * bridge listens to its signals.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { backoffDelay } from './backoff';
import * as P from './protocol';
import { redact, relayUrl, withoutQuery } from './urls';

export const HEARTBEAT_MS = 10000;
/** Frames kept while the socket is down; the oldest go first beyond this. */
const OUTBOX_LIMIT = 2000;
/** WebSocket close code the kernel uses for a wrong token (docs/protocol.md). */
const CLOSE_UNAUTHORIZED = 4001;

type SocketState = 'idle' | 'connecting' | 'authenticating' | 'welcomed';

export interface RelayOptions {
  readonly kernelId: string;
  /** `serverSettings.wsUrl` and `.token` of the kernel connection. */
  server(): { wsUrl: string; token: string };
  /** The kernel's token to say hello with, or null while no connection is wanted. */
  token(): string | null;
  /** Whether frames sent while the socket is down are kept for the next connection. */
  keepWhileDown(): boolean;
  /** A request the kernel sent on this socket (requests over the open socket). */
  request?(req: P.Request): void;
}

export class RelayConnection {
  constructor(private readonly options: RelayOptions) {}

  /** The kernel welcomed us: the socket carries frames now (the outbox goes next). */
  get welcomed(): ISignal<this, P.WelcomeMsg> {
    return this._welcomed;
  }

  /** The kernel refused our token (close 4001); only a new hello can help. */
  get unauthorized(): ISignal<this, void> {
    return this._unauthorized;
  }

  get isWelcomed(): boolean {
    return this.state === 'welcomed' && this.ws !== null;
  }

  /** Connected, connecting, or waiting to reconnect. */
  get isLive(): boolean {
    return this.state !== 'idle' || this.reconnectTimer !== undefined;
  }

  /** Open the socket unless one is open, opening, or a reconnect is scheduled. */
  connectIfNeeded(): void {
    const token = this.options.token();
    if (this.disposed || token === null || this.state !== 'idle' || this.reconnectTimer !== undefined) {
      return;
    }
    const server = this.options.server();
    const url = relayUrl(server.wsUrl, this.options.kernelId, server.token);
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      // Never the URL itself: it carries the server token (so may the error's text).
      console.error(
        `ggbmagic: cannot open ${withoutQuery(url)}: ${redact(String(err), server.token)}`
      );
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.state = 'connecting';
    const hello = P.clientHello(token);
    ws.onopen = () => {
      if (this.ws !== ws) {
        return;
      }
      this.state = 'authenticating';
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = ev => {
      if (this.ws === ws) {
        this.onFrame(ev.data);
      }
    };
    ws.onclose = ev => {
      if (this.ws === ws) {
        this.onClosed(ev.code, ev.reason);
      }
    };
    ws.onerror = () => {
      // A close event always follows; the reconnect decision is made there.
    };
  }

  /** Close the socket and forget any scheduled reconnect; the outbox stays. */
  close(code: number, reason: string): void {
    if (this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    this.state = 'idle';
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

  /** Drop the frames kept for the next connection (nobody waits for them any more). */
  clearOutbox(): void {
    this.outbox = [];
  }

  /** Send a frame, or keep it for when the socket is welcomed again. */
  send(msg: P.BrowserToKernel): void {
    this.sendText(P.encodeFrame(msg));
  }

  sendText(text: string): void {
    if (this.isWelcomed) {
      try {
        this.ws!.send(text);
        return;
      } catch (err) {
        console.error('ggbmagic: sending on the OOB socket failed', err);
      }
    }
    if (!this.options.keepWhileDown()) {
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
  sendNow(msg: P.BrowserToKernel): void {
    if (this.isWelcomed) {
      try {
        this.ws!.send(JSON.stringify(msg));
      } catch (err) {
        console.error('ggbmagic: sending on the OOB socket failed', err);
      }
    }
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.close(1000, 'disposed');
    this.disposed = true;
    this.outbox = [];
    Signal.clearData(this);
  }

  private onFrame(data: unknown): void {
    try {
      if (typeof data !== 'string') {
        this.sendNow(P.error('malformed', 'binary frames are not part of the protocol'));
        return;
      }
      const request = this.options.request && this.state === 'welcomed' ? P.parseRequestFrame(data) : null;
      if (request !== null) {
        if (request.ok) {
          this.options.request!(request.msg);
        } else {
          this.sendNow(P.error(request.code, request.message));
        }
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
    this.state = 'welcomed';
    this.attempt = 0;
    // The bridge says where the applet stands first; then what waited in the outbox.
    this._welcomed.emit(msg);
    const outbox = this.outbox;
    this.outbox = [];
    for (const text of outbox) {
      this.sendText(text);
    }
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => this.send(P.heartbeat(Date.now())), HEARTBEAT_MS);
  }

  private onClosed(code: number, reason: string): void {
    this.ws = null;
    this.state = 'idle';
    this.stopHeartbeat();
    if (this.disposed || this.options.token() === null) {
      return;
    }
    if (code === CLOSE_UNAUTHORIZED) {
      // Our token is stale (the kernel restarted or reloaded ggbmagic). Retrying
      // cannot help: wait for the kernel's next hello, which brings the new token.
      console.warn(
        `ggbmagic: kernel ${this.options.kernelId} refused our token; waiting for a new hello`
      );
      this._unauthorized.emit();
      return;
    }
    console.warn(
      `ggbmagic: OOB socket of kernel ${this.options.kernelId} closed (${code} ${reason}); reconnecting`
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

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private readonly _welcomed = new Signal<this, P.WelcomeMsg>(this);
  private readonly _unauthorized = new Signal<this, void>(this);
  private ws: WebSocket | null = null;
  private state: SocketState = 'idle';
  private outbox: string[] = [];
  private dropped = 0;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private disposed = false;
}
