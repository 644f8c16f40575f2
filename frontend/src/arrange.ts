/**
 * Which view shows one kernel's applet: the panel beside the notebook or the newest
 * inline view (a cell's output). It moves the stage there, tells the other views to
 * show their picture, and keeps the last status for the next view that gets the stage.
 * Where the panel goes in the shell is placement.ts's business (through the host).
 */
import type { BridgeHost } from './host';
import type { InlineView } from './inline';
import { GeoGebraPanel } from './panel';
import * as P from './protocol';
import type { AppletView, Stage } from './stage';

/** Shows a status (loading, failed, a notice …) in a view. */
export type Status = (v: AppletView) => void;

export interface ArrangementHost {
  readonly kernelId: string;
  readonly host: BridgeHost;
  readonly stage: Stage;
  isDisposed(): boolean;
  /** The user closed the panel (not code disposing it). */
  panelClosed(panel: GeoGebraPanel): void;
  /** `view` just got the stage: show it where the applet stands. */
  arrived(view: AppletView, lastStatus: Status | null): void;
  /** The arrangement was (re)done: tell the kernel where the applet is. */
  arranged(): void;
}

export class Arrangement {
  constructor(private readonly owner: ArrangementHost) {}

  /** Where the applet should be shown; null until someone says. */
  placement: P.Placement | null = null;

  get panel(): GeoGebraPanel | null {
    return this._panel;
  }

  /** Whether any place shows the applet or its picture (the panel or a cell's output). */
  get isShown(): boolean {
    return this._panel !== null || this.views.size > 0;
  }

  /** The view that shows the applet now, if any. */
  get view(): AppletView | null {
    return this.owner.stage.view;
  }

  /** The user's setting for the placement. */
  settingsPlacement(): P.Placement {
    return this.owner.host.settings().placement === 'inline' ? 'inline' : 'panel';
  }

  /** The inline views still in a page, oldest first. */
  liveViews(): InlineView[] {
    return [...this.views].filter(v => !v.isDisposed && v.isAttached);
  }

  /** Take `view` as the newest inline view. */
  addView(view: InlineView): void {
    this.views.delete(view); // re-added last: the newest output is the preferred one
    this.views.add(view);
  }

  /** Forget `view`; true if it was known. */
  removeView(view: InlineView): boolean {
    return this.views.delete(view);
  }

  /**
   * Put the stage where the placement says: in the panel (created if needed), or in
   * the newest inline view; the other views show their picture. Then tell the kernel.
   */
  arrange(): void {
    if (this.owner.isDisposed()) {
      return;
    }
    const stage = this.owner.stage;
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
    const before = stage.view;
    stage.moveTo(target);
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
      this.owner.arrived(target, this.lastStatus);
    }
    this.owner.arranged();
  }

  /** Show a status in the current view, and remember it for the next view. */
  showStatus(show: Status): void {
    this.lastStatus = show;
    const v = this.view;
    if (v) {
      show(v);
    }
  }

  /** The applet is ready: no status to replay any more. */
  clearStatus(): void {
    this.lastStatus = null;
  }

  /** The `placement` frame for the kernel, null while no placement is chosen. */
  placementFrame(): P.PlacementMsg | null {
    if (this.placement === null) {
      return null;
    }
    if (this.placement === 'inline') {
      return P.placementFrame('inline', this.view !== null);
    }
    if (this._panel) {
      return P.placementFrame('panel', true);
    }
    return P.placementFrame('none', false, this.noPlace ?? undefined);
  }

  /** The user closed the panel: forget it and take the stage out of it. */
  forgetPanel(): void {
    this._panel = null;
    this.owner.stage.moveTo(null);
  }

  dispose(): void {
    const panel = this._panel;
    this._panel = null;
    panel?.dispose();
  }

  /** Create the panel if there is none; false when the shell has no place for it. */
  private ensurePanel(): boolean {
    if (this._panel && !this._panel.isDisposed) {
      return true;
    }
    const { host, kernelId } = this.owner;
    const panel = new GeoGebraPanel(kernelId, host.notebookName(kernelId));
    const placed = host.place(panel, kernelId);
    if (!placed.placed) {
      panel.dispose();
      this.noPlace = placed.message ?? 'no place for the panel';
      console.warn(`ggbmagic: the GeoGebra panel has no place here: ${this.noPlace}`);
      return false;
    }
    this.noPlace = null;
    panel.userClosed.connect(() => {
      if (panel === this._panel) {
        this.owner.panelClosed(panel);
      }
    });
    this._panel = panel;
    return true;
  }

  private _panel: GeoGebraPanel | null = null;
  private readonly views = new Set<InlineView>();
  /** Why the shell had no place for the panel (said to the kernel). */
  private noPlace: string | null = null;
  private lastStatus: Status | null = null;
}
