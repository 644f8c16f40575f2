"""A real ``marimo run`` server on 127.0.0.1 and a headless Chromium page on it.

``MarimoServer`` serves a folder of marimo notebooks (marimo's gallery: each is at
``/?file=<name>``) with a random port, and, for the ``[real]`` variant, tells the widget
where the real GeoGebra is through ``GGBMAGIC_DEPLOYGGB_URL`` / ``GGBMAGIC_HTML5_CODEBASE``
(a self-hosted GeoGebra, as a school would set it). ``MarimoPage`` routes GeoGebra like
the JupyterLab tests do (the double in place of geogebra.org's deployggb.js; anything
else foreign is answered 404 and recorded) and reads the widget's applet and outputs.
Waits are on the page's own state, never on time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.browser._geogebra import GeoGebraFiles
from tests.browser._lab import DEPLOYGGB_URL, DOUBLE_JS
from tests.browser._mouse import drag_point

__all__ = ["MARIMO", "MarimoPage", "MarimoServer"]

REPO = Path(__file__).resolve().parents[2]
MARIMO = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "marimo"
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
START_TIMEOUT = 90.0
#: A cell's output, including loading GeoGebra on a loaded machine.
OUTPUT_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MarimoServer:
    """``marimo run <folder>`` until :meth:`stop`; *notebooks* are copied into the folder."""

    def __init__(self, notebooks: list[Path], *, geogebra: str = "double",
                 mode: str = "run") -> None:
        self.geogebra = geogebra
        self.mode = mode
        self.tmp = Path(tempfile.mkdtemp(prefix="ggbm-marimo-"))
        self.folder = self.tmp / "notebooks"
        self.folder.mkdir()
        for nb in notebooks:
            shutil.copy(nb, self.folder / nb.name)
        self.log_path = self.tmp / "marimo.log"
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.geogebra_files: GeoGebraFiles | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def deployggb_url(self) -> str:
        if self.geogebra_files is not None:
            return self.geogebra_files.deployggb_url
        return DEPLOYGGB_URL

    def start(self) -> MarimoServer:
        if not MARIMO.exists():
            raise RuntimeError(f"{MARIMO} not found: install ggbmagic with its test extra")
        env = dict(os.environ)
        env["PYTHONPATH"] = f"{REPO}:{env.get('PYTHONPATH', '')}"
        env["JUPYTER_RUNTIME_DIR"] = str(self.tmp / "runtime")
        env["MARIMO_SKIP_UPDATE_CHECK"] = "1"
        if self.geogebra == "real":
            self.geogebra_files = GeoGebraFiles().start()
            env["GGBMAGIC_DEPLOYGGB_URL"] = self.geogebra_files.deployggb_url
            env["GGBMAGIC_HTML5_CODEBASE"] = self.geogebra_files.codebase_url
        self.port = _free_port()
        args = [str(MARIMO), "-q", self.mode, str(self.folder), "--headless", "--host",
                "127.0.0.1", "--port", str(self.port), "--no-token", "--no-sandbox"]
        if self.mode == "run":
            args.append("--no-check")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=env, cwd=self.tmp)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"marimo exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.origin}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)  # polling the server's own health endpoint, not a proof
        raise RuntimeError(f"marimo did not answer within {START_TIMEOUT} s")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if getattr(self, "_log", None) is not None:
            self._log.close()
        if self.geogebra_files is not None:
            self.geogebra_files.stop()

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


@dataclass
class MarimoPage:
    """One browser context + page on a marimo server, GeoGebra routed as in the lab tests."""

    server: MarimoServer
    context: BrowserContext
    page: Page
    host: str = "127.0.0.1"
    console: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser: Browser, server: MarimoServer, *,
             host: str = "127.0.0.1") -> MarimoPage:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        mp = cls(server=server, context=context, page=page, host=host)
        page.on("console", lambda m: mp.console.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: mp.console.append(f"[pageerror] {e}"))
        page.set_default_timeout(30_000)
        loader = server.deployggb_url
        own = (f"http://{host}:{server.port}/",)
        if server.geogebra_files is not None:
            own += (server.geogebra_files.origin + "/",)
        context.route(loader, mp._route_deployggb)
        context.route(lambda url: not url.startswith(own) and url != loader
                      and not url.startswith(("data:", "blob:", "ws:")), mp._route_foreign)
        return mp

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.server.port}"

    def _route_deployggb(self, route: Route) -> None:
        if self.server.geogebra == "real":
            route.continue_()
        else:
            route.fulfill(status=200, path=str(DOUBLE_JS),
                          headers={"Content-Type": "application/javascript",
                                   "Access-Control-Allow-Origin": "*"})

    def _route_foreign(self, route: Route) -> None:
        self.blocked_requests.append(route.request.url)
        route.fulfill(status=404, body="blocked by the ggbmagic widget tests",
                      content_type="text/plain")

    @property
    def geogebra_org_requests(self) -> list[str]:
        return [u for u in self.blocked_requests
                if (urlsplit(u).hostname or "").endswith("geogebra.org")]

    def goto(self, notebook: str) -> None:
        self.page.goto(f"{self.origin}/?file={notebook}")

    def close(self) -> None:
        self.context.close()

    # --- reading the page ---------------------------------------------------------------

    def wait_text(self, text: str, timeout_ms: int = OUTPUT_TIMEOUT_MS) -> None:
        self.page.get_by_text(text).first.wait_for(timeout=timeout_ms)

    def result(self, key: str, timeout_ms: int = OUTPUT_TIMEOUT_MS) -> str:
        """The text after ``RESULT <key>:`` in a cell output (the test notebooks print
        their findings so)."""
        locator = self.page.get_by_text(f"RESULT {key}:").first
        locator.wait_for(timeout=timeout_ms)
        text = locator.inner_text()
        return text.split(f"RESULT {key}:", 1)[1].strip()

    def wait_result(self, key: str, expected: str, timeout_ms: int = OUTPUT_TIMEOUT_MS) -> str:
        """Wait until the ``RESULT <key>:`` output contains *expected*; return it."""
        self.page.wait_for_function(
            "([k, e]) => [...document.querySelectorAll('*')].some(el => el.children.length === 0"
            " && el.textContent.includes('RESULT ' + k + ':') && el.textContent.includes(e))",
            arg=[key, expected], timeout=timeout_ms, polling=100)
        return self.result(key)

    def stage(self) -> Any:
        return self.page.locator(".ggbmagic-widget-stage").first

    def wait_ready(self, timeout_ms: int = OUTPUT_TIMEOUT_MS) -> None:
        self.page.locator('.ggbmagic-widget-stage[data-ready="true"]').first.wait_for(
            timeout=timeout_ms)

    def mode(self) -> str:
        return str(self.stage().get_attribute("data-mode"))

    def applet_id(self) -> str:
        applet = self.page.locator(".ggbmagic-widget-stage .ggbmagic-applet").first
        el_id = applet.get_attribute("id")
        assert el_id and el_id.endswith("_container"), el_id
        return el_id[: -len("_container")]

    def applet_api(self, js: str, arg: Any = None) -> Any:
        """Evaluate ``(api, arg) => ...`` on the widget's applet API object."""
        return self.page.evaluate(
            "([aid, src, arg]) => { const api = window[aid];"
            " if (!api) throw new Error('no API object window[' + aid + ']');"
            " return (0, eval)('(' + src + ')')(api, arg); }",
            [self.applet_id(), js, arg])

    def drag(self, name: str, points: list[list[float]]) -> None:
        """A user dragging point *name* through *points* (see LabPage.drag)."""
        if self.server.geogebra == "double":
            self.page.evaluate(
                "([aid, n, pts]) => window.__ggbDouble.applets[aid].__double.drag(n, pts)",
                [self.applet_id(), name, points])
            return
        drag_point(self.page, self.applet_id(), self.stage().locator("canvas").first,
                   name, points)

    def save_artifacts(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(directory / "screenshot.png"), full_page=True,
                                 timeout=10_000)
        (directory / "console.log").write_text("\n".join(self.console) + "\n")
        if self.server.log_path.exists():
            shutil.copy(self.server.log_path, directory / "marimo.log")
