/**
 * Loads GeoGebra (deployggb.js, optionally a self-hosted HTML5 codebase) and builds
 * one applet into one element. GeoGebra is never bundled: it comes from geogebra.org
 * or from the user's own Math Apps Bundle (its licence forbids redistribution).
 */
import { stripGgbBase64 } from './core/filescripts';
import type { AppletApi } from './execute';
import { codebaseScript, probe, watchScriptErrors } from './probe';
import { firstSize } from './sizing';

export const APPLET_LOAD_TIMEOUT_MS = 60000;

/**
 * How long an applet waits for its host to be laid out before it is built at the
 * fallback size anyway (a host in a hidden tab or a background browser tab has no size;
 * the size follower corrects the applet once it is shown).
 */
export const FIRST_SIZE_TIMEOUT_MS = 1000;

/** Where the applet's GeoGebra comes from, for the status line and the kernel. */
export interface GeoGebraSource {
  /** `server`: installed and served by this Jupyter server; `settings`: the URLs in
   * the user's settings; `geogebra.org`: the default. */
  where: 'server' | 'settings' | 'geogebra.org';
  /** The installed version (empty unless `server`: GeoGebra says it once loaded). */
  version: string;
  /** The GWT module (`web3d`, `webSimple` …) when known. */
  module: string;
}

/** Everything needed to build one applet. */
export interface AppletConfig {
  deployggbUrl: string;
  html5Codebase: string;
  appName: string;
  /** The size to build at if the host has none yet (it is followed afterwards). */
  width: number;
  height: number;
  showToolBar: boolean;
  showMenuBar: boolean;
  showAlgebraInput: boolean;
  /** A construction (base64 .ggb) the applet starts from, e.g. after a page reload. */
  ggbBase64?: string;
  /** Where this GeoGebra comes from (host.ts `chooseGeoGebra`), for the status line. */
  source?: GeoGebraSource;
}

/** A failure to load GeoGebra, carrying the URL that was tried. */
export class LoadError extends Error {
  constructor(
    readonly url: string,
    message: string
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** A built (or building) applet. */
export interface AppletHandle {
  /** `params.id`: GeoGebra also publishes the API object as `window[id]`. */
  readonly id: string;
  /** The applet's own element in the host (fresh for every applet); GeoGebra is
   * injected into a child of it. */
  readonly element: HTMLElement;
  readonly appName: string;
  /** Resolves with the API object when `appletOnLoad` fires. */
  readonly ready: Promise<AppletApi>;
  /** Give up on this applet: remove its element, ignore a late load. */
  destroy(): void;
}

interface GGBAppletInstance {
  inject(element: HTMLElement | string): void;
  setHTML5Codebase?(codebase: string, offline?: boolean): void;
}

type GGBAppletCtor = new (
  params: Record<string, unknown>,
  html5NoWebSimple: boolean
) => GGBAppletInstance;

const scripts = new Map<string, Promise<void>>();
let counter = 0;

/**
 * Load a deployggb.js once per URL. A failed load is forgotten so that a retry (after
 * the user fixes the settings or the network) really tries again.
 */
export function loadDeployScript(url: string): Promise<void> {
  const known = scripts.get(url);
  if (known) {
    return known;
  }
  const promise = new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.dataset.ggbmagic = 'deployggb';
    script.onload = () => resolve();
    script.onerror = () => {
      scripts.delete(url);
      script.remove();
      // Say what came back (HTTP status, not JavaScript), not only that it failed.
      void probe(url).then(why =>
        reject(
          new LoadError(
            url,
            `deployggb.js could not be loaded from ${url}: ` +
              (why ?? 'network error (offline, blocked, or the server is down)')
          )
        )
      );
    };
    document.head.appendChild(script);
  });
  scripts.set(url, promise);
  return promise;
}

/**
 * A saved construction without its JavaScript (core/filescripts.ts), or null when it
 * cannot be opened safely (too large, damaged): the applet then starts empty.
 */
async function withoutScripts(ggbBase64: string): Promise<string | null> {
  try {
    const { base64, removed } = await stripGgbBase64(ggbBase64);
    if (removed.length) {
      console.warn(
        `ggbmagic: removed JavaScript from the saved construction (${removed.join(', ')}); ` +
          'JavaScript from a notebook output never runs'
      );
    }
    return base64;
  } catch (err) {
    console.warn(
      'ggbmagic: the saved construction was not opened, the applet starts empty: ' +
        (err instanceof Error ? err.message : String(err))
    );
    return null;
  }
}

/**
 * With useBrowserForJS GeoGebra calls the page's own `window.ggbOnInit`. JupyterLab
 * defines none; one that exists came from a file whose JavaScript the user allowed
 * earlier in this page (GeoGebra evaluates it globally), and must not run again for a
 * construction rebuilt from an output or a restore.
 */
function forgetPageInit(): void {
  const w = window as unknown as Record<string, unknown>;
  if (typeof w.ggbOnInit === 'function') {
    console.warn('ggbmagic: a ggbOnInit left by an earlier file was removed from the page');
    try {
      delete w.ggbOnInit;
    } catch {
      w.ggbOnInit = undefined;
    }
    if (typeof w.ggbOnInit === 'function') {
      w.ggbOnInit = undefined;
    }
  }
}

/**
 * Resolves with what went wrong when the codebase's script cannot load (probe: HTTP
 * status or not JavaScript; or its script error event), and never otherwise. `stop`
 * ends the watch once the applet is loaded or given up.
 */
function codebaseCheck(codebase: string): { promise: Promise<string>; stop: () => void } {
  const base = codebase.endsWith('/') ? codebase : `${codebase}/`;
  const script = codebaseScript(base);
  let stopWatch: () => void = () => undefined;
  let stopped = false;
  const promise = new Promise<string>(resolve => {
    const fail = (message: string): void => {
      if (!stopped) {
        stopWatch();
        resolve(message);
      }
    };
    stopWatch = watchScriptErrors(base, src =>
      fail(
        `GeoGebra's HTML5 code could not be loaded from ${src} (network error or not found); ` +
          `check the html5Codebase setting (${codebase}): it must be a bundle's module folder, ` +
          'e.g. …/HTML5/5.0/webSimple/ or …/HTML5/5.0/web3d/'
      )
    );
    void probe(script).then(why => {
      if (why) {
        fail(
          `GeoGebra's HTML5 code could not be loaded from ${script}: ${why}; check the ` +
            `html5Codebase setting (${codebase}): it must be a bundle's module folder, ` +
            'e.g. …/HTML5/5.0/webSimple/ or …/HTML5/5.0/web3d/'
        );
      }
    });
  });
  return {
    promise,
    stop: () => {
      stopped = true;
      stopWatch();
    }
  };
}

/** A fresh id, unique in this page: also the name of the global API object. */
export function newAppletId(): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `ggbmagic_${counter}_${random}`;
}

/**
 * Build one applet in a fresh child of `host` (which must be attached to the
 * document), at the host's size once it is laid out. Inject runs exactly once, on the
 * element itself rather than its id, since GeoGebra silently gives up on an id it
 * cannot find yet.
 */
export function createApplet(host: HTMLElement, config: AppletConfig): AppletHandle {
  const id = newAppletId();
  const element = document.createElement('div');
  element.id = `${id}_container`;
  element.className = 'ggbmagic-applet';
  // GeoGebra's deployggb.js writes inline width/height on the element it is injected
  // into (its responsiveResize, from the initial parameters). That element is this
  // inner one, so ours keeps filling the host whatever GeoGebra writes.
  const target = document.createElement('div');
  target.className = 'ggbmagic-applet-target';
  element.appendChild(target);
  host.appendChild(element);

  let destroyed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopCodebaseCheck: () => void = () => undefined;

  const ready = (async (): Promise<AppletApi> => {
    await loadDeployScript(config.deployggbUrl);
    // Build at the host's laid-out size. It used to be read while the panel still said
    // "connecting" (host display:none) and gave the 800x600 fallback; a panel just
    // added to the shell also has no geometry until Lumino's next frame.
    const size = (await firstSize(host, FIRST_SIZE_TIMEOUT_MS)) ?? config;
    if (destroyed) {
      throw new Error('applet destroyed while loading');
    }
    // A construction from an output or a restore never brings its JavaScript along.
    const construction = config.ggbBase64 ? await withoutScripts(config.ggbBase64) : null;
    if (destroyed) {
      throw new Error('applet destroyed while loading');
    }
    if (construction) {
      forgetPageInit();
    }
    const ctor = (window as unknown as { GGBApplet?: unknown }).GGBApplet;
    if (typeof ctor !== 'function') {
      const why = await probe(config.deployggbUrl);
      throw new LoadError(
        config.deployggbUrl,
        `${config.deployggbUrl} loaded but did not define GGBApplet` +
          (why ? ` (${why})` : '') +
          ": is it GeoGebra's deployggb.js?"
      );
    }
    // A wrong codebase used to show "Loading…" until the load timeout: probe the
    // script deployggb.js will load from it, and watch that script's error event.
    const codebaseFailed = config.html5Codebase
      ? codebaseCheck(config.html5Codebase)
      : null;
    stopCodebaseCheck = () => codebaseFailed?.stop();
    return new Promise<AppletApi>((resolve, reject) => {
      codebaseFailed?.promise.then(message => {
        if (timer !== undefined) {
          clearTimeout(timer);
        }
        reject(new LoadError(config.html5Codebase, message));
      });
      const settle = (): void => codebaseFailed?.stop();
      const params: Record<string, unknown> = {
        id,
        appName: config.appName,
        width: Math.max(1, Math.floor(size.width)),
        height: Math.max(1, Math.floor(size.height)),
        // Sizing (docs/architecture.md). GeoGebra scales the applet itself by default:
        // once started and on each window resize its frame applies a CSS transform
        // scale(min(1, (clientWidth - left - 30) / width, clientHeight / height)),
        // measured against the *window*, never the host, and not redone by setSize.
        // Measured on 5.0.745.0: built at 800x600 (the host was still display:none),
        // then setSize(631, 911), the applet showed at 506x730 (scale 641/800 = 0.80125)
        // in a 632x911 panel; built at the host's size, still at 0.96 when the panel
        // ends at the window's edge. ggbmagic sizes the applet to its host with setSize
        // (SizeFollower), so
        // GeoGebra's own scaling is off: the applet is always drawn at scale 1, with
        // real pixels, and mouse positions map 1:1. (scaleContainerClass would scale to
        // the host instead, but it zooms the fixed initial layout instead of giving the
        // graphics view the room, and needs allowUpscale to grow.)
        disableAutoScale: true,
        scale: 1,
        showToolBar: config.showToolBar,
        showMenuBar: config.showMenuBar,
        showAlgebraInput: config.showAlgebraInput,
        errorDialogsActive: false,
        showResetIcon: false,
        enableRightClick: true,
        // The notebook keeps the keyboard while the applet loads.
        preventFocus: true,
        // useBrowserForJS is GeoGebra's own switch (measured on 5.0.745.0): the file's
        // ggbOnInit and its objects' click/update JavaScript do not run, GGBScript still
        // does. Only for an applet built from a construction: it cannot be switched off
        // later, and a `--load --allow-javascript` in an applet started empty must work.
        ...(construction ? { ggbBase64: construction, useBrowserForJS: true } : {}),
        appletOnLoad: (api?: AppletApi) => {
          settle();
          if (timer !== undefined) {
            clearTimeout(timer);
          }
          // Older builds pass nothing; the API object is then only on window.
          const found =
            api ?? ((window as unknown as Record<string, unknown>)[id] as AppletApi);
          if (destroyed) {
            return;
          }
          if (!found) {
            reject(new LoadError(config.deployggbUrl, 'GeoGebra started without an API object'));
            return;
          }
          resolve(found);
        }
      };
      timer = setTimeout(() => {
        settle();
        reject(
          new LoadError(
            config.html5Codebase || config.deployggbUrl,
            `GeoGebra did not start within ${APPLET_LOAD_TIMEOUT_MS / 1000} s` +
              (config.html5Codebase
                ? ` (HTML5 codebase ${config.html5Codebase})`
                : ' (its HTML5 code comes from geogebra.org by default)')
          )
        );
      }, APPLET_LOAD_TIMEOUT_MS);
      try {
        const applet = new (ctor as GGBAppletCtor)(params, true);
        if (config.html5Codebase) {
          if (typeof applet.setHTML5Codebase !== 'function') {
            throw new Error('this deployggb.js has no setHTML5Codebase');
          }
          applet.setHTML5Codebase(config.html5Codebase);
        }
        applet.inject(target);
      } catch (err) {
        settle();
        clearTimeout(timer);
        reject(
          new LoadError(
            config.deployggbUrl,
            `GeoGebra could not be started: ${err instanceof Error ? err.message : String(err)}`
          )
        );
      }
    });
  })();

  return {
    id,
    element,
    appName: config.appName,
    ready,
    destroy: () => {
      if (destroyed) {
        return;
      }
      destroyed = true;
      stopCodebaseCheck();
      if (timer !== undefined) {
        clearTimeout(timer);
      }
      const api = (window as unknown as Record<string, unknown>)[id] as
        | AppletApi
        | undefined;
      if (api && typeof api.remove === 'function') {
        try {
          (api.remove as () => void)();
        } catch (err) {
          console.warn('ggbmagic: removing an old applet failed', err);
        }
      }
      element.remove();
      try {
        delete (window as unknown as Record<string, unknown>)[id];
      } catch {
        // A non-configurable global stays; harmless, the id is never reused.
      }
    }
  };
}
