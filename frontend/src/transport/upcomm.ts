/**
 * The comm links (`subshell`, `after-cell`): browser → kernel frames as comm messages
 * to the target `ggbmagic.up`, for a kernel the relay cannot reach.
 *
 * JupyterLab ≥ 4.4 / Notebook 7 send a comm's messages on a kernel subshell
 * (`commsOverSubshells`, default one subshell per comm target) once the kernel offers
 * subshells (ipykernel ≥ 7). A message sent before the subshell started would go to the
 * main shell, which is busy while a cell runs: so the comm is opened only after
 * `subshellStarted`. The kernel never sends on this comm (ipykernel would route the
 * page's messages of such a comm to the main shell); kernel → browser stays on the
 * `ggbmagic` comm. Frames travel as `{"f": "<frame text>"}`, checked by the kernel
 * like OOB frames; the comm_open data is the client hello with the kernel's token.
 */
import type { Kernel } from '@jupyterlab/services';

import type { LinkPath } from '../protocol';
import type { BrowserLink } from './link';

export const UP_TARGET = 'ggbmagic.up';

/** How long a subshell may take to start before the comm goes on the main shell. */
const SUBSHELL_START_MS = 10000;

/** What JupyterLab's comm handler has beyond Kernel.IComm (services ≥ 7.4). */
interface SubshellComm {
  readonly subshellStarted?: Promise<void>;
  readonly subshellId?: string | null;
}

/** Whether this kernel connection will send comm messages on a subshell. Pure. */
export function wantsSubshell(kernel: {
  readonly supportsSubshells?: boolean;
  readonly commsOverSubshells?: string;
}): boolean {
  return !!kernel.supportsSubshells && (kernel.commsOverSubshells ?? 'perCommTarget') !== 'disabled';
}

export class UpCommLink implements BrowserLink {
  private constructor(
    private readonly comm: Kernel.IComm,
    readonly path: LinkPath,
    private readonly onDown: (link: UpCommLink) => void
  ) {
    comm.onClose = () => {
      this.up = false;
      this.onDown(this);
    };
  }

  /**
   * Open the comm (on a subshell when the connection uses them) with `helloText` as
   * its comm_open data. Rejects if the kernel connection cannot make comms.
   */
  static async open(
    kernel: Kernel.IKernelConnection,
    helloText: string,
    onDown: (link: UpCommLink) => void
  ): Promise<UpCommLink> {
    await kernel.info;
    const comm = kernel.createComm(UP_TARGET);
    const sub = comm as unknown as SubshellComm;
    if (wantsSubshell(kernel) && sub.subshellStarted) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          sub.subshellStarted,
          new Promise<void>((_, reject) => {
            timer = setTimeout(() => reject(new Error('subshell did not start')), SUBSHELL_START_MS);
          })
        ]);
      } catch (err) {
        console.warn('ggbmagic: no subshell for the up comm; it goes on the main shell', err);
      } finally {
        clearTimeout(timer);
      }
    }
    const path: LinkPath = sub.subshellId ? 'subshell' : 'after-cell';
    const link = new UpCommLink(comm, path, onDown);
    comm.open({ f: helloText });
    return link;
  }

  get isUp(): boolean {
    return this.up && !this.comm.isDisposed;
  }

  sendText(text: string): boolean {
    if (!this.isUp) {
      return false;
    }
    try {
      this.comm.send({ f: text });
      return true;
    } catch (err) {
      console.error('ggbmagic: sending on the up comm failed', err);
      return false;
    }
  }

  close(): void {
    if (!this.up) {
      return;
    }
    this.up = false;
    try {
      this.comm.close();
    } catch (err) {
      console.warn('ggbmagic: closing the up comm failed', err);
    }
  }

  private up = true;
}
