/**
 * Where the browser finds a kernel's out-of-band relay. Pure.
 */
import { URLExt } from '@jupyterlab/coreutils';

/** The server extension's route, below the server's base URL. */
export const RELAY_PREFIX = ['ggbmagic', 'oob'];

/**
 * The relay WebSocket URL for one kernel.
 *
 * `wsUrl` is `ServerConnection.ISettings.wsUrl`, which already carries the server's
 * base URL (e.g. `ws://host/user/alice/`), so JupyterHub-style prefixes keep working.
 * Authenticated as JupyterLab's own kernel sockets are (`@jupyterlab/services`
 * KernelConnection): the token goes in the query string only when `appendToken` says so
 * (`ServerConnection.ISettings.appendToken`: outside a browser, or a WebSocket host other
 * than the page's). Otherwise the page's login cookie authenticates the upgrade, and the
 * token stays out of every URL, so out of the server's request log (issue 15: Tornado
 * logs the URI of each relay 404/502/503).
 *
 * @example relayUrl('ws://h/user/a/', 'k-1', 'secret', false) === 'ws://h/user/a/ggbmagic/oob/k-1'
 */
export function relayUrl(
  wsUrl: string,
  kernelId: string,
  token: string,
  appendToken: boolean
): string {
  const url = URLExt.join(wsUrl, ...RELAY_PREFIX, encodeURIComponent(kernelId));
  return appendToken && token ? `${url}?token=${encodeURIComponent(token)}` : url;
}

/**
 * `text` with every occurrence of `secret` (as given and URL-encoded) and every
 * `token=` query value replaced by `…`: for console lines, which must never show the
 * server token (a relay URL carries it; so may the message of a WebSocket error).
 *
 * @example redact('cannot open ws://h/x?token=abc', 'abc') === 'cannot open ws://h/x?token=…'
 */
export function redact(text: string, secret: string): string {
  let out = text.replace(/([?&]token=)[^&#\s'"]*/g, '$1…');
  if (secret) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join('…');
    }
  }
  return out;
}

/** The relay URL without its query string, safe for a console line. */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}
