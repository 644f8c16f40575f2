/**
 * The anywidget entry point (bundled by esbuild into ggbmagic/widget/static/widget.js):
 * one WidgetShell per widget, made in `initialize`, shown by every `render`.
 *
 * Shells are keyed by the widget's id, not by the model object: a frontend may hand
 * `initialize` and `render` different model objects for one widget, and two shells
 * would open two loopback sockets, one of them without an applet — a request sent on
 * that one would never be answered.
 */
import type { AnyModel } from './model';
import { WidgetShell } from './shell';

interface Entry {
  shell: WidgetShell;
  users: number;
}

const shells = new Map<unknown, Entry>();

function keyOf(model: AnyModel): unknown {
  const id = model.get('widget_id');
  return typeof id === 'string' && id ? id : model;
}

function acquire(model: AnyModel): Entry {
  const key = keyOf(model);
  let entry = shells.get(key);
  if (!entry) {
    entry = { shell: new WidgetShell(model), users: 0 };
    shells.set(key, entry);
  }
  entry.users += 1;
  return entry;
}

function release(model: AnyModel): void {
  const key = keyOf(model);
  const entry = shells.get(key);
  if (entry && --entry.users <= 0) {
    entry.shell.dispose();
    shells.delete(key);
  }
}

export default {
  initialize({ model }: { model: AnyModel }): () => void {
    acquire(model);
    return () => release(model);
  },
  render({ model, el }: { model: AnyModel; el: HTMLElement }): () => void {
    const { shell } = acquire(model);
    shell.attach(el);
    return () => {
      shell.detach(el);
      release(model);
    };
  }
};
