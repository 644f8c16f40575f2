/**
 * The GeoGebra panel: one per kernel, beside its notebook. It only shows things and
 * reports the user closing it; the bridge decides what to show, and the stage inside
 * it follows its size.
 */
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

export type { Size } from './sizing';

export type PanelState = 'connecting' | 'loading' | 'ready' | 'failed' | 'closed';

/** What a failed load shows. */
export interface Failure {
  url: string;
  message: string;
  /** The HTML5 codebase in use, if any (shown so the user sees both settings). */
  codebase?: string;
}

export class GeoGebraPanel extends Widget {
  constructor(
    readonly kernelId: string,
    notebookName: string
  ) {
    super();
    this.id = `ggbmagic-panel-${kernelId}`;
    this.addClass('ggbmagic-panel');
    this.title.closable = true;
    this.setNotebookName(notebookName);
    this.node.dataset.ggbmagicKernelId = kernelId;

    this.status = document.createElement('div');
    this.status.className = 'ggbmagic-status';
    this.status.setAttribute('role', 'status');
    this.host = document.createElement('div');
    this.host.className = 'ggbmagic-host';
    this.node.append(this.status, this.host);

    // The applet's size is followed by the stage inside `host` (stage.ts, sizing.ts),
    // which sees every change of this box: window, split handle, side bars, dock moves.
    this.setState('connecting');
  }

  /** Emitted once when the user closes the panel (not when code disposes it). */
  get userClosed(): ISignal<this, void> {
    return this._userClosed;
  }

  get state(): PanelState {
    return this._state;
  }

  /** Where applets are built. */
  readonly host: HTMLElement;

  setNotebookName(name: string): void {
    this.title.label = `GeoGebra — ${name}`;
    this.title.caption = `GeoGebra for ${name} (kernel ${this.kernelId})`;
    this.notebookName = name;
  }

  /**
   * Which GeoGebra runs (host.ts `describeSource`): in the tab's tooltip and as
   * `data-ggbmagic-geogebra`, so the status line's "Loading …" is not lost once ready.
   */
  setGeoGebra(text: string): void {
    this.node.dataset.ggbmagicGeogebra = text;
    this.title.caption = `GeoGebra for ${this.notebookName} (kernel ${this.kernelId}) — ${text}`;
  }

  setAppletId(id: string | null): void {
    if (id) {
      this.node.dataset.ggbmagicAppletId = id;
    } else {
      delete this.node.dataset.ggbmagicAppletId;
    }
  }

  /** Show "connecting", with an optional hint of what we wait for. */
  showConnecting(detail?: string): void {
    this.setState('connecting');
    this.setStatus(
      'Waiting for the kernel…',
      detail ??
        'Run %load_ext ggbmagic in this notebook; the panel connects when the kernel says hello.'
    );
  }

  /** `what`: host.ts `describeSource`, e.g. "GeoGebra from https://…/deployggb.js". */
  showLoading(what: string): void {
    this.setState('loading');
    this.setStatus(`Loading ${what}…`);
  }

  showReady(): void {
    this.setState('ready');
    this.status.replaceChildren();
  }

  /** A message over the running applet (e.g. the kernel went away); null clears it. */
  showNotice(text: string | null): void {
    if (this._state !== 'ready') {
      return;
    }
    this.status.replaceChildren();
    if (text) {
      const p = document.createElement('p');
      p.className = 'ggbmagic-notice';
      p.textContent = text;
      this.status.append(p);
    }
  }

  /** Say what failed, which URL was tried, and which settings point elsewhere. */
  showFailed(failure: Failure, retry: () => void): void {
    this.setState('failed');
    const box = document.createElement('div');
    box.className = 'ggbmagic-failure';

    const head = document.createElement('p');
    head.className = 'ggbmagic-failure-title';
    head.textContent = 'GeoGebra could not be loaded.';

    const what = document.createElement('p');
    what.textContent = failure.message;

    const tried = document.createElement('p');
    tried.append('Tried: ');
    const code = document.createElement('code');
    code.className = 'ggbmagic-failed-url';
    code.textContent = failure.url;
    tried.append(code);
    if (failure.codebase) {
      tried.append(' with HTML5 codebase ');
      const cb = document.createElement('code');
      cb.textContent = failure.codebase;
      tried.append(cb);
    }

    const how = document.createElement('p');
    how.textContent =
      'By default GeoGebra is loaded from geogebra.org, which needs internet access. ' +
      'Without it, install GeoGebra\'s Math Apps Bundle into Jupyter once ' +
      '(jupyter ggbmagic geogebra install BUNDLE.zip) and reload, or point ' +
      'Settings → ggbmagic → deployggbUrl at the deployggb.js of a ' +
      'self-hosted GeoGebra Math Apps Bundle (…/GeoGebra/deployggb.js) and ' +
      'html5Codebase at its HTML5 folder (…/GeoGebra/HTML5/5.0/web3d/).';

    const button = document.createElement('button');
    button.className = 'jp-Button jp-mod-styled jp-mod-accept ggbmagic-retry';
    button.type = 'button';
    button.textContent = 'Retry';
    button.addEventListener('click', () => retry());

    box.append(head, what, tried, how, button);
    this.status.replaceChildren(box);
  }

  protected onCloseRequest(msg: Message): void {
    if (!this.closing) {
      this.closing = true;
      this.setState('closed');
      this._userClosed.emit();
    }
    super.onCloseRequest(msg);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.clearData(this);
    super.dispose();
  }

  private setState(state: PanelState): void {
    this._state = state;
    this.node.dataset.ggbmagicState = state;
  }

  private setStatus(title: string, detail?: string): void {
    const p = document.createElement('p');
    p.className = 'ggbmagic-status-title';
    p.textContent = title;
    const nodes: HTMLElement[] = [p];
    if (detail) {
      const d = document.createElement('p');
      d.className = 'ggbmagic-status-detail';
      d.textContent = detail;
      nodes.push(d);
    }
    this.status.replaceChildren(...nodes);
  }

  private notebookName = '';
  private readonly status: HTMLElement;
  private readonly _userClosed = new Signal<this, void>(this);
  private _state: PanelState = 'connecting';
  private closing = false;
}
