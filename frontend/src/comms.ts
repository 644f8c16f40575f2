/**
 * The comms one kernel's bridge listens to. The same comm can reach the page through
 * two kernel connections (two notebooks on one kernel), so message ids drop the copies.
 */
import type { Kernel } from '@jupyterlab/services';

/** Comm message ids remembered to drop the copy a second connection delivers. */
const SEEN_LIMIT = 512;

export class KernelComms {
  constructor(
    private readonly onMessage: (msgId: string, data: unknown) => void,
    private readonly onAllClosed: () => void
  ) {}

  /** Take messages from one comm (kernel-opened, or re-created after a reload). */
  attach(comm: Kernel.IComm): void {
    if (this.comms.has(comm)) {
      return;
    }
    this.comms.add(comm);
    comm.onMsg = msg => {
      this.onMessage(msg.header.msg_id, msg.content.data);
    };
    comm.onClose = () => {
      this.comms.delete(comm);
      if (![...this.comms].some(c => !c.isDisposed)) {
        this.onAllClosed();
      }
    };
  }

  /** Whether `msgId` came before (and remember it if not). */
  seenBefore(msgId: string): boolean {
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

  private readonly comms = new Set<Kernel.IComm>();
  private readonly seen = new Set<string>();
}
