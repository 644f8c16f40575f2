/**
 * What a kernel's bridge needs from JupyterLab (index.ts provides it), the user's
 * settings, and the applet configuration they give together with the kernel's wishes.
 */
import type { Kernel } from '@jupyterlab/services';

import type { AppletConfig, GeoGebraSource } from './loader';
import type { GeoGebraPanel, Size } from './panel';
import type { PlaceResult } from './placement';
import type * as P from './protocol';

/** The user's settings (schema/plugin.json). */
export interface GgbSettings {
  deployggbUrl: string;
  html5Codebase: string;
  appName: string;
  showToolBar: boolean;
  showMenuBar: boolean;
  showAlgebraInput: boolean;
  /** Where the applet is shown unless the kernel says: beside the notebook or inline. */
  placement: P.Placement;
}

export const DEFAULT_SETTINGS: GgbSettings = {
  deployggbUrl: 'https://www.geogebra.org/apps/deployggb.js',
  html5Codebase: '',
  appName: 'classic',
  showToolBar: true,
  showMenuBar: false,
  showAlgebraInput: true,
  placement: 'panel'
};

/** What the bridge needs from JupyterLab; index.ts provides it. */
export interface BridgeHost {
  /** `serverSettings.wsUrl`, `.baseUrl`, `.token` and `.appendToken` of the kernel connection. */
  server(): { wsUrl: string; baseUrl: string; token: string; appendToken: boolean };
  /** A live connection to the kernel (the comm links of transport/), or null. */
  kernel(kernelId: string): Kernel.IKernelConnection | null;
  settings(): GgbSettings;
  /** Resolves once the settings registry has answered (or failed). */
  readonly settingsLoaded: Promise<void>;
  /** The name of the notebook this kernel belongs to, for the panel title. */
  notebookName(kernelId: string): string;
  /** Add a new panel to the shell beside the kernel's notebook, if the shell has room. */
  place(panel: GeoGebraPanel, kernelId: string): PlaceResult;
  /** Bring an existing panel to the front. */
  reveal(panel: GeoGebraPanel): void;
  /**
   * The GeoGebra bundles the Jupyter server serves itself (`jupyter ggbmagic geogebra
   * install`), newest first; empty when none is installed or the list is not known.
   */
  installedGeoGebra?(): ServedGeoGebra[];
}

/** One installed GeoGebra, as `GET <base_url>ggbmagic/geogebra` lists it. */
export interface ServedGeoGebra {
  version: string;
  modules: string[];
  /** Absolute URL of the version's folder, ending in `/`. */
  url: string;
}

/** Which module of a bundle the panel uses: the fullest one installed. */
export const MODULE_PREFERENCE = ['web3d', 'web', 'webSimple'];

/**
 * The settings' URLs unless they are the defaults and the server has a bundle: then
 * the newest installed version, same origin (no CORS, no internet).
 */
export function chooseGeoGebra(
  s: GgbSettings,
  served: ServedGeoGebra[]
): { deployggbUrl: string; html5Codebase: string; source: GeoGebraSource } {
  const deploy = s.deployggbUrl || DEFAULT_SETTINGS.deployggbUrl;
  const isDefault = deploy === DEFAULT_SETTINGS.deployggbUrl && !s.html5Codebase;
  const best = served.find(g => g.modules.length > 0);
  if (isDefault && best) {
    const module =
      MODULE_PREFERENCE.find(m => best.modules.includes(m)) ?? best.modules[0];
    return {
      deployggbUrl: `${best.url}deployggb.js`,
      html5Codebase: `${best.url}HTML5/5.0/${module}/`,
      source: { where: 'server', version: best.version, module }
    };
  }
  const module = /\/HTML5\/[^/]+\/([A-Za-z0-9_]+)\/?$/.exec(s.html5Codebase)?.[1] ?? '';
  // A codebase alone names the HTML5 code, not deployggb.js; with a bundle installed the
  // loader comes from this server too, so an offline classroom never reaches geogebra.org.
  const deployIsDefault = deploy === DEFAULT_SETTINGS.deployggbUrl;
  return {
    deployggbUrl: deployIsDefault && best ? `${best.url}deployggb.js` : deploy,
    html5Codebase: s.html5Codebase,
    source: { where: isDefault ? 'geogebra.org' : 'settings', version: '', module }
  };
}

/** "GeoGebra 5.0.745.0 (webSimple) from this Jupyter server", for the status line. */
export function describeSource(c: AppletConfig): string {
  const src = c.source;
  if (!src || src.where !== 'server') {
    return `GeoGebra from ${c.html5Codebase || c.deployggbUrl}`;
  }
  const module = src.module ? ` (${src.module})` : '';
  return `GeoGebra ${src.version}${module} from this Jupyter server`;
}

/** Parse the server's list; anything malformed counts as nothing installed. */
export function parseServed(body: unknown, baseUrl: string): ServedGeoGebra[] {
  const list = (body as { installed?: unknown } | null)?.installed;
  if (!Array.isArray(list)) {
    return [];
  }
  const out: ServedGeoGebra[] = [];
  for (const item of list) {
    const g = item as { version?: unknown; modules?: unknown; path?: unknown };
    if (
      typeof g.version === 'string' &&
      /^[0-9]+(\.[0-9]+){1,3}$/.test(g.version) &&
      typeof g.path === 'string' &&
      g.path === `ggbmagic/geogebra/${g.version}/` &&
      Array.isArray(g.modules) &&
      g.modules.every(m => typeof m === 'string' && /^[A-Za-z][A-Za-z0-9_]*$/.test(m))
    ) {
      const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
      out.push({ version: g.version, modules: g.modules as string[], url: base + g.path });
    }
  }
  return out;
}

const DEFAULT_SIZE: Size = { width: 800, height: 600 };

/**
 * The applet's configuration: the kernel's `app` options over the user's settings.
 * `viewSize` is the size of the view that shows it, null while hidden (then the
 * kernel's width/height count).
 */
export function appletConfig(
  s: GgbSettings,
  o: P.AppOptions,
  viewSize: Size | null,
  ggbBase64: string | null,
  served: ServedGeoGebra[] = []
): AppletConfig {
  const size = viewSize ?? {
    width: o.width ?? DEFAULT_SIZE.width,
    height: o.height ?? DEFAULT_SIZE.height
  };
  const which = chooseGeoGebra(s, served);
  return {
    deployggbUrl: which.deployggbUrl,
    html5Codebase: which.html5Codebase,
    source: which.source,
    appName: o.appName || s.appName || DEFAULT_SETTINGS.appName,
    width: size.width,
    height: size.height,
    showToolBar: o.showToolBar ?? s.showToolBar,
    showMenuBar: o.showMenuBar ?? s.showMenuBar,
    showAlgebraInput: o.showAlgebraInput ?? s.showAlgebraInput,
    ggbBase64: ggbBase64 ?? undefined
  };
}
