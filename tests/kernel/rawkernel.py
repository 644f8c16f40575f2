"""A real ipykernel (jupyter_client) that records EVERY IOPub message, plus a raw OOB
client: for the hardening tests and the fuzz benchmark, which must see what reaches
the notebook even between cells, and must send frames no browser would.

Unlike tests/kernel/client.py (the browser stand-in), nothing here answers requests.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager
from websockets.sync.client import ClientConnection, connect, unix_connect

from ggbmagic.paths import port_file_path, socket_path

REPO = Path(__file__).resolve().parents[2]


class RawKernel:
    """A kernel whose connection file is ``<runtime_dir>/kernel-<id>.json``, as the
    Jupyter server names it, so that ggbmagic derives the same socket as we do."""

    def __init__(self, runtime_dir: Path, env: dict[str, str] | None = None) -> None:
        self.runtime_dir = runtime_dir
        self.kernel_id = str(uuid.uuid4())
        self.km = KernelManager(kernel_name="python3", connection_file=str(
            runtime_dir / f"kernel-{self.kernel_id}.json"))
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        self.km.start_kernel(env=dict(os.environ, PYTHONPATH=path, **(env or {})),
                             cwd=str(runtime_dir))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.iopub: list[dict[str, Any]] = []
        self.last: list[dict[str, Any]] = []  # the IOPub messages of the last run()
        self._cond = threading.Condition()
        #: Every OOB client connect() opened: close() closes those a failed test left.
        self._clients: list[ClientConnection] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        while not self._stop.is_set():
            try:
                # The channel's own (synchronous) get_msg: the client's get_iopub_msg
                # wrapper would give this thread an asyncio loop that nobody closes.
                msg = self.kc.iopub_channel.get_msg(timeout=0.2)
            except queue.Empty:
                continue
            except Exception:
                if self._stop.is_set():
                    return
                continue
            with self._cond:
                self.iopub.append(msg)
                self._cond.notify_all()

    @property
    def pid(self) -> int:
        provisioner: Any = self.km.provisioner
        return int(provisioner.process.pid)

    def rss_bytes(self) -> int:
        """The kernel process's resident memory (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def stream_bytes(self) -> int:
        """Bytes of stdout/stderr the kernel published so far: what a notebook saves."""
        with self._cond:
            return sum(len(m["content"]["text"].encode()) for m in self.iopub
                       if m["msg_type"] == "stream")

    def run(self, code: str, timeout: float = 60.0) -> str:
        """Execute *code*; wait for its idle status; return its stdout. Raises on error."""
        msg_id = self.kc.execute(code)
        with self._cond:
            done = self._cond.wait_for(lambda: any(
                m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle" for m in self.iopub), timeout)
            mine = [m for m in self.iopub if m["parent_header"].get("msg_id") == msg_id]
        if not done:
            raise TimeoutError(f"cell did not finish within {timeout} s: {code[:80]!r}")
        self.last = mine
        for m in mine:
            if m["msg_type"] == "error":
                raise AssertionError(f"{m['content']['ename']}: {m['content']['evalue']}")
        return "".join(m["content"]["text"] for m in mine
                       if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")

    def data(self, mime: str) -> list[Any]:
        """The *mime* outputs (execute_result, display_data) of the last run()."""
        return [m["content"]["data"][mime] for m in self.last
                if m["msg_type"] in ("execute_result", "display_data")
                and mime in m["content"]["data"]]

    def wait_stdout(self, msg_id: str, text: str, timeout: float = 60.0) -> None:
        """Wait until the cell *msg_id* has printed *text* (e.g. to know it is running)."""
        with self._cond:
            ok = self._cond.wait_for(lambda: any(
                m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream"
                and text in m["content"]["text"] for m in self.iopub), timeout)
        if not ok:
            raise TimeoutError(f"the cell did not print {text!r} within {timeout} s")

    def hello(self) -> dict[str, Any]:
        """The data of the last ggbmagic comm_open / hello seen."""
        with self._cond:
            for m in reversed(self.iopub):
                data = m["content"].get("data", {})
                if m["msg_type"] in ("comm_open", "comm_msg") and data.get("type") == "hello":
                    return dict(data)
        raise AssertionError("the kernel sent no ggbmagic hello")

    def connect(self, authenticate: bool = True) -> ClientConnection:
        """A raw OOB client on the kernel's socket (or loopback port), hello sent."""
        path = socket_path(self.kernel_id, self.runtime_dir)
        if path.exists():
            ws = unix_connect(str(path), max_size=None).__enter__()
        else:
            port = int(port_file_path(self.kernel_id, self.runtime_dir).read_text())
            ws = connect(f"ws://127.0.0.1:{port}/", max_size=None).__enter__()
        self._clients.append(ws)
        if authenticate:
            ws.send(json.dumps({"v": 1, "type": "hello", "token": self.hello()["token"]}))
            welcome = json.loads(ws.recv(timeout=10))
            assert welcome["type"] == "welcome", welcome
        return ws

    def close(self) -> None:
        for ws in self._clients:
            ws.close()  # a no-op for those the test closed itself
        self._stop.set()
        self._thread.join(5)  # before its channel closes under it
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)
