"""A real JupyterHub on 127.0.0.1 for a class of students, started and stopped by the tests.

JupyterHub (PyPI ``jupyterhub``) with its proxy ``configurable-http-proxy`` (npm, in
``tests/hub/node_modules``: ``make install-dev`` installs it), the
``SimpleLocalProcessSpawner`` (single-user servers as this OS user, one home folder per
user) and the ``DummyAuthenticator`` (one shared password). A test service with an admin
token creates the users and starts their servers through the hub's REST API.

GeoGebra is installed **once for everyone**: ``jupyter ggbmagic geogebra install
--data-dir <shared>`` into a data dir that every single-user server has on its
``JUPYTER_PATH`` — what ``--sys-prefix`` is on a real hub (the environment's data dir,
on everyone's path). The test venv's own prefix is not used: it would leak the bundle
into every other test of the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ggbmagic.bundle import store

__all__ = ["PROXY", "Hub", "HubError"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = REPO / ".venv" / "bin"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
START_TIMEOUT = 90.0
#: Single-user servers start in parallel on a small machine: be generous.
SPAWN_TIMEOUT = 240.0


class HubError(RuntimeError):
    """The hub did not start, or answered a REST call with an error."""


def _free_port() -> int:
    # JupyterHub needs its ports in its config; the OS picks them here. The proxy binds
    # them a second later; on a loopback-only test machine the race is negligible.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {pid_file!r}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {spawn_timeout}
c.Spawner.http_timeout = {spawn_timeout}
c.Spawner.args = [
    "--allow-root",
    "--ServerApp.jpserver_extensions=ggbmagic=True",
    "--LabApp.expose_app_in_browser=True",
    "--LabApp.news_url=",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
c.Spawner.environment = {{
    "JUPYTER_PATH": {shared_data!r},
    "JUPYTER_CONFIG_DIR": {config_dir!r},
    "IPYTHONDIR": {ipython_dir!r},
    "JUPYTER_RUNTIME_DIR": lambda sp: {runtime!r} + "/" + sp.user.name,
    "PATH": {path!r},
    "PYTHONUNBUFFERED": "1",
}}
c.JupyterHub.services = [{{"name": "ggbmagic-tests", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "ggbmagic-tests", "services": ["ggbmagic-tests"],
                             "scopes": ["admin:users", "admin:servers", "list:users"]}}]
c.JupyterHub.log_level = "INFO"
# POST /users/<name>/server returns at once: all servers start in parallel.
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
"""


class Hub:
    """``jupyterhub`` with the config above, until :meth:`stop`.

    >>> hub = Hub().start()                  # doctest: +SKIP
    >>> hub.spawn(["ana", "ben"])            # doctest: +SKIP
    >>> hub.url("user/ana/lab")              # doctest: +SKIP
    'http://127.0.0.1:41234/user/ana/lab'
    """

    def __init__(self) -> None:
        if not PROXY.exists():
            raise HubError(f"{PROXY} is missing: run `make install-dev` (it runs npm install "
                           "in tests/hub for configurable-http-proxy)")
        self.tmp = Path(tempfile.mkdtemp(prefix="ggbm-hub-"))
        # Short: the kernels' Unix sockets live under the runtime dirs.
        self.runtime = Path(tempfile.mkdtemp(prefix="ggbhub-", dir="/tmp"))
        self.homes = self.tmp / "home"
        self.shared_data = self.tmp / "share-jupyter"
        self.config_dir = self.tmp / "config"
        for d in (self.homes, self.shared_data, self.config_dir / "labconfig"):
            d.mkdir(parents=True)
        (self.config_dir / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        # The kernels' IPython config: ggbmagic's waits, lengthened for a test machine that
        # runs five JupyterLabs and five pages on two shared cores (measured: a panel
        # connected after more than the default 10 s under a load average of 34). A class
        # server sized for its class keeps the defaults.
        self.ipython_dir = self.tmp / "ipython"
        (self.ipython_dir / "profile_default").mkdir(parents=True)
        (self.ipython_dir / "profile_default" / "ipython_config.py").write_text(
            "c.GgbMagics.connect_timeout = 120.0\n"
            "c.GgbMagics.ready_timeout = 120.0\n"
            "c.GgbMagics.timeout = 60.0\n")
        self.password = secrets.token_hex(8)
        self.token = secrets.token_hex(24)
        self.port = _free_port()
        self.log_path = self.tmp / "hub.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        #: Output of the one bundle install for everyone.
        self.install_log = ""
        self.geogebra_version = ""

    # --- GeoGebra for everyone -----------------------------------------------------------

    def install_geogebra(self, bundle: Path, *args: str) -> str:
        """Install a bundle once, for every user, with the product's own command."""
        done = subprocess.run(
            [str(BIN / "jupyter"), "ggbmagic", "geogebra", "install", "--data-dir",
             str(self.shared_data), *args, str(bundle)],
            capture_output=True, text=True, timeout=120, check=False)
        self.install_log = done.stdout + done.stderr
        if done.returncode != 0:
            raise HubError(f"jupyter ggbmagic geogebra install failed:\n{self.install_log}")
        newest = store.installed([store.target_dir(data_dir=self.shared_data)])[0]
        self.geogebra_version = newest.version
        return newest.version

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Hub:
        config = self.tmp / "jupyterhub_config.py"
        config.write_text(_CONFIG.format(
            port=self.port, hub_port=_free_port(), proxy_api_port=_free_port(),
            proxy=str(PROXY), pid_file=str(self.tmp / "proxy.pid"),
            db=self.tmp / "hub.sqlite", cookie=str(self.tmp / "cookie_secret"),
            password=self.password, homes=str(self.homes),
            singleuser=str(BIN / "jupyterhub-singleuser"), spawn_timeout=int(SPAWN_TIMEOUT),
            shared_data=str(self.shared_data), config_dir=str(self.config_dir),
            ipython_dir=str(self.ipython_dir),
            runtime=str(self.runtime), path=f"{BIN}:{os.environ.get('PATH', '')}",
            token=self.token))
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        env = dict(os.environ, PATH=f"{BIN}:{os.environ.get('PATH', '')}")
        self.proc = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(config)], cwd=str(self.tmp), env=env,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise HubError(f"jupyterhub exited with {self.proc.returncode}:\n"
                               f"{self.log_text()[-4000:]}")
            with contextlib.suppress(OSError, HubError):
                self.api("GET", "")
                return self
            if time.monotonic() > deadline:
                raise HubError(f"jupyterhub did not answer in {START_TIMEOUT} s:\n"
                               f"{self.log_text()[-4000:]}")
            time.sleep(0.25)  # polling a process we started: nothing to wait on

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            # The hub stops the servers it spawned (cleanup_servers) and its proxy.
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.runtime, ignore_errors=True)

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    # --- REST ---------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        return f"{self.origin}/{path.lstrip('/')}"

    def api(self, method: str, path: str, body: Any = None, *, timeout: float = 30) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url(f"hub/api/{path}"), data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as err:
            raise HubError(f"{method} {path}: HTTP {err.code} {err.read()[:300]!r}") from None
        return json.loads(raw) if raw else None

    def spawn(self, files: dict[str, dict[str, Any]]) -> dict[str, float]:
        """Create the users (``{user: {file name: notebook}}``) with their files in their
        homes, start all their servers at once and wait until each is ready; returns each
        one's seconds to ready."""
        users = list(files)
        self.api("POST", "users", {"usernames": users})
        for name in users:
            home = self.homes / name
            home.mkdir(parents=True, exist_ok=True)
            for file, nb in files[name].items():
                (home / file).write_text(json.dumps(nb))
        start = time.monotonic()
        for name in users:
            self.api("POST", f"users/{name}/server", {})
        ready: dict[str, float] = {}
        deadline = start + SPAWN_TIMEOUT
        while len(ready) < len(users):
            for name in users:
                if name in ready:
                    continue
                server = (self.api("GET", f"users/{name}").get("servers") or {}).get("")
                if server and server.get("ready"):
                    ready[name] = time.monotonic() - start
            if time.monotonic() > deadline:
                raise HubError(f"servers not ready in {SPAWN_TIMEOUT} s: "
                               f"{sorted(set(users) - set(ready))}\n{self.log_text()[-4000:]}")
            time.sleep(0.5)  # polling the hub's REST API: it has no event to wait on
        return ready


if __name__ == "__main__":  # manual check: python -m tests.hub._hub
    hub = Hub().start()
    print(hub.origin, hub.password, file=sys.stderr)
    try:
        signal.pause()
    finally:
        hub.stop()
