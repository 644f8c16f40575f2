/**
 * ggbmagic's mime renderer extension: `application/vnd.ggbmagic.applet+json` outputs
 * become the live applet (inline.ts). Registered for trusted outputs only; elsewhere
 * the output's image/png shows.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';

import { InlineView, MIME_TYPE } from './inline';

export const rendererFactory: IRenderMime.IRendererFactory = {
  // The applet runs GeoGebra's JavaScript: only for outputs the user trusts.
  safe: false,
  mimeTypes: [MIME_TYPE],
  // Before image/png (rank 90) and text/plain: the live applet wins where it can run.
  defaultRank: 10,
  createRenderer: () => new InlineView()
};

const extension: IRenderMime.IExtension = {
  id: 'ggbmagic:inline-applet',
  description: 'The GeoGebra applet inline in a cell output (%ggb --open --inline).',
  rendererFactory,
  rank: 10,
  dataType: 'json'
};

export default extension;
