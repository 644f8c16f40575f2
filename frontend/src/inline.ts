/**
 * The applet inline in a cell's output: the renderer of ggbmagic's MIME type
 * (`%ggb --open --inline`). It only offers a place; the kernel's bridge decides whether
 * the applet is shown here, and moves its stage in (stage.ts).
 *
 * Where the applet is not shown (another output or the panel holds it, or no kernel
 * has connected yet) the view shows the output's own picture, the same PNG that
 * GitHub or a PDF show. The renderer only runs for trusted outputs (`safe: false`);
 * an untrusted notebook falls back to that PNG by itself.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import type { Failure } from './panel';
import { INLINE_MIME_TYPE as MIME_TYPE, InlineData, parseInlineData } from './protocol';
import type { AppletView } from './stage';

export { MIME_TYPE };

/** The inline applet's height; the width follows the output area. */
export const INLINE_HEIGHT_PX = 480;

/** Who takes inline views: the plugin (index.ts) registers itself at activation. */
export interface InlineHub {
  attach(view: InlineView): void;
  detach(view: InlineView): void;
}

let hub: InlineHub | null = null;
const waiting = new Set<InlineView>();

/** Called once by the plugin; views rendered before it get handed over now. */
export function setInlineHub(h: InlineHub): void {
  hub = h;
  for (const view of waiting) {
    h.attach(view);
  }
  waiting.clear();
}

export type InlineState = 'static' | 'connecting' | 'loading' | 'ready' | 'failed' | 'elsewhere';

export class InlineView extends Widget implements IRenderMime.IRenderer, AppletView {
  constructor() {
    super();
    this.addClass('ggbmagic-inline');
    this.status = document.createElement('div');
    this.status.className = 'ggbmagic-inline-status';
    this.status.setAttribute('role', 'status');
    Object.assign(this.status.style, { fontSize: 'var(--jp-ui-font-size1)', padding: '2px 0' });
    this.host = document.createElement('div');
    this.host.className = 'ggbmagic-inline-host';
    Object.assign(this.host.style, {
      position: 'relative',
      width: '100%',
      height: `${INLINE_HEIGHT_PX}px`,
      overflow: 'hidden'
    });
    this.picture = document.createElement('img');
    this.picture.className = 'ggbmagic-inline-picture';
    this.picture.alt = 'The GeoGebra construction (a picture)';
    this.picture.style.maxWidth = '100%';
    this.node.append(this.status, this.host, this.picture);
    this.setState('static');
  }

  /** The place the stage goes into. */
  readonly host: HTMLElement;

  /** The kernel that made this output (null if it did not say). */
  get kernelId(): string | null {
    return this.data.kernel_id;
  }

  /** The construction saved with the output. */
  get savedConstruction(): string | null {
    return this.data.ggb;
  }

  get state(): InlineState {
    return this._state;
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.model = model;
    this.data = parseInlineData(model.data[MIME_TYPE]);
    const png = model.data['image/png'];
    this.pictureData = typeof png === 'string' && png ? png : null;
    if (this.pictureData) {
      this.picture.src = `data:image/png;base64,${this.pictureData}`;
    } else {
      this.picture.removeAttribute('src');
    }
    this.refreshPicture();
  }

  /**
   * Take the kernel's newest bundle (construction and picture) into this output's
   * model, so that the notebook saves it: the output was restored from the saved
   * notebook, and the kernel's display updates no longer reach it. The output area
   * renders the model again (renderModel).
   */
  follow(bundle: Readonly<Record<string, unknown>>): void {
    const next = parseInlineData(bundle[MIME_TYPE]);
    const model = this.model as (IRenderMime.IMimeModel & { setData?: unknown }) | null;
    if (this.isDisposed || !model || !next.ggb || next.ggb === this.data.ggb) {
      return;
    }
    if (typeof model.setData === 'function') {
      model.setData({ data: { ...bundle } as IRenderMime.IMimeModel['data'] });
    }
  }

  /** The bridge took this view: it shows the applet now (state follows). */
  setHosting(hosting: boolean, elsewhere?: string): void {
    this.hosting = hosting;
    if (!hosting) {
      this.setState('elsewhere');
      this.setStatus(elsewhere ?? 'The GeoGebra applet is shown elsewhere.');
    }
    this.refreshPicture();
  }

  /** No kernel holds this output: the picture only, and how to bring the applet back. */
  showStatic(text: string): void {
    this.hosting = false;
    this.setState('static');
    this.setStatus(text);
    this.refreshPicture();
  }

  showConnecting(detail?: string): void {
    this.setState('connecting');
    this.setStatus(detail ?? 'Waiting for the kernel: run %load_ext ggbmagic in this notebook.');
  }

  /** `what`: host.ts `describeSource`, e.g. "GeoGebra from https://…/deployggb.js". */
  showLoading(what: string): void {
    this.setState('loading');
    this.setStatus(`Loading ${what}…`);
  }

  showReady(): void {
    this.setState('ready');
    this.setStatus(null);
  }

  showNotice(text: string | null): void {
    if (this._state === 'ready') {
      this.setStatus(text);
    }
  }

  showFailed(failure: Failure, retry: () => void): void {
    this.setState('failed');
    this.status.replaceChildren();
    const p = document.createElement('p');
    p.className = 'ggbmagic-failure-title';
    p.textContent = `GeoGebra could not be loaded: ${failure.message} (tried ${failure.url}).`;
    const how = document.createElement('p');
    how.textContent =
      'Without internet, install a GeoGebra Math Apps Bundle into Jupyter ' +
      '(jupyter ggbmagic geogebra install BUNDLE.zip), or point Settings → ggbmagic → ' +
      'deployggbUrl and html5Codebase at a self-hosted GeoGebra Math Apps Bundle.';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Button jp-mod-styled jp-mod-accept ggbmagic-retry';
    button.textContent = 'Retry';
    button.addEventListener('click', () => retry());
    this.status.append(p, how, button);
  }

  setAppletId(id: string | null): void {
    if (id) {
      this.node.dataset.ggbmagicAppletId = id;
    } else {
      delete this.node.dataset.ggbmagicAppletId;
    }
  }

  /** Which kernel's bridge holds this view (for tests and the status line). */
  setKernel(kernelId: string | null): void {
    if (kernelId) {
      this.node.dataset.ggbmagicKernelId = kernelId;
    } else {
      delete this.node.dataset.ggbmagicKernelId;
    }
  }

  protected onAfterAttach(): void {
    if (hub) {
      hub.attach(this);
    } else {
      waiting.add(this);
    }
  }

  protected onBeforeDetach(): void {
    waiting.delete(this);
    hub?.detach(this);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    waiting.delete(this);
    hub?.detach(this);
    super.dispose();
  }

  private refreshPicture(): void {
    // The live applet, or its picture: never both, so the output does not jump.
    const live = this.hosting && this._state !== 'failed';
    this.host.style.display = live ? '' : 'none';
    this.picture.style.display = !live && this.pictureData ? '' : 'none';
  }

  private setState(state: InlineState): void {
    this._state = state;
    this.node.dataset.ggbmagicState = state;
    this.refreshPicture();
  }

  private setStatus(text: string | null): void {
    if (!text) {
      this.status.replaceChildren();
      return;
    }
    const p = document.createElement('p');
    p.style.margin = '0';
    p.textContent = text;
    this.status.replaceChildren(p);
  }

  private readonly status: HTMLElement;
  private readonly picture: HTMLImageElement;
  private data: InlineData = { kernel_id: null, ggb: null };
  private model: IRenderMime.IMimeModel | null = null;
  private pictureData: string | null = null;
  private hosting = false;
  private _state: InlineState = 'static';
}
