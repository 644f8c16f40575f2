/**
 * The applet's listeners, forwarded: every add, remove, rename, update, clear and
 * client event of one applet becomes a protocol `EventItem`, counted at once for a
 * command's success signal (activity.ts) and then handed on for coalescing.
 */
import { Activity } from './activity';
import { namesOf, normalizeClientEvent } from './clientevent';
import type { AppletApi } from './execute';
import * as P from './protocol';
import { now } from './requests';

/**
 * Register the listeners on `api`. `isCurrent` says whether `api` is still the
 * applet in use: a late call from a replaced applet is ignored.
 */
export function forwardEvents(
  api: AppletApi,
  isCurrent: () => boolean,
  activity: Activity,
  sink: (event: P.EventItem) => void
): void {
  const push = (
    type: string,
    target: unknown,
    argument: unknown,
    value?: () => string,
    extra?: Pick<P.EventItem, 'targets' | 'fields'>
  ) => {
    if (!isCurrent()) {
      return; // a late call from an applet we replaced
    }
    try {
      const event: P.EventItem = {
        type,
        target: typeof target === 'string' ? target : target == null ? null : String(target),
        argument: argument === undefined ? null : argument,
        time: now()
      };
      if (extra?.targets) {
        event.targets = extra.targets;
      }
      if (extra?.fields) {
        event.fields = extra.fields;
      }
      // Synchronously, before any coalescing: a command's success signal (activity.ts).
      activity.record(namesOf(event));
      if (value) {
        event.value = value();
      }
      sink(event);
    } catch (err) {
      console.error(`ggbmagic: recording a ${type} event failed`, err);
    }
  };
  const register = (method: string, fn: (...args: never[]) => void) => {
    const r = api[method];
    if (typeof r !== 'function') {
      console.warn(`ggbmagic: this GeoGebra has no ${method}; those events are not sent`);
      return;
    }
    try {
      (r as (f: unknown) => void).call(api, fn);
    } catch (err) {
      console.error(`ggbmagic: ${method} failed`, err);
    }
  };
  register('registerAddListener', (name: string) => push('add', name, null));
  register('registerRemoveListener', (name: string) => push('remove', name, null));
  register('registerUpdateListener', (name: string) =>
    push('update', name, null, () => String(api.getValueString(name) ?? ''))
  );
  register('registerRenameListener', (oldName: string, newName: string) =>
    push('rename', newName, oldName)
  );
  register('registerClearListener', () => push('clear', null, null));
  register('registerClientListener', (e: unknown) => {
    // GeoGebra passes an array with named fields; the index keys are dropped.
    const c = normalizeClientEvent(e);
    if (c) {
      push(c.type, c.target, c.argument, undefined, { targets: c.targets, fields: c.fields });
    }
  });
}
