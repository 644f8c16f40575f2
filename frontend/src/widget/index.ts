/**
 * The anywidget entry point (bundled by esbuild into ggbmagic/widget/static/widget.js):
 * one WidgetShell per model, made in `initialize`, shown by every `render`.
 */
import type { AnyModel } from './model';
import { WidgetShell } from './shell';

const shells = new WeakMap<AnyModel, WidgetShell>();

function shellOf(model: AnyModel): WidgetShell {
  let shell = shells.get(model);
  if (!shell) {
    shell = new WidgetShell(model);
    shells.set(model, shell);
  }
  return shell;
}

export default {
  initialize({ model }: { model: AnyModel }): () => void {
    shellOf(model);
    return () => {
      shells.get(model)?.dispose();
      shells.delete(model);
    };
  },
  render({ model, el }: { model: AnyModel; el: HTMLElement }): () => void {
    const shell = shellOf(model);
    shell.attach(el);
    return () => shell.detach(el);
  }
};
