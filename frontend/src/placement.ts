/**
 * Where the GeoGebra panel goes in the host application, beside the notebook:
 *
 * * JupyterLab: its main area, split to the right of the notebook;
 * * Notebook 7 (one document per page, `add(…, 'main')` silently refuses a second
 *   widget): its right side area, widened so that notebook and applet share the page;
 * * anything else: nowhere, and the caller says so (the kernel's cell then tells the
 *   user to use the inline applet) instead of waiting for an applet nobody can see.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { Widget } from '@lumino/widgets';

export interface PlaceResult {
  placed: boolean;
  /** The shell area used ('main' or 'right'). */
  area?: string;
  /** Why it could not be placed (shown to the user by the kernel). */
  message?: string;
}

/**
 * Relative sizes of [left area, notebook, right area] that give the panel about 45 %
 * of the page. A hidden left area's share goes to the notebook (measured on 7.6).
 */
const SIDE_SIZES_LEFT_HIDDEN = [0.5, 0.75, 1];
const SIDE_SIZES_LEFT_SHOWN = [1, 1.25, 1];

/** Put `panel` beside the notebook widget `refId`, without taking the keyboard. */
export function placeBeside(
  shell: JupyterFrontEnd.IShell,
  panel: Widget,
  refId: string | undefined,
  appName: string
): PlaceResult {
  tryAdd(shell, panel, 'main', { mode: 'split-right', ref: refId, activate: false });
  if (panel.isAttached && !inSideArea(shell, panel)) {
    return { placed: true, area: 'main' };
  }
  tryAdd(shell, panel, 'right', { rank: 1000 });
  if (panel.isAttached) {
    widenSideArea(shell);
    reveal(shell, panel);
    return { placed: true, area: 'right' };
  }
  return {
    placed: false,
    message: `${appName || 'this application'} has no main or right side area for it`
  };
}

/** Bring a placed panel into view (expands a collapsed side area). */
export function reveal(shell: JupyterFrontEnd.IShell, panel: Widget): void {
  if (panel.isAttached) {
    // Lumino's default activate request does not move the focus: the notebook keeps it.
    shell.activateById(panel.id);
  }
}

function tryAdd(
  shell: JupyterFrontEnd.IShell,
  panel: Widget,
  area: string,
  options: Record<string, unknown>
): void {
  try {
    (shell.add as (w: Widget, a: string, o: Record<string, unknown>) => void)(panel, area, options);
  } catch (err) {
    console.warn(`ggbmagic: the shell refused the panel in its ${area} area`, err);
  }
}

function inSideArea(shell: JupyterFrontEnd.IShell, panel: Widget): boolean {
  const area = (shell as { getWidgetArea?: (id: string) => string | null }).getWidgetArea;
  if (typeof area !== 'function') {
    return false;
  }
  const where = area.call(shell, panel.id);
  return where === 'left' || where === 'right';
}

/**
 * Notebook 7 opens side areas at a fifth of the page, too narrow for GeoGebra's
 * toolbar; its split panel (the right area's parent) takes relative sizes.
 */
function widenSideArea(shell: JupyterFrontEnd.IShell): void {
  const handler = (shell as { rightHandler?: { panel?: Widget } }).rightHandler;
  const split = handler?.panel?.parent as
    | (Widget & { setRelativeSizes?: (sizes: number[]) => void; widgets?: readonly Widget[] })
    | null
    | undefined;
  const widgets = split?.widgets;
  if (split && typeof split.setRelativeSizes === 'function' && widgets?.length === 3) {
    try {
      split.setRelativeSizes(widgets[0].isVisible ? SIDE_SIZES_LEFT_SHOWN : SIDE_SIZES_LEFT_HIDDEN);
    } catch (err) {
      console.warn('ggbmagic: could not widen the side area', err);
    }
  }
}
