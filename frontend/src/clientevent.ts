/**
 * What GeoGebra's listeners hand us, turned into protocol event fields. Pure.
 *
 * `registerClientListener` passes a JavaScript array that also carries named fields,
 * measured on GeoGebra 5.0.745.0:
 *   updateStyle   {0: 'updateStyle', 1: 'A', 2: 'A', type, target, argument}
 *   deleteGeos    {0: 'deleteGeos', 1: 'f', 2: 'g', …, type, targets: ['f', 'g', …]}
 *   viewChanged2D {0: 'viewChanged2D', 1: '', type, xZero, yZero, scale, yscale, viewNo}
 * The index keys repeat the named fields, so only the named ones are kept.
 */

export interface ClientEventFields {
  type: string;
  target: string | null;
  argument: unknown;
  targets?: string[];
  fields?: Record<string, unknown>;
}

const NAMED = new Set(['type', 'target', 'targets', 'argument']);
const INDEX = /^(0|[1-9][0-9]*)$/;

function asName(value: unknown): string | null {
  if (value === undefined || value === null || value === '') {
    return null;
  }
  return typeof value === 'string' ? value : String(value);
}

/** Normalize one client event; null for something that is not an event object. */
export function normalizeClientEvent(raw: unknown): ClientEventFields | null {
  if (raw === null || typeof raw !== 'object') {
    return null;
  }
  const e = raw as Record<string, unknown>;
  // An array with no named `type` (an older build) still has the type at index 0.
  const type = asName(e.type ?? (Array.isArray(raw) ? raw[0] : undefined));
  if (type === null) {
    return null;
  }
  const out: ClientEventFields = {
    type,
    target: asName(e.target),
    argument: e.argument === undefined ? null : e.argument
  };
  if (Array.isArray(e.targets)) {
    out.targets = e.targets.map(t => String(t));
  }
  const fields: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(e)) {
    if (NAMED.has(key) || INDEX.test(key)) {
      continue;
    }
    const value = e[key];
    if (typeof value === 'function' || value === undefined) {
      continue;
    }
    fields[key] = value;
    any = true;
  }
  if (any) {
    out.fields = fields;
  }
  return out;
}

/** The object names an event concerns (its target and targets). */
export function namesOf(event: { target: string | null; targets?: string[] }): string[] {
  const names = event.targets ? [...event.targets] : [];
  if (event.target !== null && !names.includes(event.target)) {
    names.unshift(event.target);
  }
  return names;
}
