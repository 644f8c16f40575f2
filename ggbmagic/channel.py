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
import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection

from . import protocol
from .commlink import CommLink
from .errors import (
    GgbError,
    GgbTimeoutError,
    LoadFailedError,
    NoFrontendError,
    PanelClosedError,
)
from .events import Event, EventLog
from .oob import AUTH_TIMEOUT, HARD_LIMIT_FACTOR, Counters, OOBServer, tcp_from_environment
from .protocol import short
from .ratelog import RateLimitedLog
from .transport.link import DESCRIPTION, RANK, Link, LinkPath
from .transport.relay import RelayLink

__all__ = ["AUTH_TIMEOUT", "HARD_LIMIT_FACTOR", "Channel", "ChannelState", "CommLink",
           "Counters", "Sender"]

log = logging.getLogger("ggbmagic")

NO_FRONTEND_HINT = (
    "ggbmagic needs JupyterLab 4 with the ggbmagic extension: check that "
    "`jupyter labextension list` shows ggbmagic enabled and reload the browser page. "
    "If the GeoGebra panel was closed, run `%ggb --open`."
)

NO_PATH_HINT = (
    "If the panel is open, this kernel may be one the server's relay cannot reach (a "
    "remote kernel) with kernel subshells off: its page answers only after the cell, so "
    "run the next command in a new cell, and see `%ggb --doctor`."
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


class Channel:
    """The table of waiting requests and the connection state, fed by the OOB server.

    ``send`` carries kernel → browser messages (a :class:`CommLink`'s ``send`` in a
    kernel, anything in tests); ``hello`` asks the browser to connect back. The socket
    itself is :class:`~ggbmagic.oob.OOBServer`'s: a Unix socket, or a loopback port with
    ``use_tcp`` (default: on Windows, or with ``GGBMAGIC_TRANSPORT=tcp``). *proof_key*
    (the kernel's connection key) lets the listener prove itself to the relay.
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
        proof_key: bytes | None = None,
        check_origin: Callable[[str | None], bool] | None = None,
    ) -> None:
        self.kernel_id = kernel_id
        self.runtime_dir = Path(runtime_dir)
        self.token = token or secrets.token_urlsafe(32)
        self.events = events if events is not None else EventLog()
        self.counters = Counters()
        self.applet: dict[str, Any] = {}
        #: The browser's last `placement` frame: where the applet is shown (docs/protocol.md).
        self.placement: dict[str, Any] = {}
        self._send = send
        self._hello = hello
        self._max_frame = max_frame_bytes
        self._sinks: list[EventSink] = []
        #: Held while a batch of events is stored and handed to the sinks, so that a
        #: reader never sees an event whose callbacks are not queued yet (see
        #: :meth:`delivered_events`).
        self._delivering = threading.Lock()
        #: Called on the socket thread with each `ready` frame (construction/keeper.py).
        self._ready_sinks: list[Callable[[dict[str, Any]], None]] = []
        self._pending: dict[str, concurrent.futures.Future[Any]] = {}
        self._cond = threading.Condition()
        self._state = ChannelState.IDLE
        self._failure: tuple[str, str] = ("", "")
        self._closed_reason = ""
        # Live links to browsers, in arrival order (transport/link.py); the relay's are
        # also found by their connection.
        self._links: list[Link] = []
        self._relay_links: dict[ServerConnection, RelayLink] = {}
        #: The browser's last `ladder` frame: its view of the paths (for --doctor).
        self.ladder: dict[str, Any] = {}
        #: The path the last request waited on, named by timeouts.
        self.last_path: LinkPath | None = None
        #: Send requests on the best link when it can carry them (the relay's socket);
        #: False sends every request on the comm, as before the ladder (benchmarks).
        self.requests_over_socket = True
        # Refused frames are counted; only a few warnings a minute reach the notebook.
        self._warn = RateLimitedLog(log)
        self._server = OOBServer(
            kernel_id=kernel_id, runtime_dir=self.runtime_dir, token=self.token,
            max_frame_bytes=lambda: self.max_frame_bytes,
            use_tcp=tcp_from_environment() if use_tcp is None else use_tcp,
            proof_key=proof_key, counters=self.counters, warn=self._warn,
            on_frame=self._on_frame, on_welcome=self._on_welcome,
            on_close=self._on_disconnect, check_origin=check_origin)

    # --- lifecycle --------------------------------------------------------------------

    @property
    def max_frame_bytes(self) -> int:
        return self._max_frame() if callable(self._max_frame) else self._max_frame

    @property
    def state(self) -> ChannelState:
        return self._state

    @property
    def running(self) -> bool:
        return self._server.running

    @property
    def use_tcp(self) -> bool:
        return self._server.use_tcp

    @property
    def socket_path(self) -> Path | None:
        """The Unix socket, once listening (None on the loopback transport)."""
        return self._server.socket_path

    @property
    def port(self) -> int | None:
        """The loopback port, once listening on the TCP transport."""
        return self._server.port

    @property
    def _loop(self) -> asyncio.AbstractEventLoop | None:
        # The socket thread's loop (tests schedule closes on it); it lives in OOBServer.
        return self._server.loop

    def start(self, timeout: float = 10.0) -> None:
        """Start the socket thread and wait until it listens. Raises if it cannot."""
        self._server.start(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread, fail waiting requests, remove the socket. Idempotent."""
        with self._cond:
            if self._state is ChannelState.STOPPED:
                return
            self._state = ChannelState.STOPPED
            self._cond.notify_all()
        self._fail_pending(GgbError("ggbmagic was unloaded; run `%load_ext ggbmagic` again."))
        self._server.stop(timeout)

    # --- the socket thread --------------------------------------------------------------

    def _on_welcome(self, ws: ServerConnection) -> None:
        link = RelayLink(ws, self._server.loop, carries_requests=False)
        with self._cond:
            self._relay_links[ws] = link
        self.link_up(link)

    # --- links (transport/link.py): any thread ---------------------------------------

    def link_up(self, link: Link) -> None:
        """A browser is there on *link* (it proved the token)."""
        with self._cond:
            if link not in self._links:
                self._links.append(link)
            self.counters.connections += 1
            if self._state in (ChannelState.IDLE, ChannelState.DISCONNECTED):
                self._state = ChannelState.CONNECTED
            self._cond.notify_all()

    def receive(self, link: Link, frame: str | bytes) -> str | None:
        """One browser → kernel frame that arrived on *link*; the answer, if any."""
        return self._on_frame(frame, link)

    @property
    def links(self) -> list[Link]:
        with self._cond:
            return list(self._links)

    @property
    def best_link(self) -> Link | None:
        """The live link requests wait on: the best rung of the ladder."""
        with self._cond:
            return min(self._links, key=lambda ln: RANK[ln.path], default=None)

    @property
    def path(self) -> LinkPath | None:
        link = self.best_link
        return None if link is None else link.path

    def answers_during_cell(self) -> bool:
        """Whether a request sent now can be answered before the running cell ends."""
        link = self.best_link
        return link is not None and link.answers_during_cell

    def _on_frame(self, frame: str | bytes, link: Link | None = None) -> str | None:
        """Handle one authenticated frame; return the encoded answer or None. Never raises.

        The answer is encoded here, inside the error handling, so that nothing the
        browser sent (a time of 1e308 * 10) can make the encoding fail later.
        """
        self.counters.frames_in += 1
        try:
            msg = protocol.decode(frame, self.max_frame_bytes)
        except protocol.ProtocolError as exc:
            setattr(self.counters, exc.code, getattr(self.counters, exc.code) + 1)
            self._warn.warning("ggbmagic: refused a frame from the browser: %s", exc.message)
            return protocol.encode(protocol.error(exc.code, exc.message))
        try:
            answer = self._dispatch(msg, link)
            return None if answer is None else protocol.encode(answer)
        except Exception:
            self.counters.malformed += 1
            self._warn.warning("ggbmagic: could not handle a %s frame", short(msg.get("type")),
                               exc_info=True)
            return protocol.encode(protocol.error(
                "malformed", "the kernel could not handle this frame"))

    def _dispatch(self, msg: protocol.BrowserToKernel,
                  link: Link | None = None) -> dict[str, Any] | None:
        if msg["type"] == "reply":
            with self._cond:
                fut = self._pending.pop(msg["id"], None)
            if fut is None:
                # Late (after a timeout) or duplicated (two tabs): nobody waits for it.
                self.counters.unknown_ids += 1
                log.debug("ggbmagic: reply for unknown request %s", short(msg["id"]))
            elif not fut.done():
                if msg["ok"]:
                    fut.set_result(msg.get("result"))
                else:
                    fut.set_exception(GgbError(
                        f"GeoGebra refused the request: {msg.get('error') or 'no reason given'}"
                    ))
        elif msg["type"] == "event":
            with self._delivering:
                # decode() checked the whole batch: storing it cannot fail half-way.
                stored = self.events.extend(msg["events"])
                self.counters.events += len(stored)
                for sink in list(self._sinks):
                    try:
                        sink(stored)
                    except Exception:
                        self._warn.warning("ggbmagic: an event sink failed", exc_info=True)
        elif msg["type"] == "ready":
            with self._cond:
                self.applet = dict(msg["applet"])
                self._state = ChannelState.READY
                self._cond.notify_all()
            for ready_sink in list(self._ready_sinks):
                try:
                    ready_sink(dict(msg))
                except Exception:
                    self._warn.warning("ggbmagic: a ready sink failed", exc_info=True)
        elif msg["type"] == "load_failed":
            with self._cond:
                self._failure = (msg["url"], msg["message"])
                self._state = ChannelState.FAILED
                self._cond.notify_all()
            self._fail_pending(LoadFailedError(*self._failure))
        elif msg["type"] == "closed":
            with self._cond:
                self._closed_reason = msg["reason"]
                self._state = ChannelState.CLOSED
                self._cond.notify_all()
            self._fail_pending(PanelClosedError(self._closed_reason))
        elif msg["type"] == "placement":
            with self._cond:
                self.placement = dict(msg)
                self._cond.notify_all()
        elif msg["type"] == "heartbeat":
            return protocol.pong(msg["time"])
        elif msg["type"] == "ladder":
            with self._cond:
                self.ladder = dict(msg)
                if isinstance(link, RelayLink) or link is None:
                    # None: the OOB server's own frames (on_frame) are the relay's.
                    for relay in self._relay_links.values():
                        relay.carries_requests = bool(msg.get("requests"))

        elif msg["type"] == "error":
            self.counters.browser_errors += 1
            self._warn.warning("ggbmagic: the browser reported %s: %s",
                               short(msg["code"]), short(msg["message"]))
        else:  # a second hello on a live connection
            self.counters.unknown_type += 1
            return dict(protocol.error("unknown_type", f"unexpected {msg['type']!r} frame"))
        return None

    def _on_disconnect(self, ws: ServerConnection) -> None:
        with self._cond:
            link = self._relay_links.pop(ws, None)
        if link is not None:
            self.link_down(link)

    def link_down(self, link: Link) -> None:
        """The browser on *link* went away; with no link left, waiting requests fail."""
        with self._cond:
            if link in self._links:
                self._links.remove(link)
            lost = not self._links and self._state in (ChannelState.CONNECTED,
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

    def delivered_events(self) -> list[Event]:
        """The stored events, each already handed to every sink (its callbacks queued):
        a batch being delivered is waited for, never seen half-way."""
        with self._delivering:
            return self.events.snapshot()

    def add_event_sink(self, sink: EventSink) -> None:
        """Call *sink* on the socket thread with every batch of stored events."""
        self._sinks.append(sink)

    def add_ready_sink(self, sink: Callable[[dict[str, Any]], None]) -> None:
        """Call *sink* on the socket thread with every `ready` frame."""
        self._ready_sinks.append(sink)

    def reopen(self) -> None:
        """Forget a closed panel or a failed load, so the next request asks again."""
        with self._cond:
            if self._state in (ChannelState.CLOSED, ChannelState.FAILED):
                self._state = (ChannelState.CONNECTED if self._links
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
            if self._state is ChannelState.READY and self._links:
                return
            self._raise_for_state()
            if self._links and not self.answers_during_cell():
                # The after-cell path: `ready` cannot arrive during this cell; the page
                # queues requests until its applet is ready (transport/aftercell.py).
                return
            ask = not self._links
        if ask:
            self._hello()
        start = time.monotonic()
        with self._cond:
            while True:
                if self._state is ChannelState.READY and self._links:
                    return
                self._raise_for_state()
                elapsed = time.monotonic() - start
                # Two deadlines: a browser must connect soon (else there is no frontend),
                # GeoGebra may then take longer to load from the network.
                deadline = ready_timeout if self._links else connect_timeout
                if elapsed >= deadline and not self._links:
                    raise NoFrontendError(
                        f"No GeoGebra panel connected within {connect_timeout:g} s on any "
                        "path (nothing came through the relay, no comm on a kernel "
                        "subshell). " + NO_FRONTEND_HINT + " " + NO_PATH_HINT
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
            self._send_request(msg)
        except Exception:
            with self._cond:
                self._pending.pop(msg["id"], None)
            raise
        return fut

    def _send_request(self, msg: protocol.Request) -> None:
        # Requests over the open socket: the best link carries the request when it can
        # (the relay, once the browser said it takes them); else the comm (IOPub).
        link = self.best_link
        self.last_path = None if link is None else link.path
        if (link is not None and self.requests_over_socket
                and link.send_text(protocol.encode(dict(msg)))):
            return
        self._send(dict(msg))

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
                f"GeoGebra did not answer within {timeout:g} s on {self.path_description()}. "
                "If the browser tab is open, GeoGebra may be busy: raise the timeout "
                "(`%ggb --timeout 30 ...` or "
                "`%config GgbMagics.timeout = 30`); if the tab was closed, reopen the notebook."
            ) from None
        finally:
            self.forget(msg["id"])

    def notify(self, msg: dict[str, Any]) -> None:
        """Send a message that has no reply (``open``)."""
        self._send(msg)

    def ladder_summary(self) -> str:
        """Why the page answers only after the cell, from the browser's `ladder` frame."""
        facts = self.ladder
        parts = []
        relay = facts.get("relay")
        if isinstance(relay, str) and relay:
            parts.append(f"relay: {relay}")
        if facts.get("supports_subshells") is False:
            parts.append("the kernel offers no subshells (ipykernel < 7)")
        elif facts.get("comms_over_subshells") == "disabled":
            parts.append("comms over subshells are disabled in the page's settings")
        return "; ".join(protocol.short(p, 200) for p in parts)

    def path_description(self, path: LinkPath | None = None) -> str:
        """How the path a request waited on is named in errors."""
        path = path or self.last_path or self.path
        if path is None:
            return "no path (no browser connected)"
        return f"the {path.value} path ({DESCRIPTION[path]}; `%ggb --doctor` explains)"

    @property
    def peers(self) -> int:
        return len(self._links)

    @property
    def pending(self) -> int:
        return len(self._pending)
