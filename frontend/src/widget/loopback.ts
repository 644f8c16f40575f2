/**
 * The widget's direct socket to the kernel's loopback listener: connect, say hello
 * with the token from the widget's state, wait for `welcome`, heartbeat. No relay sits
 * in between (marimo, VS Code and Colab have none); the kernel checks the token, the
 * page's Origin and the same frame limits and pre-hello bounds as for the relay
 * (docs/protocol.md, "The widget's loopback socket").
 */
import * as P from '../protocol';
import { HEARTBEAT_MS_WIDGET } from './constants';

export interface LoopbackHandlers {
  /** The kernel welcomed us: frames sent now arrive while a cell runs. */
  welcomed(msg: P.WelcomeMsg): void;
  /** The socket closed, or was refused before a welcome (`wasWelcomed` says which). */
  closed(code: number, wasWelcomed: boolean): void;
  /** A kernel → browser message (a request) that came on the socket. */
  message(data: unknown): void;
}

export class LoopbackSocket {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly handlers: LoopbackHandlers
  ) {}

  get isWelcomed(): boolean {
    return this.welcomedOnce && this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  open(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      console.warn('ggbmagic widget: cannot open the loopback socket', err);
      queueMicrotask(() => this.handlers.closed(1006, false));
      return;
    }
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify(P.clientHello(this.token)));
    ws.onmessage = ev => this.onFrame(ev.data);
    ws.onclose = ev => {
      if (this.ws !== ws) {
        return;
      }
      this.ws = null;
      this.stopHeartbeat();
      this.handlers.closed(ev.code, this.welcomedOnce);
    };
    ws.onerror = () => {
      // A close event always follows; the decision is made there.
    };
  }

  /** Send one encoded frame; false when the socket cannot carry it now. */
  sendText(text: string): boolean {
    if (!this.isWelcomed) {
      return false;
    }
    try {
      this.ws!.send(text);
      return true;
    } catch (err) {
      console.error('ggbmagic widget: sending on the loopback socket failed', err);
      return false;
    }
  }

  close(): void {
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, 'widget gone');
      } catch {
        // already closing
      }
    }
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') {
      return;
    }
    const parsed = P.parseOobFrame(data);
    if (!parsed.ok) {
      // Requests come on the socket too once welcomed (the kernel's LoopbackLink): they
      // skip the frontend's own widget messaging, which marimo delivers in batches.
      if (parsed.code === 'unknown_type' && this.welcomedOnce) {
        try {
          this.handlers.message(JSON.parse(data));
        } catch (err) {
          console.error('ggbmagic widget: a request on the loopback socket failed', err);
        }
        return;
      }
      console.error(`ggbmagic widget: refused a frame from the kernel: ${parsed.message}`);
      return;
    }
    const msg = parsed.msg;
    if (msg.type === 'welcome') {
      this.welcomedOnce = true;
      this.stopHeartbeat();
      this.heartbeat = setInterval(() => {
        this.sendText(JSON.stringify(P.heartbeat(Date.now())));
      }, HEARTBEAT_MS_WIDGET);
      this.handlers.welcomed(msg);
    } else if (msg.type === 'error') {
      console.warn(`ggbmagic widget: the kernel refused a frame (${msg.code}): ${msg.message}`);
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private ws: WebSocket | null = null;
  private welcomedOnce = false;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
}
