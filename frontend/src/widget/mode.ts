/**
 * Which way the widget's answers go back to the kernel (docs/architecture.md, "The
 * widget"). Pure.
 *
 * * `loopback`: a WebSocket straight to the kernel's listener on 127.0.0.1, which the
 *   kernel reads on its own thread, so answers arrive while a cell runs. Only tried
 *   when the page itself comes from this machine (a local marimo, JupyterLab or VS
 *   Code): a page served from elsewhere would reach the *viewer's* machine, not the
 *   kernel's, and would hand the token to whatever listens there.
 * * `after-the-cell`: the widget's own custom messages (anywidget `model.send`), which
 *   every frontend delivers, but only between cells.
 */
export type LinkMode = 'connecting' | 'loopback' | 'after-the-cell';

/** Host names that name this machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether a page at `origin` may try the loopback socket: http(s) on a loopback host,
 * or a VS Code webview (VS Code runs its kernels on the machine it runs on unless a
 * remote is used, in which case the socket is refused and the widget falls back).
 */
export function loopbackAllowed(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol === 'vscode-webview:') {
    return true;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost');
}

/** The loopback listener's URL, or null for a port that cannot be one. */
export function loopbackUrl(port: unknown): string | null {
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port >= 65536) {
    return null;
  }
  return `ws://127.0.0.1:${port}/`;
}
