/**
 * Which GeoGebra a widget loads when its Python side names none: the bundle this page's
 * Jupyter server serves (`jupyter ggbmagic geogebra install`), as the panel does, so a
 * widget in an offline classroom's JupyterLab never reaches geogebra.org. Outside a
 * Jupyter page (marimo, VS Code) there is no such server and nothing is asked.
 */
import { chooseGeoGebra, DEFAULT_SETTINGS, parseServed, ServedGeoGebra } from '../host';
import type { AppletConfig } from '../loader';

/** How long a widget waits for the server's list before it loads from its settings. */
export const SERVED_TIMEOUT_MS = 3000;

/** The page's Jupyter server (JupyterLab and Notebook 7 embed `#jupyter-config-data`). */
export function jupyterServerOf(doc: Document): { baseUrl: string; token: string } | null {
  return parsePageConfig(doc.getElementById('jupyter-config-data')?.textContent, doc.location.href);
}

/** The server in a page's config text, relative to the page's URL; null if none. Pure. */
export function parsePageConfig(
  text: string | null | undefined,
  pageHref: string
): { baseUrl: string; token: string } | null {
  if (!text) {
    return null;
  }
  try {
    const data = JSON.parse(text) as { baseUrl?: unknown; token?: unknown } | null;
    if (typeof data?.baseUrl !== 'string') {
      return null;
    }
    const base = new URL(data.baseUrl, pageHref).href;
    return {
      baseUrl: base.endsWith('/') ? base : `${base}/`,
      token: typeof data.token === 'string' ? data.token : ''
    };
  } catch {
    return null; // not JSON, or not a URL: not a page we know
  }
}

/** `GET <base_url>ggbmagic/geogebra` with the page's credentials; [] on any failure. */
export async function fetchServed(
  server: { baseUrl: string; token: string },
  fetchFn: typeof fetch = fetch,
  timeoutMs = SERVED_TIMEOUT_MS
): Promise<ServedGeoGebra[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    // The token goes in a header, as JupyterLab's own requests send it; never in a URL.
    const headers: Record<string, string> = server.token ? { Authorization: `token ${server.token}` } : {};
    const resp = await fetchFn(new URL('ggbmagic/geogebra', server.baseUrl).href, {
      cache: 'no-store',
      credentials: 'same-origin',
      headers,
      signal: abort.signal
    });
    return resp.ok ? parseServed(await resp.json(), server.baseUrl) : [];
  } catch {
    return []; // no server extension, offline, or too slow: the settings decide
  } finally {
    clearTimeout(timer);
  }
}

/** *config* with the served bundle in place of the defaults (host.ts `chooseGeoGebra`). */
export function withServed(config: AppletConfig, served: ServedGeoGebra[]): AppletConfig {
  const chosen = chooseGeoGebra(
    { ...DEFAULT_SETTINGS, deployggbUrl: config.deployggbUrl, html5Codebase: config.html5Codebase },
    served
  );
  return { ...config, ...chosen };
}
