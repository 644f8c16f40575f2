/**
 * The browser's end of the transport ladder (docs/architecture.md, "The transport
 * ladder"): a *link* carries browser → kernel frames (replies, events, state) to one
 * kernel. The bridge holds one Ladder (ladder.ts), which sends on the best link up:
 *
 *   relay       the OOB WebSocket through the Jupyter server relay (relay.ts)
 *   subshell    a comm to `ggbmagic.up` sent on a kernel subshell (upcomm.ts)
 *   loopback    a direct in-page link (another shell, e.g. a widget, implements it)
 *   after-cell  the same comm on the main shell: the kernel reads it after the cell
 *
 * A link for another shell implements BrowserLink and is handed to
 * `Ladder.plug(link)`; the ladder then prefers it to the comm links.
 */
import type { LinkPath } from '../protocol';

export type { LinkPath };

/** One way from this page to the kernel. */
export interface BrowserLink {
  /** Which rung this link is (may change: a comm whose subshell went away). */
  readonly path: LinkPath;
  /** Whether frames can go now. */
  readonly isUp: boolean;
  /** Send one encoded frame; false if it could not (the ladder then keeps it). */
  sendText(text: string): boolean;
  /** Stop using this link (the kernel sees it go down). */
  close(): void;
}

/** Lower is better, as the kernel ranks them (ggbmagic/transport/link.py). */
export const RANK: Record<LinkPath, number> = {
  relay: 0,
  loopback: 1,
  subshell: 2,
  'after-cell': 3
};

/** The best of `links` that is up, or null. */
export function bestLink<L extends BrowserLink>(links: Iterable<L>): L | null {
  let best: L | null = null;
  for (const link of links) {
    if (link.isUp && (best === null || RANK[link.path] < RANK[best.path])) {
      best = link;
    }
  }
  return best;
}
