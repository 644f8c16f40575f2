"""A real ipykernel, driven through jupyter_client, and a Python client that plays the
browser: it receives ggbmagic's comm messages on IOPub and answers over the real
out-of-band socket with the real token.

GeoGebra itself is replaced by :class:`FakeGeoGebra`, a TEST DOUBLE that understands a
handful of commands (points, numbers, Distance, SetColor) so that answers can be checked.
Used by tests/kernel and benchmarks/.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import math
import os
import queue
import re
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, unix_connect

from ggbmagic.paths import socket_path

REPO = Path(__file__).resolve().parents[2]

# A 1x1 transparent PNG: the fake applet's "snapshot".
TINY_PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)).decode()

_POINT = re.compile(r"^\(\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\)$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DISTANCE = re.compile(r"^Distance\(\s*(\w+)\s*,\s*(\w+)\s*\)$")
_ASSIGN = re.compile(r"^([A-Za-z]\w*)\s*=\s*(.+)$")


class FakeGeoGebra:
    """TEST DOUBLE of a GeoGebra applet: points, numbers, Distance(P, Q), SetColor."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.view: dict[str, float] = {"xMin": -4.3, "yMin": -5.66, "invXscale": 0.02,
                                       "invYscale": 0.02, "width": 798, "height": 598}

    def describe(self, name: str) -> dict[str, Any]:
        obj = self.objects[name]
        info = {"name": name, "type": obj["type"], "definition": obj.get("definition", ""),
                "command": obj.get("definition", ""), "defined": True,
                "visible": obj.get("visible", True)}
        if obj["type"] == "point":
            x, y = obj["x"], obj["y"]
            info |= {"value": f"{name} = ({x:g}, {y:g})", "x": x, "y": y, "z": 0.0}
        else:
            info |= {"value": f"{name} = {obj['number']:g}", "number": obj["number"]}
        return info

    def eval(self, text: str) -> list[str] | None:
        """Like evalCommandGetLabels: created labels, or None when the command fails."""
        if re.match(r"^SetColor\(\s*\w+\s*,\s*\"\w+\"\s*\)$", text):
            return []
        match = _ASSIGN.match(text)
        if not match:
            return None
        name, rhs = match.group(1), match.group(2).strip()
        # A redefined object keeps its style, as in GeoGebra: here, whether it is shown.
        shown = self.objects.get(name, {}).get("visible", True)
        if (point := _POINT.match(rhs)) is not None:
            self.objects[name] = {"type": "point", "x": float(point.group(1)),
                                  "y": float(point.group(2))}
        elif _NUMBER.match(rhs):
            self.objects[name] = {"type": "numeric", "number": float(rhs)}
        elif (dist := _DISTANCE.match(rhs)) is not None:
            a, b = self.objects.get(dist.group(1)), self.objects.get(dist.group(2))
            if not a or not b or a["type"] != "point" or b["type"] != "point":
                return None
            self.objects[name] = {"type": "numeric", "definition": rhs,
                                  "number": math.hypot(a["x"] - b["x"], a["y"] - b["y"])}
        else:
            return None
        self.objects[name]["visible"] = shown
        return [name]

    def command(self, text: str) -> dict[str, Any]:
        labels = self.eval(text)
        if labels is None:
            return {"ok": False, "labels": [], "objects": []}
        return {"ok": True, "labels": labels, "objects": [self.describe(n) for n in labels]}

    def call(self, method: str, args: list[Any]) -> Any:
        if method == "getValue":
            obj = self.objects.get(args[0])
            return obj["number"] if obj and obj["type"] == "numeric" else 0
        if method == "exists":
            return args[0] in self.objects
        if method == "getValueString":
            return self.describe(args[0])["value"] if args[0] in self.objects else ""
        if method in ("getXcoord", "getYcoord"):
            obj = self.objects.get(args[0], {})
            return obj.get("x" if method == "getXcoord" else "y", 0)
        if method == "echo":  # not GeoGebra: lets tests check that replies never cross
            return {"echo": args}
        if method == "deleteObject":
            self.objects.pop(args[0], None)
            return None
        if method == "newConstruction":
            self.objects.clear()
            return None
        if method == "setValue":
            obj = self.objects.get(args[0])
            if obj and obj["type"] == "numeric":
                obj["number"] = float(args[1])
            return None
        if method in ("setVisible", "getVisible"):
            obj = self.objects.get(args[0], {})
            if method == "setVisible" and obj:
                obj["visible"] = bool(args[1])
            return bool(obj.get("visible", True))
        if method == "getViewProperties":  # GeoGebra's answer: a JSON string (conformance)
            return json.dumps(self.view)
        if method == "setCoordSystem":
            xmin, xmax, ymin, ymax = (float(a) for a in args)
            self.view |= {"xMin": xmin, "yMin": ymin,
                          "invXscale": (xmax - xmin) / self.view["width"],
                          "invYscale": (ymax - ymin) / self.view["height"]}
            return None
        if method == "getPNGBase64":  # the view's size times the scale, as GeoGebra's
            from PIL import Image

            size = (round(self.view["width"] * args[0]), round(self.view["height"] * args[0]))
            buf = io.BytesIO()
            # Its colour follows the numbers, so an animation's frames differ.
            shade = int(sum(o.get("number", 0) for o in self.objects.values()) * 40) % 256
            Image.new("RGB", size, (shade, 255, 255)).save(buf, format="PNG")
            return base64.b64encode(buf.getvalue()).decode()
        if method == "exportSVG":
            return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
        if method == "getBase64":
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as archive:
                archive.writestr("geogebra.xml", json.dumps(self.objects))
            return base64.b64encode(buf.getvalue()).decode()
        if method == "setBase64":
            with zipfile.ZipFile(io.BytesIO(base64.b64decode(args[0]))) as archive:
                self.objects = json.loads(archive.read("geogebra.xml"))
            return None
        raise ValueError(f"{method} is not a GeoGebra API method")


#: What the kernel may send, and the fields each message must carry (docs/protocol.md).
COMM_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "hello": {"kernel_id": str, "token": str, "max_frame_bytes": int},
    "command": {"id": str, "text": str},
    "batch": {"id": str, "stop_on_error": bool, "lines": list},
    "call": {"id": str, "method": str, "args": list},
    "snapshot": {"id": str},
    "ping": {"id": str},
    "open": {"app": dict},
}
OOB_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "welcome": {"kernel_id": str, "max_frame_bytes": int},
    "error": {"code": str, "message": str},
    "pong": {"time": (int, float)},
}


def malformed(msg: Any, fields: dict[str, dict[str, type | tuple[type, ...]]]) -> str | None:
    """Why *msg* is not a well-formed kernel message of the protocol, or None if it is.

    >>> malformed({"v": 1, "type": "ping", "id": "x"}, COMM_FIELDS) is None
    True
    """
    if not isinstance(msg, dict):
        return f"not a JSON object: {msg!r:.200}"
    if msg.get("v") != 1:
        return f"version {msg.get('v')!r}, not 1: {msg!r:.200}"
    kind = msg.get("type")
    if kind not in fields:
        return f"unknown type {kind!r}: {msg!r:.200}"
    for name, kind_of in fields[kind].items():
        value = msg.get(name)
        # bool is an int in Python: a flag is never a number, a number never a flag.
        if not isinstance(value, kind_of) or (isinstance(value, bool) and kind_of is not bool):
            return f"{kind} without a valid {name!r}: {msg!r:.200}"
    if kind == "batch" and not all(
            isinstance(line, dict) and isinstance(line.get("line"), int)
            and isinstance(line.get("text"), str) for line in msg["lines"]):
        return f"batch with a malformed line: {msg!r:.200}"
    return None


@dataclass
class BrowserPlayer:
    """Plays the JupyterLab side: comm in (IOPub), OOB socket out.

    Like the real bridge (frontend/src/bridge.ts) it handles the kernel's messages one at
    a time, in the order they arrived, on one worker thread. A malformed message from the
    kernel (comm or OOB frame) is never dropped silently: it goes into ``problems``, and
    :class:`KernelSession` fails the test on it.
    """

    runtime_dir: Path
    answer: bool = True
    delay: float = 0.0
    applet: FakeGeoGebra = field(default_factory=FakeGeoGebra)
    comm_id: str | None = None
    hello: dict[str, Any] | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    #: Request ids in the order they arrived (IOPub order) and their replies were sent.
    arrived: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    #: The most requests ever handled at the same time (the bridge: 1).
    max_busy: int = 0
    oob_frames: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ws: ClientConnection | None = None
    connect_on_hello: bool = True
    send_ready: bool = True
    connected: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _frames: threading.Condition = field(default_factory=threading.Condition)
    _inbox: queue.Queue[dict[str, Any] | None] = field(default_factory=queue.Queue)
    _worker: threading.Thread | None = None
    _pings: itertools.count[int] = field(default_factory=itertools.count)
    _busy: int = 0
    _busy_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._worker = threading.Thread(target=self._work, name="browser-player", daemon=True)
        self._worker.start()

    @property
    def socket(self) -> Path:
        assert self.hello is not None, "no hello received yet"
        return socket_path(self.hello["kernel_id"], self.runtime_dir)

    def on_comm(self, data: Any) -> None:
        """One comm message (comm_open or comm_msg data) from the kernel, from IOPub."""
        problem = malformed(data, COMM_FIELDS)
        if problem is not None:
            self.problems.append(f"comm message from the kernel: {problem}")
            return
        if "id" in data:
            self.arrived.append(data["id"])
        self._inbox.put(data)

    def _work(self) -> None:
        while (data := self._inbox.get()) is not None:
            try:
                self._handle(data)
            except Exception as exc:  # a bug of the stand-in must fail the test too
                self.problems.append(f"handling {data.get('type')!r} failed: {exc!r}")

    def _handle(self, data: dict[str, Any]) -> None:
        self.received.append(data)
        kind = data["type"]
        if kind == "hello":
            self.hello = data
            if self.connect_on_hello and self.ws is None:
                self.connect()
            return
        if not self.answer or "id" not in data:
            return
        with self._busy_lock:
            self._busy += 1
            self.max_busy = max(self.max_busy, self._busy)
        try:
            self._answer(data)
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _answer(self, data: dict[str, Any]) -> None:
        kind = data["type"]
        if self.delay:
            # Simulates a slow applet: the next request waits behind this one.
            time.sleep(self.delay)
        try:
            if kind == "command":
                result: Any = self.applet.command(data["text"])
            elif kind == "batch":
                results = []
                for line in data["lines"]:
                    res = self.applet.command(line["text"]) | {"line": line["line"],
                                                               "text": line["text"]}
                    results.append(res)
                    if not res["ok"] and data["stop_on_error"]:
                        break
                result = {"results": results}
            elif kind == "call":
                result = self.applet.call(data["method"], data["args"])
            elif kind == "snapshot":
                result = {"objects": [self.applet.describe(n) for n in self.applet.objects]}
            else:  # ping
                result = {"version": "fake-1.0", "appName": "classic",
                          "objects": len(self.applet.objects)}
            reply = {"type": "reply", "id": data["id"], "ok": True, "result": result}
        except Exception as exc:
            reply = {"type": "reply", "id": data["id"], "ok": False, "error": str(exc)}
        self.answered.append(data["id"])
        self.send(reply)

    def connect(self) -> None:
        assert self.hello is not None
        # websockets wants the sync client used as a context manager; close() exits it.
        ws = unix_connect(str(self.socket), max_size=None).__enter__()
        ws.send(json.dumps({"v": 1, "type": "hello", "token": self.hello["token"],
                            "client": "pytest-browser-player"}))
        welcome = json.loads(ws.recv(timeout=5))
        assert welcome["type"] == "welcome", welcome
        self.ws = ws
        threading.Thread(target=self._read, args=(ws,), daemon=True).start()
        if self.send_ready:
            self.send({"type": "ready", "applet": {"version": "fake-1.0", "appName": "classic"}})
        self.connected.set()

    def _read(self, ws: ClientConnection) -> None:
        try:
            for frame in ws:
                try:
                    msg = json.loads(frame)
                except ValueError:
                    msg = frame
                problem = malformed(msg, OOB_FIELDS)
                if problem is not None:
                    self.problems.append(f"OOB frame from the kernel: {problem}")
                    continue
                with self._frames:
                    self.oob_frames.append(msg)
                    self._frames.notify_all()
        except ConnectionClosed:
            pass  # the kernel or the test closed the socket
        except Exception as exc:
            self.problems.append(f"reading the OOB socket failed: {exc!r}")

    def sync(self, timeout: float = 10.0) -> None:
        """Return once the kernel has handled every frame sent so far.

        The kernel handles one connection's frames in order and answers a heartbeat with
        a pong: when the pong is back, everything sent before it has been handled.
        """
        stamp = float(next(self._pings)) + 0.5  # never a real clock value
        self.send({"type": "heartbeat", "time": stamp})
        with self._frames:
            if not self._frames.wait_for(
                    lambda: any(f["type"] == "pong" and f["time"] == stamp
                                for f in self.oob_frames), timeout):
                raise AssertionError(f"the kernel did not answer a heartbeat within {timeout} s")

    def send(self, msg: dict[str, Any]) -> None:
        assert self.ws is not None, "not connected"
        with self._lock:
            self.ws.send(json.dumps({"v": 1} | msg))

    def send_raw(self, frame: str | bytes) -> None:
        assert self.ws is not None
        with self._lock:
            self.ws.send(frame)

    def events(self, *items: dict[str, Any]) -> None:
        now = time.time() * 1000
        self.send({"type": "event", "events": [
            {"target": None, "argument": None, "time": now} | item for item in items]})

    def disconnect(self) -> None:
        """Close the OOB socket (as a reload would); the worker stays for the next hello."""
        ws, self.ws = self.ws, None
        self.connected.clear()
        if ws is not None:
            ws.close()

    def close(self) -> None:
        self.disconnect()
        self._inbox.put(None)
        if self._worker is not None:
            self._worker.join(10)


@dataclass
class Execution:
    """What one execute_request produced."""

    msg_id: str
    outputs: list[dict[str, Any]] = field(default_factory=list)
    reply: dict[str, Any] | None = None
    idle: bool = False
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def stdout(self) -> str:
        return "".join(o["content"]["text"] for o in self.outputs
                       if o["msg_type"] == "stream" and o["content"]["name"] == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(o["content"]["text"] for o in self.outputs
                       if o["msg_type"] == "stream" and o["content"]["name"] == "stderr")

    @property
    def error(self) -> dict[str, Any] | None:
        for out in self.outputs:
            if out["msg_type"] == "error":
                return out["content"]  # type: ignore[no-any-return]
        # IPython shows a UsageError on stderr, without an error message; the reply says it.
        if self.reply is not None and self.reply.get("status") == "error":
            return {"ename": self.reply.get("ename", ""), "evalue": self.reply.get("evalue", ""),
                    "stderr": self.stderr}
        return None

    def data(self, mime: str = "text/plain") -> list[Any]:
        return [o["content"]["data"][mime] for o in self.outputs
                if o["msg_type"] in ("execute_result", "display_data")
                and mime in o["content"]["data"]]


class KernelSession:
    """A real ipykernel (subprocess) plus a BrowserPlayer answering its ggbmagic comm."""

    def __init__(self, runtime_dir: Path, **player: Any) -> None:
        self.runtime_dir = runtime_dir
        runtime_dir.mkdir(parents=True, exist_ok=True)
        self.kernel_id = str(uuid.uuid4())
        self.km = KernelManager(kernel_name="python3",
                                connection_file=str(runtime_dir / f"kernel-{self.kernel_id}.json"))
        # The kernel imports ggbmagic from this checkout, whatever is installed.
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime_dir), PYTHONPATH=path)
        self.km.start_kernel(env=env, cwd=str(runtime_dir))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.player = BrowserPlayer(runtime_dir, **player)
        self._executions: dict[str, Execution] = {}
        self._stop = threading.Event()
        # The channels' own (synchronous) get_msg: the client's get_*_msg wrappers would
        # give each pump thread an asyncio loop that nobody closes.
        self._pumps = [
            threading.Thread(target=self._pump, daemon=True, name=f"pump-{name}",
                             args=(channel.get_msg, handle))
            for name, channel, handle in (("iopub", self.kc.iopub_channel, self._on_iopub),
                                          ("shell", self.kc.shell_channel, self._on_shell))]
        for pump in self._pumps:
            pump.start()

    def _pump(self, get: Callable[..., dict[str, Any]],
              handle: Callable[[dict[str, Any]], None]) -> None:
        while not self._stop.is_set():
            try:
                msg = get(timeout=0.2)
            except queue.Empty:
                continue
            except Exception as exc:
                if self._stop.is_set():
                    return
                self.player.problems.append(f"reading a kernel channel failed: {exc!r}")
                return
            handle(msg)

    def _on_iopub(self, msg: dict[str, Any]) -> None:
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "comm_open" and content.get("target_name") == "ggbmagic":
            self.player.comm_id = content["comm_id"]
        if (kind == "comm_open" and content.get("target_name") == "ggbmagic") or (
                kind == "comm_msg" and content.get("comm_id") == self.player.comm_id):
            # Queued for the player's one worker, in arrival order, as the bridge does.
            self.player.on_comm(content.get("data"))
            return
        ex = self._executions.get(msg.get("parent_header", {}).get("msg_id") or "")
        if ex is None:
            return
        if kind in ("stream", "execute_result", "display_data", "error"):
            ex.outputs.append(msg)
        elif kind == "status" and content.get("execution_state") == "idle":
            ex.idle = True
            self._maybe_done(ex)

    def _on_shell(self, msg: dict[str, Any]) -> None:
        ex = self._executions.get(msg.get("parent_header", {}).get("msg_id", ""))
        if ex is not None and msg["msg_type"] == "execute_reply":
            ex.reply = msg["content"]
            self._maybe_done(ex)

    @staticmethod
    def _maybe_done(ex: Execution) -> None:
        # Done when both the reply (shell) and the idle status (IOPub, after every output
        # of the request) have arrived; the two channels are not ordered with each other.
        if ex.reply is not None and ex.idle:
            ex.done.set()

    def execute(self, code: str, timeout: float = 60.0, *, check: bool = True) -> Execution:
        """Run *code*; with *check*, fail on what the browser stand-in refused meanwhile."""
        # Register before sending: IOPub output can arrive before execute() returns.
        msg = self.kc.session.msg("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        ex = Execution(msg["header"]["msg_id"])
        self._executions[ex.msg_id] = ex
        self.kc.shell_channel.send(msg)
        if not ex.done.wait(timeout):
            raise TimeoutError(f"cell did not finish within {timeout} s: {code[:80]!r}")
        if check:
            self.assert_no_problems()
        return ex

    def assert_no_problems(self) -> None:
        """Fail on anything the browser stand-in found wrong with the kernel's messages."""
        problems, self.player.problems[:] = list(self.player.problems), []
        assert not problems, "the browser stand-in refused:\n" + "\n".join(problems)

    def ok(self, code: str, timeout: float = 60.0) -> Execution:
        """Execute and assert that no error came out."""
        ex = self.execute(code, timeout)
        assert ex.error is None, f"{ex.error['ename']}: {ex.error['evalue']}"  # type: ignore[index]
        return ex

    def close(self) -> None:
        self._stop.set()
        self.player.close()
        for pump in self._pumps:
            pump.join(5)
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)
        self.assert_no_problems()
