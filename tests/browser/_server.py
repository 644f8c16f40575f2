"""A real ``jupyter lab`` server for the browser tests, run as a subprocess.

Every run gets its own root, workspaces and runtime directories, a port of its own and
a random token, so nothing from an earlier run (a restored layout, a stale socket) can
change what a test sees. The server's log is kept for the failure artifacts.

The port: the server is started with ``--ServerApp.port=0`` and the port it got is read
back from its own ``jpserver-<pid>.json`` in our private runtime directory. A port chosen
here and handed over (bind, close, start a process that binds again) could be taken by
anyone during the seconds the process needs to start. jupyter_server itself still binds,
closes and listens again within a few milliseconds; if it loses even that race it exits
saying so, and :meth:`LabServer.start` starts it again.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ._geogebra import GeoGebraFiles

__all__ = ["DEFAULT_DEPLOYGGB_URL", "JUPYTER", "LabServer", "ServerError"]

REPO = Path(__file__).resolve().parents[2]
JUPYTER = REPO / ".venv" / "bin" / "jupyter"
START_TIMEOUT = 60.0
#: Starts tried when jupyter_server loses the port it picked (see the module docstring).
PORT_ATTEMPTS = 3
#: What jupyter_server logs before it exits when it cannot listen on its port.
PORT_LOST = "could not be started because"
#: The product's default loader URL (frontend/schema/plugin.json).
DEFAULT_DEPLOYGGB_URL = "https://www.geogebra.org/apps/deployggb.js"


class ServerError(RuntimeError):
    """The Jupyter server did not start or answered a REST call with an error."""


class _PortLostError(ServerError):
    """jupyter_server could not listen on the port it had picked; try again."""


class LabServer:
    """``jupyter lab`` on 127.0.0.1 with ggbmagic's server extension, until :meth:`stop`.

    >>> server = LabServer(base_url="/user/alice/")   # doctest: +SKIP
    >>> server.start(); server.url("lab")               # doctest: +SKIP
    'http://127.0.0.1:40123/user/alice/lab'
    """

    def __init__(self, *, base_url: str = "/", name: str = "lab", geogebra: str = "double",
                 geogebra_files: GeoGebraFiles | None = None, app: str = "lab",
                 extra_args: tuple[str, ...] = ()) -> None:
        if not (base_url.startswith("/") and base_url.endswith("/")):
            raise ValueError("base_url must start and end with '/'")
        if geogebra not in ("double", "real"):
            raise ValueError(f"geogebra must be 'double' or 'real', not {geogebra!r}")
        if app not in ("lab", "notebook"):
            raise ValueError("app is 'lab' (JupyterLab) or 'notebook' (Notebook 7)")
        #: Which frontend the server serves: ``jupyter lab`` or ``jupyter notebook``.
        self.app = app
        #: More command-line options, e.g. ``--GatewayClient.url=…`` (tests/browser/_gateway.py).
        self.extra_args = tuple(extra_args)
        self.base_url = base_url
        #: "double": the product's default settings (geogebra.org's deployggb.js, which
        #: the browser tests answer with the test double). "real": the product's own
        #: self-hosted settings point at the real GeoGebra, served by ``geogebra_files``.
        self.geogebra = geogebra
        self.geogebra_files = geogebra_files
        self._own_files = False
        self.token = secrets.token_hex(24)
        #: The server's port, known once :meth:`start` returned.
        self.port = 0
        # A short runtime dir: the kernel's Unix socket path lives under it and
        # AF_UNIX paths are limited to ~107 bytes.
        self.tmp = Path(tempfile.mkdtemp(prefix=f"ggbm-{name}-"))
        self.runtime_dir = Path(tempfile.mkdtemp(prefix="ggbrt-", dir="/tmp"))
        self.root_dir = self.tmp / "root"
        self.workspaces_dir = self.tmp / "workspaces"
        self.root_dir.mkdir()
        self.workspaces_dir.mkdir()
        self.settings_dir = self.tmp / "settings"
        self.settings_dir.mkdir()
        self.log_path = self.tmp / "server.log"
        self._log: Any = None
        self.proc: subprocess.Popen[bytes] | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> LabServer:
        """Start the server and return once ``/api/status`` answers (or raise)."""
        if not JUPYTER.exists():
            raise ServerError(f"{JUPYTER} not found: create the venv first")
        if self.geogebra == "real":
            self._write_real_settings()
        try:
            for attempt in range(1, PORT_ATTEMPTS + 1):
                try:
                    return self._start_once()
                except _PortLostError:
                    if attempt == PORT_ATTEMPTS:
                        raise
        except BaseException:
            self.stop()
            raise
        raise AssertionError("unreachable")

    def _start_once(self) -> LabServer:
        app_class = "LabApp" if self.app == "lab" else "JupyterNotebookApp"
        args = [
            str(JUPYTER), self.app,
            "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            # The OS picks the port; no retries (they would try random ports near 0).
            "--ServerApp.port=0",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--ServerApp.base_url={self.base_url}",
            f"--{app_class}.workspaces_dir={self.workspaces_dir}",
            f"--{app_class}.expose_app_in_browser=True",
            "--ServerApp.jpserver_extensions=ggbmagic=True",
            "--ServerApp.log_level=INFO",
            *self.extra_args,
        ]
        if self.app == "lab":
            args += ["--LabApp.news_url=",
                     "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        env = dict(os.environ)
        env["JUPYTER_RUNTIME_DIR"] = str(self.runtime_dir)
        env["PATH"] = f"{JUPYTER.parent}:{env.get('PATH', '')}"
        # Our own user config dir: nothing from ~/.jupyter leaks in, and the news
        # pop-up (which can cover the notebook) is off. System and venv config
        # (where ggbmagic's server extension is enabled) still apply.
        config_dir = self.tmp / "config"
        (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
        (config_dir / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        env["JUPYTER_CONFIG_DIR"] = str(config_dir)
        # Our own user settings: for "real", the ggbmagic settings written above.
        env["JUPYTERLAB_SETTINGS_DIR"] = str(self.settings_dir)
        env["PYTHONUNBUFFERED"] = "1"
        # Appended: a retried start keeps the log of the one that lost its port.
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.port = 0
        self.proc = subprocess.Popen(
            args, stdout=self._log, stderr=subprocess.STDOUT, env=env,
            cwd=str(self.root_dir), start_new_session=True,
        )
        info_file = self.runtime_dir / f"jpserver-{self.proc.pid}.json"
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                code, log = self.proc.returncode, self.log_text()[-4000:]
                self.proc = None
                self._log.close()
                self._log = None
                error = _PortLostError if PORT_LOST in log else ServerError
                raise error(f"jupyter lab exited with {code}:\n{log}")
            self.port = self.port or self._read_port(info_file)
            if self.port:
                try:
                    self.api("GET", "api/status")
                    return self
                except (OSError, ServerError):
                    pass
            if time.monotonic() > deadline:
                raise ServerError(
                    f"jupyter lab did not answer within {START_TIMEOUT} s:\n"
                    f"{self.log_text()[-4000:]}"
                )
            # Polling a process we just started: there is no event to wait on.
            time.sleep(0.2)

    @staticmethod
    def _read_port(info_file: Path) -> int:
        """The port in the server's ``jpserver-<pid>.json``; 0 while it is not written."""
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0  # not there yet, or caught half-written
        return int(info.get("port") or 0)

    def _write_real_settings(self) -> None:
        """Point ggbmagic's own settings at the real GeoGebra: what a school would do."""
        if self.geogebra_files is None:
            self.geogebra_files = GeoGebraFiles().start()
            self._own_files = True
        files = self.geogebra_files
        target = self.settings_dir / "ggbmagic" / "plugin.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"deployggbUrl": files.deployggb_url,
                                      "html5Codebase": files.codebase_url}, indent=2))

    @property
    def deployggb_url(self) -> str:
        """The deployggb.js URL the product's settings give the panel."""
        if self.geogebra == "real":
            assert self.geogebra_files is not None, "start() the server first"
            return self.geogebra_files.deployggb_url
        return DEFAULT_DEPLOYGGB_URL

    def stop(self) -> None:
        """Stop the server (SIGINT twice, then SIGTERM, then SIGKILL) and its kernels."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(OSError, ServerError):
                self.api("POST", "api/shutdown", timeout=5)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.runtime_dir, ignore_errors=True)
        if self._own_files and self.geogebra_files is not None:
            self.geogebra_files.stop()

    def cleanup(self) -> None:
        """Remove the temporary directories (after the log was copied if needed)."""
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    # --- URLs and REST ------------------------------------------------------------

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "", **query: str) -> str:
        """An absolute URL under the base URL, e.g. ``url("lab/tree/a.ipynb")``."""
        u = f"{self.origin}{self.base_url}{path.lstrip('/')}"
        if query:
            u += "?" + "&".join(f"{k}={v}" if v else k for k, v in query.items())
        return u

    def ws_url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{self.base_url}{path.lstrip('/')}"

    def api(self, method: str, path: str, body: Any = None, *, timeout: float = 30) -> Any:
        """One authenticated REST call; returns the decoded JSON (or None)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url(path), data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as err:
            raise ServerError(f"{method} {path}: HTTP {err.code} {err.read()[:500]!r}") from None
        return json.loads(raw) if raw else None

    def create_notebook(self, name: str, cells: list[str] | None = None,
                        kernel: str = "python3") -> str:
        """Create ``name`` (an .ipynb in the root dir) with a python3 kernelspec (or
        *kernel*'s)."""
        nb = {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": kernel, "display_name": "Python 3 (ipykernel)",
                               "language": "python"},
                "language_info": {"name": "python"},
            },
            "cells": [
                {"cell_type": "code", "id": secrets.token_hex(4), "metadata": {},
                 "execution_count": None, "outputs": [], "source": src}
                for src in (cells or [""])
            ],
        }
        self.api("PUT", f"api/contents/{name}", {"type": "notebook", "format": "json",
                                                  "content": nb})
        return name

    def shutdown_all_sessions(self) -> None:
        """Shut down every session and kernel, so one test's kernels never load the next."""
        for session in self.api("GET", "api/sessions") or []:
            with contextlib.suppress(ServerError):
                self.api("DELETE", f"api/sessions/{session['id']}")
        for kernel in self.api("GET", "api/kernels") or []:
            with contextlib.suppress(ServerError):
                self.api("DELETE", f"api/kernels/{kernel['id']}")


if __name__ == "__main__":  # manual check: python -m tests.browser._server [--real]
    s = LabServer(geogebra="real" if "--real" in sys.argv else "double").start()
    print(s.url("lab", token=s.token), file=sys.stderr)
    try:
        signal.pause()
    finally:
        s.stop()
