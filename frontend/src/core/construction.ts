/**
 * Which construction a new applet starts from, and which app an applet really is —
 * pure (no JupyterLab, no DOM), tested from tables of cases
 * (docs/architecture.md, "Keeping the construction").
 *
 * The kernel keeps the notebook's authoritative copy; the browser hands every applet it
 * builds the freshest construction it knows:
 *
 * 1. `carried`: taken from the live applet just before it was destroyed (the panel
 *    closed, another app) — nothing is newer;
 * 2. `kernel`: the kernel's copy, from its last `hello`, `open` or inline update;
 * 3. `saved`: only for the first applet of a page (a reopened notebook before its kernel
 *    has a copy): the newest saved inline output's.
 *
 * This is the one place a restored construction is chosen, so anything that must be
 * done to a restore (checked, cleaned) can be done here.
 */

export type RestoreSource = 'carried' | 'kernel' | 'saved';

export interface RestoreChoice {
  b64: string | null;
  from: RestoreSource | null;
}

export interface RestoreCandidates {
  carried: string | null;
  kernel: string | null;
  /** No applet was built on this page yet. */
  firstBuild: boolean;
  /** The saved inline outputs' constructions, oldest first. */
  saved: readonly (string | null)[];
}

export function chooseRestore(c: RestoreCandidates): RestoreChoice {
  if (c.carried) {
    return { b64: c.carried, from: 'carried' };
  }
  if (c.kernel) {
    return { b64: c.kernel, from: 'kernel' };
  }
  if (c.firstBuild) {
    const saved = c.saved.filter((b): b is string => !!b);
    if (saved.length > 0) {
      return { b64: saved[saved.length - 1], from: 'saved' };
    }
  }
  return { b64: null, from: null };
}

/** The `app` attribute of a construction's `<geogebra …>` root element, if any. */
export function appOfXml(xml: string): string | null {
  const root = /<geogebra\b[^>]*>/.exec(xml.slice(0, 4096));
  if (!root) {
    return null;
  }
  const app = /\sapp="([^"]*)"/.exec(root[0]);
  return app && app[1] ? app[1] : null;
}

/**
 * The app an applet built for `requested` really is. GeoGebra writes its app into its
 * file's root element; measured on GeoGebra 5.0.745.0 (module webSimple): every appName
 * (classic, graphing, geometry, 3d, notes) builds `app="classic"`, with no 3D view.
 * A 3D view counts as the 3d app whatever the attribute says. Without an answer the
 * requested app is taken at its word.
 */
export function builtApp(requested: string, xml: string | null): string {
  if (xml === null) {
    return requested;
  }
  if (requested === '3d' && /<euclidianView3D\b/.test(xml)) {
    return '3d';
  }
  return appOfXml(xml) ?? requested;
}
