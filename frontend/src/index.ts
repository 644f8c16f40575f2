/**
 * ggbmagic's JupyterLab plugin: wiring only. It registers the `ggbmagic` comm target
 * on every notebook kernel, re-attaches to live comms after a page reload, keeps one
 * KernelBridge per kernel id, and adds the palette command and the settings.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { KernelBridge } from './bridge';
import { BridgeHost, DEFAULT_SETTINGS, GgbSettings } from './host';
import { InlineView, setInlineHub } from './inline';
import type { GeoGebraPanel } from './panel';
import { placeBeside, reveal } from './placement';
import { attach, parseKernelMessage, TARGET_NAME } from './protocol';

const PLUGIN_ID = 'ggbmagic:plugin';
const COMMAND_OPEN = 'ggbmagic:open';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'GeoGebra beside your notebook: the panel and the browser end of %ggb.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ICommandPalette],
  activate
};

export default plugin;

function activate(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  registry: ISettingRegistry | null,
  palette: ICommandPalette | null
): void {
  let settings: GgbSettings = { ...DEFAULT_SETTINGS };
  // Applets are built only once the user's settings are known (or known to be absent),
  // so a self-hosted deployggbUrl is never bypassed by a race with the registry.
  let settingsDone: () => void = () => undefined;
  const settingsLoaded = new Promise<void>(resolve => (settingsDone = resolve));
  const bridges = new Map<string, KernelBridge>();
  // Kernel connections already wired (a notebook's kernel can be seen several times).
  const wired = new WeakSet<Kernel.IKernelConnection>();
  // Live kernel connections per kernel id, to notice when the last one goes.
  const connections = new Map<string, Set<Kernel.IKernelConnection>>();

  /** Notebooks whose session runs `kernelId`; the focused one first. */
  const notebooksOf = (kernelId: string): NotebookPanel[] => {
    const found: NotebookPanel[] = [];
    tracker.forEach(panel => {
      if (panel.sessionContext.session?.kernel?.id === kernelId) {
        found.push(panel);
      }
    });
    const current = tracker.currentWidget;
    found.sort((a, b) => Number(b === current) - Number(a === current));
    return found;
  };

  const host: BridgeHost = {
    server: () => {
      const s = app.serviceManager.serverSettings;
      return { wsUrl: s.wsUrl, baseUrl: s.baseUrl, token: s.token };
    },
    kernel: kernelId => {
      for (const k of connections.get(kernelId) ?? []) {
        if (!k.isDisposed) {
          return k;
        }
      }
      return null;
    },
    settings: () => settings,
    settingsLoaded,
    notebookName: kernelId => {
      const nb = notebooksOf(kernelId)[0];
      return nb ? PathExt.basename(nb.context.path) : `kernel ${kernelId.slice(0, 8)}`;
    },
    // JupyterLab: split right of the notebook; Notebook 7: its right side area.
    place: (panel: GeoGebraPanel, kernelId: string) =>
      placeBeside(app.shell, panel, notebooksOf(kernelId)[0]?.id, app.name),
    reveal: (panel: GeoGebraPanel) => reveal(app.shell, panel)
  };

  const bridgeFor = (kernelId: string): KernelBridge => {
    let bridge = bridges.get(kernelId);
    if (!bridge || bridge.isDisposed) {
      bridge = new KernelBridge(kernelId, host);
      bridges.set(kernelId, bridge);
    }
    return bridge;
  };

  const wire = (kernel: Kernel.IKernelConnection): void => {
    if (wired.has(kernel) || kernel.isDisposed) {
      return;
    }
    wired.add(kernel);
    const kernelId = kernel.id;
    let live = connections.get(kernelId);
    if (!live) {
      live = new Set();
      connections.set(kernelId, live);
    }
    live.add(kernel);

    // Must return at once: JupyterLab handles the next kernel message only after it.
    kernel.registerCommTarget(TARGET_NAME, (comm, msg) => {
      try {
        const bridge = bridgeFor(kernelId);
        bridge.attachComm(comm);
        bridge.receive(msg.header.msg_id, msg.content.data);
      } catch (err) {
        console.error(`ggbmagic: opening the comm of kernel ${kernelId} failed`, err);
      }
    });

    // A hello sent on a comm this page does not know yet (reloaded while a cell
    // waits, so comm_info cannot be answered): adopt the comm from the message.
    kernel.iopubMessage.connect((_, msg) => {
      try {
        adoptUnknownComm(kernel, msg);
      } catch (err) {
        console.error('ggbmagic: adopting a comm failed', err);
      }
    });

    kernel.disposed.connect(() => {
      live?.delete(kernel);
      if (live && live.size === 0) {
        connections.delete(kernelId);
        const bridge = bridges.get(kernelId);
        if (bridge) {
          if (bridge.isShown) {
            bridge.kernelGone('The kernel of this panel is gone (shut down or changed).');
          } else {
            bridge.dispose();
            bridges.delete(kernelId);
          }
        }
      }
    });

    void reattach(kernel).catch(err =>
      console.error(`ggbmagic: looking for live comms on kernel ${kernelId} failed`, err)
    );
  };

  /** After a page reload: re-create our end of every live ggbmagic comm and say attach. */
  const reattach = async (kernel: Kernel.IKernelConnection): Promise<void> => {
    const reply = await kernel.requestCommInfo({ target_name: TARGET_NAME });
    if (kernel.isDisposed || reply.content.status !== 'ok') {
      return;
    }
    for (const [commId, info] of Object.entries(reply.content.comms)) {
      if (info.target_name !== TARGET_NAME || kernel.hasComm(commId)) {
        continue;
      }
      const comm = kernel.createComm(TARGET_NAME, commId);
      bridgeFor(kernel.id).attachComm(comm);
      const future = comm.send(attach());
      void future.done.catch(err =>
        console.warn('ggbmagic: attach was not acknowledged (kernel restarting?)', err)
      );
    }
  };

  const adoptUnknownComm = (
    kernel: Kernel.IKernelConnection,
    msg: KernelMessage.IIOPubMessage
  ): void => {
    if (msg.header.msg_type !== 'comm_msg') {
      return;
    }
    const content = (msg as KernelMessage.ICommMsgMsg<'iopub'>).content;
    if (kernel.hasComm(content.comm_id)) {
      return;
    }
    const parsed = parseKernelMessage(content.data);
    if (!parsed.ok || parsed.msg.type !== 'hello') {
      return;
    }
    const comm = kernel.createComm(TARGET_NAME, content.comm_id);
    const bridge = bridgeFor(kernel.id);
    bridge.attachComm(comm);
    bridge.receive(msg.header.msg_id, content.data);
  };

  const watchNotebook = (panel: NotebookPanel): void => {
    const ctx = panel.sessionContext;
    const onKernel = () => {
      const kernel = ctx.session?.kernel;
      if (kernel) {
        wire(kernel);
      }
    };
    // kernelChanged covers the first kernel, switches and a new session; a restart
    // keeps the connection, whose comm targets JupyterLab keeps.
    ctx.kernelChanged.connect(onKernel);
    onKernel();
    void ctx.ready.then(onKernel, () => undefined);
  };

  tracker.widgetAdded.connect((_, panel) => watchNotebook(panel));
  tracker.forEach(watchNotebook);

  /** The notebook whose outputs hold `node`, if any. */
  const notebookHolding = (node: HTMLElement): NotebookPanel | null => {
    let found: NotebookPanel | null = null;
    tracker.forEach(panel => {
      if (!found && panel.node.contains(node)) {
        found = panel;
      }
    });
    return found;
  };

  // Inline outputs (mime.ts renders them) go to the bridge of their notebook's kernel:
  // after a reopen that kernel is a new one, whatever the output says it came from.
  setInlineHub({
    attach: (view: InlineView) => {
      const nb = notebookHolding(view.node);
      const kernel = nb?.sessionContext.session?.kernel;
      if (kernel) {
        wire(kernel);
        bridgeFor(kernel.id).addInlineView(view);
        return;
      }
      if (nb) {
        view.showStatic('Waiting for this notebook’s kernel…');
        void nb.sessionContext.ready.then(
          () => {
            if (!view.isDisposed && view.isAttached) {
              const k = nb.sessionContext.session?.kernel;
              if (k) {
                wire(k);
                bridgeFor(k.id).addInlineView(view);
              } else {
                view.showStatic('No kernel: start one and run %load_ext ggbmagic.');
              }
            }
          },
          () => view.showStatic('No kernel: start one and run %load_ext ggbmagic.')
        );
        return;
      }
      const known = view.kernelId ? bridges.get(view.kernelId) : undefined;
      if (known && !known.isDisposed) {
        known.addInlineView(view);
      } else {
        view.showStatic('A picture of the GeoGebra construction (the live applet needs its notebook).');
      }
    },
    detach: (view: InlineView) => {
      for (const bridge of bridges.values()) {
        bridge.removeInlineView(view);
      }
    }
  });

  const targetNotebook = (): NotebookPanel | null => {
    // In a headless browser without focus currentWidget can be null.
    const current = tracker.currentWidget;
    if (current?.sessionContext.session?.kernel) {
      return current;
    }
    let found: NotebookPanel | null = null;
    tracker.forEach(panel => {
      if (!found && panel.sessionContext.session?.kernel) {
        found = panel;
      }
    });
    return found;
  };

  app.commands.addCommand(COMMAND_OPEN, {
    label: 'GeoGebra: Open Panel for This Notebook',
    caption: 'Open the GeoGebra panel beside this notebook (the %ggb magics draw there)',
    isEnabled: () => targetNotebook() !== null,
    execute: () => {
      const nb = targetNotebook();
      const kernel = nb?.sessionContext.session?.kernel;
      if (!kernel) {
        console.warn('ggbmagic: no notebook with a running kernel to open GeoGebra for');
        return;
      }
      wire(kernel);
      bridgeFor(kernel.id).openPanel(true);
    }
  });
  palette?.addItem({ command: COMMAND_OPEN, category: 'GeoGebra' });

  if (registry) {
    const apply = (loaded: ISettingRegistry.ISettings) => {
      settings = { ...DEFAULT_SETTINGS, ...(loaded.composite as Partial<GgbSettings>) };
      for (const bridge of bridges.values()) {
        bridge.settingsChanged();
      }
    };
    registry
      .load(PLUGIN_ID)
      .then(loaded => {
        apply(loaded);
        loaded.changed.connect(apply);
      })
      .catch(err => console.error('ggbmagic: loading the settings failed; using defaults', err))
      .finally(() => settingsDone());
  } else {
    settingsDone();
  }
}
