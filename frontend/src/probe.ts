/**
 * Why a GeoGebra URL failed to load, said within seconds (issue 21): the HTML5 codebase
 * script deployggb.js will load, a probe of a URL that tells HTTP status and content
 * type, and a watch for script load errors under the codebase. The settings are the
 * user's own URLs, so what came back is named precisely.
 */

/** GeoGebra's module folders (deployggb.js, 5.0.745.0: `var modules = [...]`). */
export const GEOGEBRA_MODULES = ['web', 'webSimple', 'web3d', 'tablet', 'tablet3d', 'phone'];

/**
 * The script deployggb.js loads from `codebase`: `<folder>.nocache.js` when the
 * codebase ends in a module folder, else `web.nocache.js` (as deployggb.js does). Pure.
 */
export function codebaseScript(codebase: string): string {
  const base = codebase.endsWith('/') ? codebase : `${codebase}/`;
  const folders = base.split('/');
  const folder = folders[folders.length - 2] ?? '';
  const script = GEOGEBRA_MODULES.includes(folder) ? `${folder}.nocache.js` : 'web.nocache.js';
  return base + script;
}

/** What a fetch gave, reduced to what the verdict needs (testable without a network). */
export interface Answer {
  ok: boolean;
  status: number;
  statusText: string;
  contentType: string;
}

/**
 * What is wrong with the answer to a script URL, or null when it looks like JavaScript.
 * Pure.
 */
export function verdict(answer: Answer): string | null {
  if (!answer.ok) {
    const text = answer.statusText ? ` ${answer.statusText}` : '';
    return `it answered HTTP ${answer.status}${text}`;
  }
  const type = answer.contentType.split(';')[0].trim().toLowerCase();
  if (type && !/javascript|ecmascript|^text\/plain$|^application\/octet-stream$/.test(type)) {
    return `it answered HTTP ${answer.status} with ${type}, not JavaScript`;
  }
  return null;
}

/** How long a probe may take before it says nothing (the load itself goes on). */
export const PROBE_TIMEOUT_MS = 10000;

/**
 * Fetch `url` and say what is wrong with it, or null when it looks fine or cannot be
 * told: a cross-origin server without CORS fails `fetch` although a script tag would
 * load it, so a network error here alone proves nothing (the script's own error event
 * does, see watchScriptErrors).
 */
export async function probe(
  url: string,
  fetchFn: typeof fetch = fetch,
  timeoutMs = PROBE_TIMEOUT_MS
): Promise<string | null> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetchFn(url, { cache: 'no-store', signal: abort.signal });
    const answer: Answer = {
      ok: response.ok,
      status: response.status,
      statusText: response.statusText,
      contentType: response.headers.get('content-type') ?? ''
    };
    abort.abort(); // the body is not needed
    return verdict(answer);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Call `onError(src)` when a script whose URL starts with `prefix` fails to load
 * (resource errors do not bubble, so the document listens in the capture phase).
 * Returns the function that stops watching.
 */
export function watchScriptErrors(prefix: string, onError: (src: string) => void): () => void {
  const listener = (event: Event): void => {
    const target = event.target;
    if (target instanceof HTMLScriptElement && target.src.startsWith(prefix)) {
      onError(target.src);
    }
  };
  document.addEventListener('error', listener, true);
  return () => document.removeEventListener('error', listener, true);
}
