/**
 * One kernel's transport ladder in the browser: which link carries this page's frames
 * to the kernel, chosen at each hello (a new kernel, a restart, a reload) and again
 * whenever a link comes up or goes down (docs/architecture.md, "The transport ladder").
 *
 * 1. relay: the bridge's RelayConnection; a probe (probe.ts) asks the server at once
 *    whether its relay reaches the kernel. Once welcomed, the page also takes the
 *    kernel's requests on that socket (the `ladder` frame says `requests: true`).
 * 2. loopback: a link another shell plugs in (`plug`).
 * 3. subshell / after-cell: the `ggbmagic.up` comm (upcomm.ts), opened only when the
 *    relay cannot reach the kernel.
 *
 * After each change the page tells the kernel what it sees (a `ladder` frame on the
 * link in use), which `%ggb --doctor` reports.
 */
import type { Kernel } from '@jupyterlab/services';

import * as P from '../protocol';
import type { RelayConnection } from '../relay';
import { bestLink, BrowserLink } from './link';
import { probeRelay, RelayVerdict } from './probe';
import { UpCommLink, wantsSubshell } from './upcomm';

/** Frames kept while no link is up and the relay cannot help; oldest go first. */
const OUTBOX_LIMIT = 2000;

export interface LadderOptions {
  readonly kernelId: string;
  readonly relay: RelayConnection;
  /** A live connection to the kernel (for the comm link), or null. */
  kernel(): Kernel.IKernelConnection | null;
  /** The server's base URL and token (the relay probe). */
  server(): { baseUrl: string; token: string };
  /** A link came up: the bridge says where the applet stands. */
  linkUp(path: P.LinkPath): void;
}

export class Ladder {
  constructor(private readonly options: LadderOptions) {}

  /** The path frames go on now, or null while none is up. */
  get path(): P.LinkPath | null {
    return this.best()?.path ?? null;
  }

  get isUp(): boolean {
    return this.best() !== null;
  }

  /** The relay cannot reach this kernel; no reconnects until the next hello. */
  get relayBlocked(): boolean {
    return this.verdict?.final === true && !this.verdict.reachable;
  }

  /** What the probe said, for the doctor ("" when the relay is fine or not asked yet). */
  get relayReason(): string {
    return this.verdict?.reason ?? '';
  }

  /** The kernel said hello with `token`: choose the path anew. */
  start(token: string): void {
    this.generation += 1;
    this.verdict = null;
    this.closeUpComm();
    void this.climb(this.generation, token);
  }

  /** The relay's socket was welcomed: it is the path; the kernel may send requests on it. */
  relayWelcomed(): void {
    this.tellKernel();
    this.options.linkUp('relay');
  }

  /** Plug in another shell's link (e.g. a widget's loopback). */
  plug(link: BrowserLink): void {
    this.plugged.add(link);
    this.flushOutbox();
    this.tellKernel();
    this.options.linkUp(link.path);
  }

  unplug(link: BrowserLink): void {
    this.plugged.delete(link);
  }

  /** Send a frame on the best link, or keep it until one is up. */
  send(msg: P.BrowserToKernel): void {
    this.sendText(P.encodeFrame(msg));
  }

  sendText(text: string): void {
    const link = this.best();
    if (link !== null) {
      if (link === RELAY || link.sendText(text)) {
        if (link === RELAY) {
          this.options.relay.sendText(text);
        }
        return;
      }
    }
    if (!this.relayBlocked) {
      this.options.relay.sendText(text); // the relay's own outbox, for its reconnect
      return;
    }
    this.outbox.push(text);
    if (this.outbox.length > OUTBOX_LIMIT) {
      this.outbox.shift();
    }
  }

  /** Send only if a link is up now (state messages, errors): never stored. */
  sendNow(msg: P.BrowserToKernel): void {
    const link = this.best();
    if (link === RELAY) {
      this.options.relay.sendNow(msg);
    } else if (link !== null) {
      link.sendText(JSON.stringify(msg));
    }
  }

  /** Forget frames kept for a link (the kernel is gone, the panel closed). */
  clearOutbox(): void {
    this.outbox = [];
    this.options.relay.clearOutbox();
  }

  dispose(): void {
    this.generation += 1;
    this.closeUpComm();
    this.plugged.clear();
    this.outbox = [];
  }

  // --- choosing ----------------------------------------------------------------------

  private best(): BrowserLink | null {
    if (this.options.relay.isWelcomed) {
      return RELAY;
    }
    const links: BrowserLink[] = [...this.plugged];
    if (this.up !== null) {
      links.push(this.up);
    }
    return bestLink(links);
  }

  private async climb(generation: number, token: string): Promise<void> {
    const { baseUrl, token: serverToken } = this.options.server();
    const verdict = await probeRelay(baseUrl, this.options.kernelId, serverToken);
    if (generation !== this.generation) {
      return;
    }
    this.verdict = verdict;
    if (verdict.reachable || this.options.relay.isWelcomed) {
      return; // the relay's socket is (or will be) welcomed
    }
    if (verdict.final) {
      this.options.relay.close(1000, 'relay cannot reach this kernel');
    }
    console.info(
      `ggbmagic: the relay cannot reach kernel ${this.options.kernelId} (${verdict.reason}); using a comm`
    );
    const kernel = this.options.kernel();
    if (kernel === null || kernel.isDisposed) {
      return;
    }
    try {
      const link = await UpCommLink.open(
        kernel,
        JSON.stringify(P.clientHello(token)),
        gone => this.onUpDown(gone)
      );
      if (generation !== this.generation) {
        link.close();
        return;
      }
      this.up = link;
      this.kernelFacts = {
        comms_over_subshells: String(kernel.commsOverSubshells ?? 'perCommTarget'),
        supports_subshells: kernel.supportsSubshells
      };
      if (!wantsSubshell(kernel)) {
        console.info(
          `ggbmagic: kernel ${this.options.kernelId} answers after each cell only (no subshells)`
        );
      }
      this.tellKernel();
      this.flushOutbox();
      this.options.linkUp(link.path);
    } catch (err) {
      console.error(`ggbmagic: opening the up comm of kernel ${this.options.kernelId} failed`, err);
    }
  }

  private onUpDown(link: UpCommLink): void {
    if (this.up === link) {
      this.up = null;
    }
  }

  private closeUpComm(): void {
    const up = this.up;
    this.up = null;
    up?.close();
  }

  private flushOutbox(): void {
    const outbox = this.outbox;
    this.outbox = [];
    for (const text of outbox) {
      this.sendText(text);
    }
  }

  /** The `ladder` frame: the path in use and what the page knows of the others. */
  private tellKernel(): void {
    const path = this.path;
    if (path === null) {
      return;
    }
    const kernel = this.options.kernel();
    const facts = this.kernelFacts ?? {
      comms_over_subshells: String(kernel?.commsOverSubshells ?? 'perCommTarget'),
      supports_subshells: kernel?.supportsSubshells ?? false
    };
    this.sendNow(
      P.ladder(path, { requests: path === 'relay', relay: this.relayReason, ...facts })
    );
  }

  private generation = 0;
  private verdict: RelayVerdict | null = null;
  private up: UpCommLink | null = null;
  private readonly plugged = new Set<BrowserLink>();
  private outbox: string[] = [];
  private kernelFacts: { comms_over_subshells: string; supports_subshells: boolean } | null =
    null;
}

/** The relay as a link marker: its sends go through the RelayConnection. */
const RELAY: BrowserLink = {
  path: 'relay',
  isUp: true,
  sendText: () => false,
  close: () => undefined
};
