/**
 * Where one kernel's applet lives. GeoGebra is built once into the stage, an element
 * that moves between the places that show it: the panel beside the notebook or an
 * inline view in a cell's output. Moving a DOM subtree keeps its JavaScript objects,
 * so the construction (and undo history, view, selection) survives every move; a
 * rebuild would have to copy the construction and could lose what GeoGebra keeps
 * outside its file.
 *
 * While no place shows it (an inline output was cleared, the frontend offers no
 * panel area) the stage waits in an off-screen holder that keeps it in the document
 * with a size, so the applet still answers and can still draw pictures.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { Failure } from './panel';
import { measure, Size, SizeFollower } from './sizing';

/** What shows the applet and its status: the panel, or an inline view. */
export interface AppletView {
  /** Where the stage goes while this view shows the applet. */
  readonly host: HTMLElement;
  readonly isDisposed: boolean;
  showConnecting(detail?: string): void;
  showLoading(what: string): void;
  showReady(): void;
  showNotice(text: string | null): void;
  showFailed(failure: Failure, retry: () => void): void;
  setAppletId(id: string | null): void;
}

/** The holder's size: what a hidden applet is laid out at. */
const HOLDER_SIZE: Size = { width: 800, height: 600 };

let holder: HTMLElement | null = null;

function offscreenHolder(): HTMLElement {
  if (holder && holder.isConnected) {
    return holder;
  }
  const el = document.createElement('div');
  el.className = 'ggbmagic-offscreen';
  el.setAttribute('aria-hidden', 'true');
  // Inline styles: the holder must work before (and without) the extension's CSS.
  Object.assign(el.style, {
    position: 'fixed',
    left: '-20000px',
    top: '0',
    width: `${HOLDER_SIZE.width}px`,
    height: `${HOLDER_SIZE.height}px`,
    overflow: 'hidden',
    pointerEvents: 'none'
  });
  document.body.appendChild(el);
  holder = el;
  return el;
}

export class Stage {
  constructor(readonly kernelId: string) {
    const el = document.createElement('div');
    el.className = 'ggbmagic-stage';
    el.dataset.ggbmagicStageOf = kernelId;
    Object.assign(el.style, { position: 'absolute', inset: '0', overflow: 'hidden' });
    this.element = el;
    // One size follower for every place the stage goes (sizing.ts: throttled, and it
    // re-reports after a device pixel ratio change so the canvas is rebuilt).
    this.follower = new SizeFollower(el, size => this._resized.emit(size));
    offscreenHolder().appendChild(el);
  }

  /** Where applets are built (the loader adds one child per applet). */
  readonly element: HTMLElement;

  /** Emitted, throttled, when the stage's size changes (never with a 0 side). */
  get resized(): ISignal<this, Size> {
    return this._resized;
  }

  /** The view showing the stage now, or null while it waits off screen. */
  get view(): AppletView | null {
    return this._view && !this._view.isDisposed ? this._view : null;
  }

  /** Move the stage into `view`'s host (null: off screen). */
  moveTo(view: AppletView | null): void {
    if (this.disposed) {
      return;
    }
    const target = view && !view.isDisposed ? view.host : offscreenHolder();
    this._view = view && !view.isDisposed ? view : null;
    if (this.element.parentElement !== target) {
      target.appendChild(this.element);
    }
    this.follower.check();
  }

  /** The stage's size now, or null while it has none. */
  size(): Size | null {
    return measure(this.element);
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.follower.dispose();
    this.element.remove();
    Signal.clearData(this);
  }

  private readonly follower: SizeFollower;
  private readonly _resized = new Signal<this, Size>(this);
  private _view: AppletView | null = null;
  private disposed = false;
}
