"""The dual channel: the one place where ggbmagic does I/O.

* kernel → browser: an IPython Comm (target ``ggbmagic``) opened by the kernel
  (:class:`CommLink`);
* browser → kernel: the out-of-band (OOB) socket served by a thread with its own asyncio
  loop (:class:`Channel`), because a blocking cell keeps the shell channel — and so every
  comm message from the browser — waiting until the cell ends (see docs/architecture.md).

Callers on any thread send a request and wait on a ``concurrent.futures.Future`` that the
socket thread resolves; there is no polling.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import enum
import hmac
import logging
import os
import secrets
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve, unix_serve
from websockets.exceptions import ConnectionClosed

from . import protocol
from .errors import (
    GgbError,
    GgbTimeoutError,
    LoadFailedError,
    NoFrontendError,
    PanelClosedError,
)
from .events import Event, EventLog
from .paths import port_file_path, socket_path

__all__ = ["Channel", "ChannelState", "CommLink", "Counters", "Sender"]

log = logging.getLogger("ggbmagic")

#: The browser has this long to send its hello after connecting.
AUTH_TIMEOUT = 10.0
#: The websockets library closes a connection (code 1009) past this multiple of the
#: configured limit; below it, an oversized frame is refused with an error frame and the
#: connection stays usable.
HARD_LIMIT_FACTOR = 4

NO_FRONTEND_HINT = (
    "ggbmagic needs JupyterLab 4 with the ggbmagic extension: check that "
    "`jupyter labextension list` shows ggbmagic enabled and reload the browser page. "
    "If the GeoGebra panel was closed, run `%ggb --open`."
)

Sender = Callable[[dict[str, Any]], None]
EventSink = Callable[[list[Event]], None]


class ChannelState(enum.Enum):
    IDLE = "idle"  # no browser has connected yet
    CONNECTED = "connected"  # a browser is connected, GeoGebra still loading
    READY = "ready"
    DISCONNECTED = "disconnected"  # the browser went away (reload, network)
    FAILED = "failed"  # the browser could not load GeoGebra
    CLOSED = "closed"  # the user closed the panel
    STOPPED = "stopped"


@dataclass
class Counters:
    """What the socket thread refused or could not match, for `%ggb` status and tests."""

    connections: int = 0
    auth_failures: int = 0
    frames_in: int = 0
    malformed: int = 0
    frame_too_large: int = 0
    bad_version: int = 0
    unknown_type: int = 0
    unknown_ids: int = 0
    browser_errors: int = 0
    events: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class CommLink:
    """Kernel → browser over the ``ggbmagic`` comm. Sends are serialised by a lock.

    The comm is (re)opened lazily: if the browser closed it (for instance because the
    page had no ggbmagic extension at the time), the next hello opens a fresh one.
    """

    def __init__(self, hello: Callable[[], protocol.HelloMsg]) -> None:
        self._hello = hello
        self._comm: Any = None
        self._closed = True
        self._lock = threading.Lock()

    def _open(self) -> None:
        from comm import create_comm  # ipykernel installs its own factory at start-up

        self._comm = create_comm(target_name=protocol.TARGET_NAME, data=dict(self._hello()))
        self._closed = False
        self._comm.on_msg(self._on_msg)
        self._comm.on_close(self._on_close)

    def _on_msg(self, msg: dict[str, Any]) -> None:
        # Runs on the shell channel, only when the kernel is idle (hence only `attach`).
        try:
            data = msg.get("content", {}).get("data", {})
            if isinstance(data, dict) and data.get("type") == "attach":
                self.hello()
        except Exception:  # a comm handler must never raise into the kernel
            log.exception("ggbmagic: could not answer the browser's attach message")

    def _on_close(self, msg: dict[str, Any]) -> None:
        self._closed = True

    def hello(self) -> None:
        """Tell the browser how to connect back (opens the comm if needed)."""
        with self._lock:
            if self._comm is None or self._closed:
                self._open()
            else:
                self._comm.send(dict(self._hello()))

    def send(self, data: dict[str, Any]) -> None:
        """Send one message; opens the comm first if it is not open."""
        with self._lock:
            if self._comm is None or self._closed:
                self._open()
            self._comm.send(data)

    def close(self) -> None:
        with self._lock:
            if self._comm is not None and not self._closed:
                try:
                    self._comm.close()
                except Exception:
                    log.debug("ggbmagic: closing the comm failed", exc_info=True)
            self._closed = True


class Channel:
    """The OOB server thread, the table of waiting requests and the connection state.

    ``send`` carries kernel → browser messages (a :class:`CommLink`'s ``send`` in a
    kernel, anything in tests); ``hello`` asks the browser to connect back.
    """

    def __init__(
        self,
        *,
        kernel_id: str,
        runtime_dir: str | Path,
        send: Sender,
        hello: Callable[[], None],
        max_frame_bytes: Callable[[], int] | int = protocol.DEFAULT_MAX_FRAME_BYTES,
        events: EventLog | None = None,
        use_tcp: bool | None = None,
        token: str | None = None,
    ) -> None:
        self.kernel_id = kernel_id
        self.runtime_dir = Path(runtime_dir)
        self.token = token or secrets.token_urlsafe(32)
        self.events = events if events is not None else EventLog()
        self.counters = Counters()
        self.applet: dict[str, Any] = {}
        #: The browser's last `placement` frame: where the applet is shown (docs/protocol.md).
        self.placement: dict[str, Any] = {}
        self.use_tcp = (os.name == "nt") if use_tcp is None else use_tcp
        self.socket_path: Path | None = None
        self.port: int | None = None
        self._send = send
        self._hello = hello
        self._max_frame = max_frame_bytes
        self._sinks: list[EventSink] = []
        self._pending: dict[str, concurrent.futures.Future[Any]] = {}
        self._cond = threading.Condition()
        self._state = ChannelState.IDLE
        self._failure: tuple[str, str] = ("", "")
        self._closed_reason = ""
        self._peers: set[ServerConnection] = set()
        self._ever_connected = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._started = threading.Event()
        self._startup_error: BaseException | None = None

    # --- lifecycle --------------------------------------------------------------------

    @property
    def max_frame_bytes(self) -> int:
        return self._max_frame() if callable(self._max_frame) else self._max_frame

    @property
    def state(self) -> ChannelState:
        return self._state

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> None:
        """Start the socket thread and wait until it listens. Raises if it cannot."""
        if self.running:
            return
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="ggbmagic-oob", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise GgbError(f"the ggbmagic socket thread did not start within {timeout} s")
        if self._startup_error is not None:
            raise GgbError(
                f"ggbmagic could not open its socket: {self._startup_error}"
            ) from self._startup_error

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread, fail waiting requests, remove the socket. Idempotent."""
        with self._cond:
            if self._state is ChannelState.STOPPED:
                return
            self._state = ChannelState.STOPPED
            self._cond.notify_all()
        self._fail_pending(GgbError("ggbmagic was unloaded; run `%load_ext ggbmagic` again."))
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            stopping = self._stopping
            if stopping is not None:
                loop.call_soon_threadsafe(stopping.set)
            thread.join(timeout)
        self._remove_files()

    def _run(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # the thread must never die silently
            if not self._started.is_set():
                self._startup_error = exc
                self._started.set()
            else:
                log.exception("ggbmagic: the socket thread stopped on an error")
        finally:
            try:
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            finally:
                self._loop.close()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        hard_limit = max(self.max_frame_bytes * HARD_LIMIT_FACTOR, 1 << 20)
        options: dict[str, Any] = {"max_size": hard_limit, "compression": None,
                                   "ping_interval": None}
        server: Server
        if self.use_tcp:
            server = await serve(self._handle, "127.0.0.1", 0, **options)
            self.port = int(server.sockets[0].getsockname()[1])
            self._write_port_file(self.port)
        else:
            path = socket_path(self.kernel_id, self.runtime_dir)
            _private_dir(path.parent)
            if path.exists() or path.is_symlink():
                path.unlink()  # a stale socket of a kernel that died with this id
            server = await unix_serve(self._handle, str(path), **options)
            # The 0700 directory guards the moment between bind and chmod.
            os.chmod(path, 0o600)
            self.socket_path = path
        self._started.set()
        try:
            await self._stopping.wait()
        finally:
            server.close()
            await server.wait_closed()

    def _write_port_file(self, port: int) -> None:
        path = port_file_path(self.kernel_id, self.runtime_dir)
        _private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(str(port))

    def _remove_files(self) -> None:
        for path in (self.socket_path,
                     port_file_path(self.kernel_id, self.runtime_dir) if self.use_tcp else None):
            if path is not None:
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                except OSError:
                    log.warning("ggbmagic: could not remove %s", path, exc_info=True)

    # --- the socket thread --------------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        try:
            first = await asyncio.wait_for(ws.recv(), AUTH_TIMEOUT)
            msg = protocol.decode(first, self.max_frame_bytes)
            token = msg.get("token") if msg["type"] == "hello" else None
            if not isinstance(token, str) or not hmac.compare_digest(
                token.encode(), self.token.encode()
            ):
                raise PermissionError("bad token")
        except ConnectionClosed:
            return
        except (TimeoutError, protocol.ProtocolError, PermissionError):
            self.counters.auth_failures += 1
            log.warning("ggbmagic: refused an OOB connection without a valid hello/token")
            await ws.close(4001, "unauthorized")
            return
        await ws.send(protocol.encode(protocol.welcome(self.kernel_id, self.max_frame_bytes)))
        with self._cond:
            self._peers.add(ws)
            self._ever_connected = True
            self.counters.connections += 1
            if self._state in (ChannelState.IDLE, ChannelState.DISCONNECTED):
                self._state = ChannelState.CONNECTED
            self._cond.notify_all()
        try:
            async for frame in ws:
                answer = self._on_frame(frame)
                if answer is not None:
                    await ws.send(protocol.encode(answer))
        except ConnectionClosed as exc:
            # 1009: past the hard limit websockets itself refuses the frame and closes.
            if any(c is not None and c.code == 1009 for c in (exc.sent, exc.rcvd)):
                self.counters.frame_too_large += 1
        except Exception:
            log.exception("ggbmagic: error on the OOB connection; closing it")
            await ws.close(1011, "internal error")
        finally:
            self._on_disconnect(ws)

    def _on_frame(self, frame: str | bytes) -> dict[str, Any] | None:
        """Handle one authenticated frame; return an answer frame or None. Never raises."""
        self.counters.frames_in += 1
        try:
            msg = protocol.decode(frame, self.max_frame_bytes)
        except protocol.ProtocolError as exc:
            setattr(self.counters, exc.code, getattr(self.counters, exc.code) + 1)
            log.warning("ggbmagic: refused a frame from the browser: %s", exc.message)
            return dict(protocol.error(exc.code, exc.message))
        try:
            return self._dispatch(msg)
        except Exception:
            self.counters.malformed += 1
            log.exception("ggbmagic: could not handle a %r frame", msg.get("type"))
            return dict(protocol.error("malformed", "the kernel could not handle this frame"))

    def _dispatch(self, msg: protocol.BrowserToKernel) -> dict[str, Any] | None:
        kind = msg["type"]
        if kind == "reply":
            reply: protocol.ReplyMsg = msg  # type: ignore[assignment]
            with self._cond:
                fut = self._pending.pop(reply["id"], None)
            if fut is None:
                # Late (after a timeout) or duplicated (two tabs): nobody waits for it.
                self.counters.unknown_ids += 1
                log.debug("ggbmagic: reply for unknown request %s", reply["id"])
            elif not fut.done():
                if reply["ok"]:
                    fut.set_result(reply.get("result"))
                else:
                    fut.set_exception(GgbError(
                        f"GeoGebra refused the request: {reply.get('error') or 'no reason given'}"
                    ))
        elif kind == "event":
            stored = self.events.extend(msg["events"])  # type: ignore[typeddict-item]
            self.counters.events += len(stored)
            for sink in list(self._sinks):
                try:
                    sink(stored)
                except Exception:
                    log.exception("ggbmagic: an event sink failed")
        elif kind == "ready":
            with self._cond:
                self.applet = dict(msg["applet"])  # type: ignore[typeddict-item]
                self._state = ChannelState.READY
                self._cond.notify_all()
        elif kind == "load_failed":
            failed: protocol.LoadFailedMsg = msg  # type: ignore[assignment]
            with self._cond:
                self._failure = (failed["url"], failed["message"])
                self._state = ChannelState.FAILED
                self._cond.notify_all()
            self._fail_pending(LoadFailedError(*self._failure))
        elif kind == "closed":
            with self._cond:
                self._closed_reason = msg["reason"]  # type: ignore[typeddict-item]
                self._state = ChannelState.CLOSED
                self._cond.notify_all()
            self._fail_pending(PanelClosedError(self._closed_reason))
        elif kind == "placement":
            with self._cond:
                self.placement = dict(msg)
                self._cond.notify_all()
        elif kind == "heartbeat":
            return protocol.pong(msg["time"])  # type: ignore[typeddict-item]
        elif kind == "error":
            self.counters.browser_errors += 1
            log.warning("ggbmagic: the browser reported %s: %s",
                        msg["code"], msg["message"])  # type: ignore[typeddict-item]
        else:  # a second hello on a live connection
            self.counters.unknown_type += 1
            return dict(protocol.error("unknown_type", f"unexpected {kind!r} frame"))
        return None

    def _on_disconnect(self, ws: ServerConnection) -> None:
        with self._cond:
            self._peers.discard(ws)
            lost = not self._peers and self._state in (ChannelState.CONNECTED,
                                                         ChannelState.READY)
            if lost:
                self._state = ChannelState.DISCONNECTED
                self.placement = {}  # the next browser says where it shows the applet
            self._cond.notify_all()
        if lost:
            self._fail_pending(GgbError(
                "The browser disconnected before GeoGebra answered (page reloaded or closed?). "
                "Run the cell again once the notebook is open."
            ))

    def _fail_pending(self, error: BaseException) -> None:
        with self._cond:
            pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(error)

    # --- the waiting side (any thread) ------------------------------------------------------

    def add_event_sink(self, sink: EventSink) -> None:
        """Call *sink* on the socket thread with every batch of stored events."""
        self._sinks.append(sink)

    def reopen(self) -> None:
        """Forget a closed panel or a failed load, so the next request asks again."""
        with self._cond:
            if self._state in (ChannelState.CLOSED, ChannelState.FAILED):
                self._state = (ChannelState.CONNECTED if self._peers
                               else ChannelState.DISCONNECTED)

    def mark_rebuilding(self) -> None:
        """The applet is being rebuilt (another app): wait for its next `ready`."""
        with self._cond:
            if self._state is ChannelState.READY:
                self._state = ChannelState.CONNECTED

    def wait_ready(self, ready_timeout: float, connect_timeout: float) -> None:
        """Block until a browser's applet is ready, asking the browser to connect if none is.

        Raises :class:`NoFrontendError` when no browser connects within *connect_timeout*,
        :class:`GgbTimeoutError` when one connects but GeoGebra is not ready within
        *ready_timeout*, and the closed/failed errors at once.
        """
        with self._cond:
            if self._state is ChannelState.READY and self._peers:
                return
            self._raise_for_state()
            ask = not self._peers
        if ask:
            self._hello()
        start = time.monotonic()
        with self._cond:
            while True:
                if self._state is ChannelState.READY and self._peers:
                    return
                self._raise_for_state()
                elapsed = time.monotonic() - start
                # Two deadlines: a browser must connect soon (else there is no frontend),
                # GeoGebra may then take longer to load from the network.
                deadline = ready_timeout if self._peers else connect_timeout
                if elapsed >= deadline and not self._peers:
                    raise NoFrontendError(
                        f"No GeoGebra panel connected within {connect_timeout:g} s. "
                        + NO_FRONTEND_HINT
                    )
                if elapsed >= deadline:
                    raise GgbTimeoutError(
                        f"The GeoGebra panel is connected but GeoGebra did not finish loading "
                        f"within {ready_timeout:g} s. Loading from geogebra.org can take a while "
                        "on a slow network: run the cell again, or raise "
                        "`%config GgbMagics.ready_timeout`."
                    )
                self._cond.wait(deadline - elapsed)

    def _raise_for_state(self) -> None:
        # Called with self._cond held.
        if self._state is ChannelState.CLOSED:
            raise PanelClosedError(self._closed_reason or "panel closed")
        if self._state is ChannelState.FAILED:
            raise LoadFailedError(*self._failure)
        if self._state is ChannelState.STOPPED:
            raise GgbError("ggbmagic was unloaded; run `%load_ext ggbmagic` again.")

    def submit(self, msg: protocol.Request) -> concurrent.futures.Future[Any]:
        """Register a future for *msg*'s id and send it to the browser (no waiting)."""
        fut: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._cond:
            self._raise_for_state()
            self._pending[msg["id"]] = fut
        try:
            self._send(dict(msg))
        except Exception:
            with self._cond:
                self._pending.pop(msg["id"], None)
            raise
        return fut

    def forget(self, request_id: str) -> None:
        """Stop waiting for *request_id* (its late reply will be counted as unknown)."""
        with self._cond:
            self._pending.pop(request_id, None)

    def request(self, msg: protocol.Request, timeout: float) -> Any:
        """Send *msg* and block until its reply, at most *timeout* seconds."""
        fut = self.submit(msg)
        try:
            return fut.result(timeout)
        except concurrent.futures.TimeoutError:
            raise GgbTimeoutError(
                f"GeoGebra did not answer within {timeout:g} s. If the browser tab is open, "
                "GeoGebra may be busy: raise the timeout (`%ggb --timeout 30 ...` or "
                "`%config GgbMagics.timeout = 30`); if the tab was closed, reopen the notebook."
            ) from None
        finally:
            self.forget(msg["id"])

    def notify(self, msg: dict[str, Any]) -> None:
        """Send a message that has no reply (``open``)."""
        self._send(msg)

    @property
    def peers(self) -> int:
        return len(self._peers)

    @property
    def pending(self) -> int:
        return len(self._pending)


def _private_dir(path: Path) -> None:
    """Create *path* as a 0700 directory, or check that an existing one is private and ours."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise GgbError(f"{path} is not a directory; remove it and load ggbmagic again")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise GgbError(f"{path} belongs to another user; ggbmagic will not put its socket there")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(path, 0o700)
