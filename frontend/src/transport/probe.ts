/**
 * Can the Jupyter server's relay reach this kernel? A plain HTTP GET of the relay's
 * URL answers without a WebSocket (ggbmagic/server.py): 200 when the relay reached the
 * kernel's listener (400 from servers before 0.2, tornado's answer to a GET without an
 * upgrade), else the status and a JSON reason. A kernel behind a gateway has no local connection file on the server:
 * the relay can never reach it, and the ladder takes a comm instead.
 */
import { URLExt } from '@jupyterlab/coreutils';

import { RELAY_PREFIX } from '../urls';

export interface RelayVerdict {
  /** The relay reaches the kernel's listener. */
  readonly reachable: boolean;
  /** Retrying cannot help until the kernel says hello again (a remote kernel). */
  readonly final: boolean;
  /** Why not, for `%ggb --doctor` ("" when reachable). */
  readonly reason: string;
}

/**
 * The verdict of one probe answer. Pure.
 *
 * @example relayVerdict(200, '{"reachable": true}').reachable === true
 * @example relayVerdict(503, '{"message": "… no local connection file"}').final === true
 */
export function relayVerdict(status: number, body: string): RelayVerdict {
  if (status === 200 || status === 400) {
    return { reachable: true, final: false, reason: '' };
  }
  let message = '';
  try {
    const data = JSON.parse(body) as { message?: unknown };
    message = typeof data?.message === 'string' ? data.message : '';
  } catch {
    message = '';
  }
  const shown = message.slice(0, 200);
  if (status === 503 && /no local connection file/.test(message)) {
    return {
      reachable: false,
      final: true,
      reason: `the Jupyter server does not run this kernel (HTTP 503: ${shown}): a remote kernel, e.g. behind a kernel gateway`
    };
  }
  if (status === 404) {
    return {
      reachable: false,
      final: true,
      reason: `HTTP 404${shown ? `: ${shown}` : ''} (is the ggbmagic server extension enabled? \`jupyter server extension list\`)`
    };
  }
  if (status === 403) {
    return { reachable: false, final: true, reason: `HTTP 403: ${shown || 'refused'}` };
  }
  if (status === 0) {
    return { reachable: false, final: false, reason: 'the relay did not answer (network error)' };
  }
  // Anything else (503 "not loaded" while a socket file is missing, 502, 504) may pass:
  // the relay keeps reconnecting while a comm link answers meanwhile.
  return { reachable: false, final: false, reason: `HTTP ${status}${shown ? `: ${shown}` : ''}` };
}

/** The relay's HTTP URL for `kernelId` below the server's `baseUrl`. Pure. */
export function probeUrl(baseUrl: string, kernelId: string): string {
  return URLExt.join(baseUrl, ...RELAY_PREFIX, encodeURIComponent(kernelId));
}

/** Ask the relay (never throws). */
export async function probeRelay(
  baseUrl: string,
  kernelId: string,
  token: string
): Promise<RelayVerdict> {
  try {
    const response = await fetch(probeUrl(baseUrl, kernelId), {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: token ? { Authorization: `token ${token}` } : {}
    });
    return relayVerdict(response.status, await response.text());
  } catch (err) {
    return relayVerdict(0, String(err));
  }
}
