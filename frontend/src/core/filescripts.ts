/**
 * JavaScript out of GeoGebra constructions, in the browser: the twin of the kernel's
 * `ggbmagic/files/scripts.py`, for the constructions that never pass the kernel (the
 * inline output of a saved notebook, the copy a reloaded page gets in hello). Both are
 * tested against the same table of cases (tests/unit/file_scripts_cases.json).
 *
 * GeoGebra runs a file's `geogebra_javascript.js` (ggbOnInit) and its objects'
 * `<javascript val=… onUpdate=…/>` scripts in this page, with the user's Jupyter
 * credentials (measured on 5.0.745.0, also for an applet built from `ggbBase64`). So
 * the member is dropped and the elements are cut out of every XML member; GeoGebra's
 * own script language (`<ggbscript …/>`) stays. Pure: no DOM, no JupyterLab; inflating
 * is injected (the browser's DecompressionStream by default) and bounded.
 */

/** Largest total unpacked size of the XML and script members read (the kernel's default). */
export const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

/** Why a construction was refused. */
export class FileScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileScriptError';
  }
}

// The same patterns as scripts.py (ASCII \w there too): a javascript element with
// quoted attribute values (a `>` inside a value is legal XML), `/>` or up to its end tag.
const NAME = '(?:[A-Za-z_][\\w.\\-]*:)?javascript';
const ATTR = `\\s+[^\\s=/>"']+\\s*=\\s*(?:"[^"]*"|'[^']*')`;
const JS_ELEMENT = new RegExp(
  `<${NAME}(?=[\\s/>])((?:${ATTR})*)\\s*(?:/>|>[\\s\\S]*?</${NAME}\\s*>|>)`,
  'gi'
);
const LEFTOVER = /<\s*\/?\s*(?:[\w.-]*:)?javascript\b/i;
const ENTITY = /<!ENTITY/i;
const ATTR_NAME = /([^\s=/>"']+)\s*=\s*(?:"[^"]*"|'[^']*')/g;
const ELEMENT_START = /<element\b(?:\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'))*/y;
const LABEL = /\slabel\s*=\s*(?:"([^"]*)"|'([^']*)')/;
/** What GeoGebra writes into every file: an empty ggbOnInit, harmless and kept. */
const EMPTY_INIT = /^\s*function\s+ggbOnInit\s*\(\s*\)\s*\{\s*\}\s*;?\s*$/;
const EVENTS: Record<string, string> = { val: 'on click', onupdate: 'on update' };

/** The label of the last `<element>` opened before `pos`: the script's object. */
function owner(xml: string, pos: number): string {
  let start = xml.lastIndexOf('<element', pos - 1);
  while (start >= 0) {
    ELEMENT_START.lastIndex = start;
    const m = ELEMENT_START.exec(xml);
    if (m) {
      const label = LABEL.exec(m[0]);
      const text = label ? (label[1] ?? label[2] ?? '') : '';
      return text.slice(0, 40) || 'an object';
    }
    start = start > 0 ? xml.lastIndexOf('<element', start - 1) : -1;
  }
  return 'the construction';
}

/** `xml` without its JavaScript elements, and what was removed; throws when they
 * cannot be removed safely (entity declarations, a javascript tag not recognised). */
export function stripXml(xml: string, where = 'this XML'): { xml: string; removed: string[] } {
  if (ENTITY.test(xml)) {
    throw new FileScriptError(`${where} declares XML entities, which GeoGebra files never do`);
  }
  const removed: string[] = [];
  const out = xml.replace(JS_ELEMENT, (_match: string, attrs: string, offset: number) => {
    const events = Array.from(attrs.matchAll(ATTR_NAME), a => EVENTS[a[1].toLowerCase()] ?? a[1]);
    removed.push(
      `JavaScript of ${owner(xml, offset)}` + (events.length ? ` (${events.join(', ')})` : '')
    );
    return '';
  });
  if (LEFTOVER.test(out)) {
    throw new FileScriptError(`${where} holds a JavaScript element that cannot be removed safely`);
  }
  return { xml: out, removed };
}

/** Whether a zip member is (or could be taken for) the file's global JavaScript. */
export function isJavascriptMember(name: string): boolean {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  return base.toLowerCase().endsWith('javascript.js');
}

/** Inflates raw deflate data, failing past `limit` bytes. */
export type Inflate = (data: Uint8Array, limit: number) => Promise<Uint8Array>;

/** The browser's (and Node's) DecompressionStream, stopped once past the limit. */
export const streamInflate: Inflate = async (data, limit) => {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new FileScriptError(`the construction unpacks to more than ${limit} bytes`);
    }
    parts.push(value);
  }
  return concat(parts, total);
};

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface Member {
  name: string;
  method: number;
  crc: number;
  /** The member's data as stored (compressed or not). */
  raw: Uint8Array;
  size: number;
}

/** The members of a zip archive, read from its central directory. Throws on anything
 * a GeoGebra file does not use (zip64, encryption, other compression methods). */
export function readZip(bytes: Uint8Array): Member[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): never => {
    throw new FileScriptError(`not a GeoGebra file (${why})`);
  };
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 65557); p--) {
    if (dv.getUint32(p, true) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) {
    bad('no zip directory');
  }
  const count = dv.getUint16(eocd + 10, true);
  let p = dv.getUint32(eocd + 16, true);
  const names = new TextDecoder('utf-8');
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50) {
      bad('a damaged zip directory');
    }
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    const compressed = dv.getUint32(p + 20, true);
    const size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const local = dv.getUint32(p + 42, true);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) {
      bad(`${name.slice(0, 60)} is encrypted`);
    }
    if (method !== 0 && method !== 8) {
      bad(`${name.slice(0, 60)} uses compression method ${method}`);
    }
    if (compressed === 0xffffffff || size === 0xffffffff || local === 0xffffffff) {
      bad('zip64');
    }
    if (local + 30 > bytes.length || dv.getUint32(local, true) !== 0x04034b50) {
      bad('a damaged zip member');
    }
    const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    if (start + compressed > bytes.length) {
      bad('a truncated zip member');
    }
    members.push({ name, method, crc, size, raw: bytes.subarray(start, start + compressed) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return members;
}

let crcTable: Uint32Array | null = null;

export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) {
        c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of `members`, each kept as it was stored (GeoGebra reads both methods;
 * measured: a stored geogebra.xml loads on 5.0.745.0). */
export function writeZip(members: Member[]): Uint8Array {
  const enc = new TextEncoder();
  const names = members.map(m => enc.encode(m.name));
  const localSize = members.reduce((s, m, i) => s + 30 + names[i].length + m.raw.length, 0);
  const dirSize = names.reduce((s, n) => s + 46 + n.length, 0);
  const out = new Uint8Array(localSize + dirSize + 22);
  const dv = new DataView(out.buffer);
  let p = 0;
  const offsets: number[] = [];
  members.forEach((m, i) => {
    offsets.push(p);
    dv.setUint32(p, 0x04034b50, true);
    dv.setUint16(p + 4, 20, true);
    dv.setUint16(p + 6, 0x0800, true); // UTF-8 names
    dv.setUint16(p + 8, m.method, true);
    dv.setUint32(p + 14, m.crc, true);
    dv.setUint32(p + 18, m.raw.length, true);
    dv.setUint32(p + 22, m.size, true);
    dv.setUint16(p + 26, names[i].length, true);
    out.set(names[i], p + 30);
    out.set(m.raw, p + 30 + names[i].length);
    p += 30 + names[i].length + m.raw.length;
  });
  const dirStart = p;
  members.forEach((m, i) => {
    dv.setUint32(p, 0x02014b50, true);
    dv.setUint16(p + 4, 20, true);
    dv.setUint16(p + 6, 20, true);
    dv.setUint16(p + 8, 0x0800, true);
    dv.setUint16(p + 10, m.method, true);
    dv.setUint32(p + 16, m.crc, true);
    dv.setUint32(p + 20, m.raw.length, true);
    dv.setUint32(p + 24, m.size, true);
    dv.setUint16(p + 28, names[i].length, true);
    dv.setUint32(p + 42, offsets[i], true);
    out.set(names[i], p + 46);
    p += 46 + names[i].length;
  });
  dv.setUint32(p, 0x06054b50, true);
  dv.setUint16(p + 8, members.length, true);
  dv.setUint16(p + 10, members.length, true);
  dv.setUint32(p + 12, p - dirStart, true);
  dv.setUint32(p + 16, dirStart, true);
  return out;
}

/** What `stripGgb` made of a construction. */
export interface Stripped {
  /** The construction to hand GeoGebra (the same bytes when nothing was removed). */
  bytes: Uint8Array;
  /** What was removed, e.g. "geogebra_javascript.js (ggbOnInit)", "JavaScript of A (on click)". */
  removed: string[];
}

/** A .ggb without its JavaScript. Only the XML and script members are unpacked (the
 * total bounded by `limit`); the others are copied as they are stored. */
export async function stripGgb(
  bytes: Uint8Array,
  inflate: Inflate = streamInflate,
  limit = MAX_UNPACKED_BYTES
): Promise<Stripped> {
  const members = readZip(bytes);
  const utf8 = new TextDecoder('utf-8');
  const removed: string[] = [];
  const kept: Member[] = [];
  let changed = false;
  let budget = limit;
  const text = async (m: Member): Promise<string> => {
    if (m.size > budget) {
      throw new FileScriptError(`the construction unpacks to more than ${limit} bytes`);
    }
    const data = m.method === 0 ? m.raw : await inflate(m.raw, budget);
    budget -= data.length;
    return utf8.decode(data);
  };
  for (const m of members) {
    if (isJavascriptMember(m.name)) {
      if (EMPTY_INIT.test(await text(m))) {
        kept.push(m);
      } else {
        changed = true;
        removed.push(`${m.name.slice(0, 60)} (ggbOnInit)`);
      }
      continue;
    }
    if (m.name.toLowerCase().endsWith('.xml')) {
      const xml = await text(m);
      const out = stripXml(xml, m.name.slice(0, 60));
      if (out.removed.length || out.xml !== xml) {
        changed = true;
        removed.push(...out.removed);
        const raw = new TextEncoder().encode(out.xml);
        kept.push({ name: m.name, method: 0, crc: crc32(raw), raw, size: raw.length });
        continue;
      }
    }
    kept.push(m);
  }
  return changed ? { bytes: writeZip(kept), removed } : { bytes, removed };
}

/** The bytes of a base64 text (atob: the browser's and Node's). */
export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    out[i] = bin.charCodeAt(i);
  }
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    bin += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(bin);
}

/** A base64 construction without its JavaScript, as base64; the same text when there
 * was none. Throws FileScriptError for one that is too large or not a GeoGebra file. */
export async function stripGgbBase64(
  text: string,
  inflate: Inflate = streamInflate,
  limit = MAX_UNPACKED_BYTES
): Promise<{ base64: string; removed: string[] }> {
  if (text.length > ((limit + 2) / 3) * 4 + 4096) {
    throw new FileScriptError(`the construction is larger than ${limit} bytes`);
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text);
  } catch {
    throw new FileScriptError('the construction is not base64');
  }
  const out = await stripGgb(bytes, inflate, limit);
  const same = out.bytes === bytes;
  return { base64: same ? text : toBase64(out.bytes), removed: out.removed };
}
