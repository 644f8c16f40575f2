/**
 * What a kernel's bridge needs from JupyterLab (index.ts provides it), the user's
 * settings, and the applet configuration they give together with the kernel's wishes.
 */
import type { Kernel } from '@jupyterlab/services';

import type { AppletConfig } from './loader';
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
  /** `serverSettings.wsUrl`, `.baseUrl` and `.token` of the kernel connection. */
  server(): { wsUrl: string; baseUrl: string; token: string };
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
  ggbBase64: string | null
): AppletConfig {
  const size = viewSize ?? {
    width: o.width ?? DEFAULT_SIZE.width,
    height: o.height ?? DEFAULT_SIZE.height
  };
  return {
    deployggbUrl: s.deployggbUrl || DEFAULT_SETTINGS.deployggbUrl,
    html5Codebase: s.html5Codebase,
    appName: o.appName || s.appName || DEFAULT_SETTINGS.appName,
    width: size.width,
    height: size.height,
    showToolBar: o.showToolBar ?? s.showToolBar,
    showMenuBar: o.showMenuBar ?? s.showMenuBar,
    showAlgebraInput: o.showAlgebraInput ?? s.showAlgebraInput,
    ggbBase64: ggbBase64 ?? undefined
  };
}
