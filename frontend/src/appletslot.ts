/**
 * The kernel's one applet in the browser: build it (once the settings are known),
 * learn that it loaded or failed, replace or destroy it. Only the newest build counts;
 * what to show and whom to tell is the bridge's business (callbacks).
 */
import { builtApp } from './core/construction';
import { AppletApi, errorText } from './execute';
import { AppletConfig, AppletHandle, createApplet, LoadError } from './loader';
import type { Failure } from './panel';
import * as P from './protocol';

export type AppletState = 'none' | 'loading' | 'ready' | 'failed';

export interface AppletSlotHost {
  readonly kernelId: string;
  /** Where GeoGebra is built (the stage's element). */
  readonly element: HTMLElement;
  /** Resolves once the settings registry has answered (or failed). */
  readonly settingsLoaded: Promise<void>;
  isDisposed(): boolean;
  /** The configuration of the next build, asked for when it starts. */
  config(): AppletConfig;
  started(handle: AppletHandle, config: AppletConfig): void;
  ready(api: AppletApi): void;
  failed(failure: Failure): void;
  destroyed(): void;
}

export class AppletSlot {
  constructor(private readonly host: AppletSlotHost) {}

  get handle(): AppletHandle | null {
    return this._handle;
  }

  /** The loaded applet's API, null unless ready. */
  get api(): AppletApi | null {
    return this._api;
  }

  get state(): AppletState {
    return this._state;
  }

  get failure(): Failure | null {
    return this._failure;
  }

  /** An applet was built on this page (only the first starts from saved state). */
  get built(): boolean {
    return this._built;
  }

  /** The construction the current applet was built from, if any. */
  get builtFrom(): string | null {
    return this._builtFrom;
  }

  /** The app the ready applet really is (its file says), or the requested one. */
  get app(): string {
    return this._app ?? this._handle?.appName ?? '';
  }

  /**
   * The live applet's construction (base64 .ggb), taken before it is destroyed so that
   * the next applet starts from it; null when there is no ready applet or GeoGebra
   * failed to give it (logged).
   */
  snapshot(): string | null {
    const api = this._api;
    if (!api || this._state !== 'ready') {
      return null;
    }
    try {
      // Synchronous without a callback (GeoGebra 5.0.745.0, conformance row getBase64).
      const b64 = (api as unknown as { getBase64(): unknown }).getBase64();
      return typeof b64 === 'string' && b64 ? b64 : null;
    } catch (err) {
      console.error('ggbmagic: could not take the construction from the applet', err);
      return null;
    }
  }

  /** Build a new applet in place of the current one, once the settings are known. */
  build(): void {
    this.destroy();
    this._state = 'loading';
    const seq = ++this.buildSeq;
    this.host.settingsLoaded.then(
      () => {
        if (seq === this.buildSeq && !this.host.isDisposed()) {
          this.start();
        }
      },
      (err: unknown) => console.error('ggbmagic: waiting for the settings failed', err)
    );
  }

  destroy(): void {
    const handle = this._handle;
    this._handle = null;
    this._api = null;
    this._app = null;
    this._state = 'none';
    this.buildSeq += 1; // a build still waiting for the settings is off
    this.host.destroyed();
    handle?.destroy();
  }

  /** Why requests cannot run: the load failure and how to fix it. */
  failureText(): string {
    const f = this._failure;
    return f
      ? `GeoGebra could not be loaded from ${f.url}: ${f.message}. Install a GeoGebra Math ` +
          'Apps Bundle into Jupyter (jupyter ggbmagic geogebra install BUNDLE.zip), or point ' +
          'Settings → ggbmagic → deployggbUrl / html5Codebase at a self-hosted GeoGebra ' +
          'Math Apps Bundle if geogebra.org cannot be reached.'
      : 'GeoGebra is not loaded';
  }

  /**
   * What the kernel is told of the applet: `ready`, `load_failed`, or nothing yet.
   * `construction` goes with `ready`: the saved construction the applet was built from.
   */
  stateFrame(construction?: string | null): P.ReadyMsg | P.LoadFailedMsg | null {
    if (this._state === 'ready' && this._api) {
      let version = '';
      try {
        version = String(this._api.getVersion() ?? '');
      } catch (err) {
        console.error('ggbmagic: getVersion failed', err);
      }
      const c = this._config;
      return P.ready(
        version,
        this.app,
        construction,
        c?.source
          ? { source: c.source.where, module: c.source.module, url: c.deployggbUrl }
          : undefined
      );
    }
    if (this._state === 'failed' && this._failure) {
      return P.loadFailed(this._failure.url, this._failure.message);
    }
    return null;
  }

  private start(): void {
    const config = this.host.config();
    const handle = createApplet(this.host.element, config);
    this._handle = handle;
    this._config = config;
    this._built = true;
    this._builtFrom = config.ggbBase64 ?? null;
    this._state = 'loading';
    this.host.started(handle, config);
    handle.ready.then(
      api => {
        if (this._handle !== handle || this.host.isDisposed()) {
          return;
        }
        this._api = api;
        this._state = 'ready';
        this._failure = null;
        this._app = builtApp(handle.appName, xmlOf(api));
        this.host.ready(api);
      },
      (err: unknown) => {
        if (this._handle !== handle || this.host.isDisposed()) {
          return;
        }
        const failure: Failure = {
          url: err instanceof LoadError ? err.url : config.deployggbUrl,
          message: errorText(err),
          codebase: config.html5Codebase || undefined
        };
        console.error(`ggbmagic: loading GeoGebra for kernel ${this.host.kernelId} failed`, err);
        this._state = 'failed';
        this._failure = failure;
        this.host.failed(failure);
      }
    );
  }

  private _handle: AppletHandle | null = null;
  private _config: AppletConfig | null = null;
  private _api: AppletApi | null = null;
  private _state: AppletState = 'none';
  private _failure: Failure | null = null;
  /** Bumped by every build, so a build still waiting for the settings can tell it lost. */
  private buildSeq = 0;
  private _built = false;
  private _builtFrom: string | null = null;
  /** The app the ready applet really is (builtApp). */
  private _app: string | null = null;
}

function xmlOf(api: AppletApi): string | null {
  try {
    const xml = (api as unknown as { getXML(): unknown }).getXML();
    return typeof xml === 'string' ? xml : null;
  } catch (err) {
    console.error('ggbmagic: getXML failed', err);
    return null;
  }
}
