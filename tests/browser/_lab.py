"""Driving JupyterLab in headless Chromium like a user, with waits on real signals.

``LabPage`` opens notebooks, waits until the notebook's kernel connection is really up
(``window.jupyterapp``, exposed by ``--LabApp.expose_app_in_browser``), puts code into
new cells and runs them with Shift+Enter, and reads the outputs back from the notebook
model. Nothing here sleeps to wait: every wait is a ``wait_for_function`` on state the
page itself holds.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route

from ._mouse import drag_point
from ._server import DEFAULT_DEPLOYGGB_URL, LabServer

__all__ = [
    "ASSETS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DEPLOYGGB_URL",
    "Cell",
    "LabPage",
    "check_image_outputs",
    "copy_without_outputs",
    "launch_chromium",
]

ASSETS = Path(__file__).resolve().parent / "assets"
DOUBLE_JS = ASSETS / "deployggb_double.js"
#: The product's default loader URL; the browser tests answer it with the test double.
DEPLOYGGB_URL = DEFAULT_DEPLOYGGB_URL
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

#: Kernel start + first connection on a loaded 2-core machine.
KERNEL_TIMEOUT_MS = 90_000
#: One cell; the product's own slowest wait is the 30 s applet ready timeout.
CELL_TIMEOUT_MS = 60_000


def launch_chromium(playwright: Any) -> Browser:
    """Debian's Chromium (Playwright cannot download browsers here). Raises if it fails."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# Installed into every page before JupyterLab's own scripts. Looks the app up lazily.
_INIT_JS = r"""
(() => {
  const T = {};
  T.app = () => window.jupyterapp || null;
  T.panel = (path) => {
    const app = T.app();
    if (!app || !app.shell) return null;
    for (const w of app.shell.widgets('main')) {
      if (w && w.context && w.context.path === path && w.sessionContext && w.content) return w;
    }
    return null;
  };
  T.kernel = (path) => {
    const p = T.panel(path);
    return p && p.sessionContext.session ? p.sessionContext.session.kernel : null;
  };
  T.kernelReady = (path) => {
    const p = T.panel(path);
    const k = T.kernel(path);
    return !!(p && k && p.context.isReady && p.sessionContext.isReady &&
              k.connectionStatus === 'connected' && k.status === 'idle');
  };
  T.appendCell = (path, source, tag) => {
    const p = T.panel(path);
    const nb = p.content;
    const model = nb.model;
    const n = model.cells.length;
    let idx = n;
    // Reuse a trailing empty, never-run code cell (what Shift+Enter leaves behind).
    if (n > 0) {
      const last = model.cells.get(n - 1);
      if (last.type === 'code' && last.sharedModel.getSource() === '' &&
          last.executionCount === null && last.outputs.length === 0) idx = n - 1;
    }
    if (idx === n) model.sharedModel.insertCell(n, { cell_type: 'code', source: source });
    else model.cells.get(idx).sharedModel.setSource(source);
    // Bring the notebook's tab to the front, as a user clicking its tab would.
    T.app().shell.activateById(p.id);
    nb.activeCellIndex = idx;
    nb.mode = 'command';
    const w = nb.widgets[idx];
    w.node.dataset.testCell = tag;
    return idx;
  };
  T.watchStatus = (path) => {
    const k = T.kernel(path);
    const seen = [];
    k.statusChanged.connect((_, s) => { seen.push(s); });
    T.seenStatus = seen;
  };
  T.cellIndex = (path, tag) => {
    const nb = T.panel(path).content;
    return nb.widgets.findIndex(w => w.node.dataset.testCell === tag);
  };
  T.cellState = (path, idx) => {
    const p = T.panel(path);
    if (!p) return null;
    const c = p.content.model.cells.get(idx);
    return {
      type: c.type,
      count: c.type === 'code' ? c.executionCount : null,
      state: c.executionState === undefined ? null : c.executionState,
      source: c.sharedModel.getSource(),
      outputs: c.type === 'code' ? c.outputs.toJSON() : [],
    };
  };
  T.allCells = (path) => {
    const p = T.panel(path);
    const out = [];
    for (let i = 0; i < p.content.model.cells.length; i++) out.push(T.cellState(path, i));
    return out;
  };
  T.ggbPanels = () => Array.from(document.querySelectorAll('.ggbmagic-panel')).map(n => ({
    kernelId: n.dataset.ggbmagicKernelId || null,
    state: n.dataset.ggbmagicState || null,
    appletId: n.dataset.ggbmagicAppletId || null,
    text: n.innerText,
  }));
  T.ggbTitles = () => {
    const app = T.app();
    const out = {};
    for (const w of app.shell.widgets('main')) {
      if (w.node && w.node.classList.contains('ggbmagic-panel')) {
        out[w.node.dataset.ggbmagicKernelId] = w.title.label;
      }
    }
    return out;
  };
  window.__ggbmTest = T;
})();
"""


@dataclass
class Cell:
    """One executed cell as the notebook model holds it (nbformat output dicts)."""

    index: int
    count: int | None
    outputs: list[dict[str, Any]]
    seconds: float

    @property
    def stdout(self) -> str:
        return "".join(_text(o) for o in self.outputs
                       if o.get("output_type") == "stream" and o.get("name") == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(_text(o) for o in self.outputs
                       if o.get("output_type") == "stream" and o.get("name") == "stderr")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [o for o in self.outputs if o.get("output_type") == "error"]

    @property
    def text(self) -> str:
        """Every text/plain result and display, and the streams, joined."""
        parts = []
        for o in self.outputs:
            if o.get("output_type") == "stream":
                parts.append(_text(o))
            elif o.get("output_type") in ("execute_result", "display_data"):
                parts.append(_join(o.get("data", {}).get("text/plain", "")))
            elif o.get("output_type") == "error":
                parts.append("\n".join(o.get("traceback", [])))
        return "\n".join(parts)

    def mimes(self) -> list[str]:
        return [m for o in self.outputs for m in o.get("data", {})]

    def assert_clean(self) -> None:
        """No error output and no UsageError/Traceback on stderr."""
        assert not self.errors, f"cell {self.index} raised: {self.text}"
        assert "UsageError" not in self.stderr and "Traceback" not in self.stderr, self.stderr


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _text(output: dict[str, Any]) -> str:
    return _join(output.get("text", ""))


@dataclass
class LabPage:
    """A browser context + page on one JupyterLab server, with the GeoGebra routes."""

    server: LabServer
    context: BrowserContext
    page: Page
    console: list[str] = field(default_factory=list)
    #: How the loader URL the product is set to (:attr:`deployggb_url`) is answered:
    #: "serve" (the double, or the real GeoGebra's own file), "404" or "abort".
    deployggb: str = "serve"
    deployggb_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser: Browser, server: LabServer, *, route_all: bool = True) -> LabPage:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        lab = cls(server=server, context=context, page=page)
        page.add_init_script(_INIT_JS)
        page.on("console", lambda m: lab.console.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: lab.console.append(f"[pageerror] {e}"))
        page.on("websocket", lambda ws: lab.websockets.append(ws.url))
        page.set_default_timeout(30_000)
        loader = lab.deployggb_url
        context.route(loader, lab._route_deployggb)
        # Our own servers: JupyterLab, and for "real" the GeoGebra files server.
        ours = [server.origin]
        if server.geogebra_files is not None:
            ours.append(server.geogebra_files.origin)
        own = tuple(o + "/" for o in ours)
        if route_all:
            # Everything not served by our own servers (GeoGebra's other files on
            # geogebra.org, any other site) is answered 404 and recorded: nothing leaks.
            context.route(lambda url: not url.startswith(own) and url != loader
                          and not url.startswith(("data:", "blob:")),
                          lab._route_foreign)
        else:
            context.route("https://www.geogebra.org/**", lab._route_foreign)
        return lab

    @property
    def geogebra(self) -> str:
        """Which GeoGebra the page gets: "double" or "real"."""
        return self.server.geogebra

    @property
    def deployggb_url(self) -> str:
        """The deployggb.js URL the product is set to load (default or self-hosted)."""
        return self.server.deployggb_url

    @property
    def geogebra_org_requests(self) -> list[str]:
        """Requests that tried to reach geogebra.org (blocked) other than the double's."""
        return [u for u in self.blocked_requests
                if (urlsplit(u).hostname or "").endswith("geogebra.org")]

    def close(self) -> None:
        self.context.close()

    # --- routes ---------------------------------------------------------------------

    def _route_deployggb(self, route: Route) -> None:
        self.deployggb_requests.append(route.request.url)
        if self.deployggb == "serve" and self.geogebra == "real":
            route.continue_()  # the real deployggb.js from the GeoGebra files server
        elif self.deployggb == "serve":
            route.fulfill(status=200, path=str(DOUBLE_JS),
                          headers={"Content-Type": "application/javascript",
                                   "Access-Control-Allow-Origin": "*"})
        elif self.deployggb == "abort":
            route.abort("internetdisconnected")
        else:
            route.fulfill(status=404, body="not found (test)", content_type="text/plain")

    def _route_foreign(self, route: Route) -> None:
        url = route.request.url
        if url == self.deployggb_url:
            self._route_deployggb(route)
            return
        host = urlsplit(url).hostname or ""
        if host in ("127.0.0.1", "localhost") and url.startswith(self.server.origin):
            route.continue_()
            return
        self.blocked_requests.append(url)
        route.fulfill(status=404, body="blocked by the ggbmagic browser tests",
                      content_type="text/plain")

    # --- notebooks ------------------------------------------------------------------

    def goto_notebook(self, path: str) -> None:
        """Load JupyterLab with ``path`` open (fresh layout) and wait for its kernel."""
        self.page.goto(self.server.url(f"lab/tree/{path}", reset="", token=self.server.token))
        self.wait_kernel(path)

    def open_notebook(self, path: str) -> None:
        """Open another notebook in the already loaded JupyterLab and wait for its kernel."""
        self.page.evaluate("(p) => window.jupyterapp.commands.execute('docmanager:open', "
                           "{path: p, factory: 'Notebook'})", path)
        self.wait_kernel(path)

    def wait_kernel(self, path: str, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
        """Wait until the notebook's kernel websocket is connected and the kernel idle."""
        self.page.wait_for_function("(p) => window.__ggbmTest && window.__ggbmTest.kernelReady(p)",
                                    arg=path, timeout=timeout_ms, polling=100)

    def restart_kernel(self, path: str) -> None:
        """Kernel ▸ Restart Kernel… and accept the dialog; wait until it is back."""
        self.page.evaluate("(p) => window.__ggbmTest.watchStatus(p)", path)
        self.page.evaluate("(p) => { window.jupyterapp.shell.activateById("
                           "window.__ggbmTest.panel(p).id); "
                           "void window.jupyterapp.commands.execute('kernelmenu:restart'); }",
                           path)
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.page.wait_for_function("() => window.__ggbmTest.seenStatus.includes('restarting')",
                                    timeout=KERNEL_TIMEOUT_MS)
        self.wait_kernel(path)

    def kernel_id(self, path: str) -> str:
        kid = self.page.evaluate("(p) => window.__ggbmTest.kernel(p).id", path)
        assert isinstance(kid, str)
        return kid

    def run(self, path: str, source: str, *, timeout_ms: int = CELL_TIMEOUT_MS,
            clean: bool = False) -> Cell:
        """Put ``source`` in a new cell at the end, run it with Shift+Enter, wait, read it.

        The cell is done when JupyterLab set its execution count: JupyterLab does that
        after the kernel's reply *and* its idle status, so every output has arrived.
        """
        self.wait_kernel(path)
        tag = uuid.uuid4().hex
        self.page.evaluate("([p, s, t]) => window.__ggbmTest.appendCell(p, s, t)",
                           [path, source, tag])
        cell_loc = self.page.locator(f'[data-test-cell="{tag}"]')
        # Clicking the prompt selects the cell in command mode and focuses the notebook,
        # so Shift+Enter goes where a user's would.
        cell_loc.locator(".jp-InputPrompt").first.click()
        start = time.monotonic()
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            """([p, t]) => {
                 const T = window.__ggbmTest;
                 if (!T.panel(p)) return false;
                 const i = T.cellIndex(p, t);
                 if (i < 0) return false;
                 const s = T.cellState(p, i);
                 return s.count !== null && s.state !== 'running';
               }""",
            arg=[path, tag], timeout=timeout_ms, polling=50)
        seconds = time.monotonic() - start
        idx = self.page.evaluate("([p, t]) => window.__ggbmTest.cellIndex(p, t)", [path, tag])
        state = self.page.evaluate("([p, i]) => window.__ggbmTest.cellState(p, i)", [path, idx])
        assert state["source"] == source, "the cell's source changed while it ran"
        cell = Cell(index=idx, count=state["count"], outputs=state["outputs"], seconds=seconds)
        if clean:
            cell.assert_clean()
        return cell

    def cells(self, path: str) -> list[dict[str, Any]]:
        return list(self.page.evaluate("(p) => window.__ggbmTest.allCells(p)", path))

    def run_all(self, path: str, *, timeout_ms: int = 240_000) -> list[dict[str, Any]]:
        """Run every cell with ``notebook:run-all-cells``; wait until none is queued."""
        self.wait_kernel(path)
        # The command acts on the current notebook: make it current the way a user does.
        self.page.locator(".jp-NotebookPanel:visible .jp-Cell").first.locator(
            ".jp-InputPrompt").first.click()
        self.page.evaluate("(p) => { const T = window.__ggbmTest; "
                           "if (T.app().shell.currentWidget !== T.panel(p)) "
                           "throw new Error('notebook is not current'); "
                           "return T.app().commands.execute('notebook:run-all-cells'); }", path)
        # Every code cell was queued (state 'running') at once by run-all; it is done
        # when no cell is running any more and the kernel is idle.
        self.page.wait_for_function(
            """(p) => {
                 const T = window.__ggbmTest;
                 const cells = T.allCells(p).filter(c => c.type === 'code');
                 if (cells.some(c => c.state === 'running')) return false;
                 const k = T.kernel(p);
                 return !!k && k.status === 'idle';
               }""",
            arg=path, timeout=timeout_ms, polling=100)
        return self.cells(path)

    # --- the GeoGebra panel ---------------------------------------------------------

    def ggb_panel(self, kernel_id: str | None = None, state: str | None = "ready") -> Locator:
        """The panel of ``kernel_id`` (any if None) in ``state`` (any if None)."""
        sel = ".ggbmagic-panel"
        if kernel_id:
            sel += f'[data-ggbmagic-kernel-id="{kernel_id}"]'
        if state:
            sel += f'[data-ggbmagic-state="{state}"]'
        return self.page.locator(sel)

    def wait_ggb_ready(self, kernel_id: str | None = None, timeout_ms: int = 30_000) -> Locator:
        loc = self.ggb_panel(kernel_id, "ready")
        loc.first.wait_for(state="visible", timeout=timeout_ms)
        return loc

    def ggb_panels(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("() => window.__ggbmTest.ggbPanels()"))

    def applet_id(self, kernel_id: str) -> str:
        aid = self.ggb_panel(kernel_id).first.get_attribute("data-ggbmagic-applet-id")
        assert aid, f"panel of kernel {kernel_id} has no data-ggbmagic-applet-id"
        return aid

    def applet_api(self, kernel_id: str, js: str, arg: Any = None) -> Any:
        """Evaluate ``js``, a function ``(api, arg) => ...``, on the panel's API object.

        ``api`` is ``window[appletId]``, the object GeoGebra (or the double) publishes;
        the same call works on both, e.g. ``applet_api(kid, "api => api.getValue('d')")``.
        """
        aid = self.applet_id(kernel_id)
        return self.page.evaluate(
            "([aid, src, arg]) => { const api = window[aid];"
            " if (!api) throw new Error('no API object window[' + aid + ']');"
            " return (0, eval)('(' + src + ')')(api, arg); }",
            [aid, js, arg])

    def drag(self, kernel_id: str, name: str, points: list[list[float]]) -> None:
        """A user dragging point ``name`` through ``points`` (GeoGebra coordinates).

        On the double through its test hook; on the real GeoGebra as a real mouse drag
        on the applet's canvas, from the point's screen position (computed from the
        view's coordinate system in the XML) through each point, one move per step.
        """
        if self.geogebra == "double":
            aid = self.applet_id(kernel_id)
            self.page.evaluate(
                "([aid, n, pts]) => window.__ggbDouble.applets[aid].__double.drag(n, pts)",
                [aid, name, points])
            return
        canvas = self.ggb_panel(kernel_id).first.locator("canvas").first
        drag_point(self.page, self.applet_id(kernel_id), canvas, name, points,
                   within_pixel=False)

    # --- artifacts ------------------------------------------------------------------

    def save_artifacts(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=str(directory / "screenshot.png"), full_page=True,
                                 timeout=10_000)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            (directory / "screenshot-error.txt").write_text(repr(exc))
        (directory / "console.log").write_text("\n".join(self.console) + "\n")
        extra = {"geogebra": self.geogebra, "deployggb_url": self.deployggb_url,
                 "deployggb_requests": self.deployggb_requests,
                 "blocked_requests": self.blocked_requests, "websockets": self.websockets}
        try:
            extra["ggb_panels"] = self.ggb_panels()
        except Exception as exc:
            extra["ggb_panels_error"] = repr(exc)
        (directory / "page-state.json").write_text(json.dumps(extra, indent=2, default=str))

    # --- acting while a cell runs; watching the OOB socket -----------------------------

    def start_cell(self, path: str, source: str) -> str:
        """Like :meth:`run`, but return once the cell was sent; :meth:`finish_cell` waits."""
        self.wait_kernel(path)
        tag = uuid.uuid4().hex
        self.page.evaluate("([p, s, t]) => window.__ggbmTest.appendCell(p, s, t)",
                           [path, source, tag])
        self.page.locator(f'[data-test-cell="{tag}"]').locator(".jp-InputPrompt").first.click()
        self.page.keyboard.press("Shift+Enter")
        return tag

    def finish_cell(self, path: str, tag: str, *, timeout_ms: int = CELL_TIMEOUT_MS) -> Cell:
        """Wait for the cell :meth:`start_cell` sent, as :meth:`run` does, and read it."""
        start = time.monotonic()
        self.page.wait_for_function(
            """([p, t]) => {
                 const T = window.__ggbmTest;
                 const i = T.panel(p) ? T.cellIndex(p, t) : -1;
                 if (i < 0) return false;
                 const s = T.cellState(p, i);
                 return s.count !== null && s.state !== 'running';
               }""",
            arg=[path, tag], timeout=timeout_ms, polling=50)
        idx = self.page.evaluate("([p, t]) => window.__ggbmTest.cellIndex(p, t)", [path, tag])
        state = self.page.evaluate("([p, i]) => window.__ggbmTest.cellState(p, i)", [path, idx])
        return Cell(index=idx, count=state["count"], outputs=state["outputs"],
                    seconds=time.monotonic() - start)

    def record_oob_sockets(self) -> None:
        """From the next page load on, record every OOB WebSocket the page opens.

        :meth:`oob_sockets` then lists them in order, with the page's own clock
        (``performance.now()``, ms) at construction and close, and the close code.
        """
        self.page.add_init_script(_OOB_RECORDER_JS)

    def oob_sockets(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("() => window.__ggbmOob || []"))

    def close_ggb_tab(self, kernel_id: str) -> None:
        """Close the GeoGebra panel as a user does: its tab's close icon."""
        tab = self.page.locator(".lm-TabBar-tab", has_text="GeoGebra").first
        tab.hover()
        tab.locator(".lm-TabBar-tabCloseIcon").click()
        self.page.locator(f'[data-ggbmagic-kernel-id="{kernel_id}"]').wait_for(
            state="detached", timeout=5_000)


# --- output checks -------------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def check_image_outputs(outputs: list[dict[str, Any]]) -> int:
    """Every image/png decodes to PNG bytes and every image/svg+xml has an <svg> root.

    Returns how many images were checked.
    """
    n = 0
    for out in outputs:
        data = out.get("data", {})
        if "image/png" in data:
            raw = base64.b64decode(_join(data["image/png"]).strip(), validate=False)
            assert raw.startswith(PNG_MAGIC), f"image/png is not a PNG: {raw[:16]!r}"
            n += 1
        if "image/svg+xml" in data:
            root = ET.fromstring(_join(data["image/svg+xml"]))
            assert re.sub(r"^\{.*\}", "", root.tag) == "svg", f"SVG root is <{root.tag}>"
            n += 1
    return n


# Wraps the page's WebSocket so that tests see each OOB connection the bridge opens
# (the product's code is untouched: a subclass of the same WebSocket).
_OOB_RECORDER_JS = r"""
(() => {
  const Native = window.WebSocket;
  const log = [];
  window.__ggbmOob = log;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (String(url).includes('/ggbmagic/oob/')) {
        const rec = { url: String(url), opened: performance.now(), closed: null, code: null };
        log.push(rec);
        this.addEventListener('close', ev => {
          rec.closed = performance.now();
          rec.code = ev.code;
        });
      }
    }
  };
})();
"""


def copy_without_outputs(source: Path, target: Path) -> None:
    """Copy a lesson with its stored outputs cleared, as "Clear All Outputs" would.

    The lessons keep the outputs of a run on the real GeoGebra, and an inline applet's
    output carries its construction as a .ggb that the page loads when it opens. A run
    that checks (or records) a lesson must start from the lesson's commands alone: the
    double cannot rebuild every real GeoGebra file, and a recording must hold only what
    its own run made.
    """
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, target)
