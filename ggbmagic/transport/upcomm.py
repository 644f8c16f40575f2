"""Browser → kernel over a comm: the ``subshell`` and ``after-cell`` links.

When the relay cannot reach the kernel (a kernel behind Jupyter Kernel Gateway or
Enterprise Gateway runs on another machine), the page opens a comm to the target
``ggbmagic.up`` and sends its frames on it (``{"f": "<frame text>"}``). JupyterLab ≥ 4.4
and Notebook 7 send a comm's messages on a kernel *subshell* (setting
``commsOverSubshells``); ipykernel ≥ 7 then handles them on that subshell's thread
while a cell runs on the main shell. This comm is one the kernel never sends on:
ipykernel routes the messages of a comm the kernel sent on from a cell to the main
shell, so kernel → browser stays on the ``ggbmagic`` comm (docs/architecture.md).

Whether a message came on a subshell is read from its header (``subshell_id``): with
subshells off or an ipykernel < 7 the same comm works, but only between cells — the
``after-cell`` link. The first frame, the comm_open data, is the client hello with
the kernel's token, checked as on the OOB socket.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from .. import protocol
from .link import LinkPath, LinkSink

__all__ = ["UP_TARGET", "UpCommLink", "UpComms", "kernel_offers_subshells"]

log = logging.getLogger("ggbmagic")

#: The comm target the page opens to send browser → kernel frames.
UP_TARGET = "ggbmagic.up"


def kernel_offers_subshells(kernel: Any) -> bool:
    """Whether this kernel handles messages on subshells (ipykernel ≥ 7)."""
    return bool(getattr(kernel, "_supports_kernel_subshells", False))


class UpCommLink:
    """One page's ``ggbmagic.up`` comm, as a link. Never sends (see the module doc)."""

    def __init__(self, comm: Any, path: LinkPath) -> None:
        self.comm = comm
        self.path = path
        self.answers_during_cell = path is not LinkPath.AFTER_CELL
        #: The thread the last frame was handled on (tests and --doctor check it).
        self.last_thread = ""

    def send_text(self, text: str) -> bool:
        return False

    def describe(self) -> str:
        if self.path is LinkPath.SUBSHELL:
            return "comm over a kernel subshell"
        return "comm on the kernel's main shell (handled only between cells)"


class UpComms:
    """Registers the ``ggbmagic.up`` target and turns its comms into links of *sink*."""

    def __init__(self, sink: LinkSink, token: Callable[[], str],
                 max_frame_bytes: Callable[[], int]) -> None:
        self._sink = sink
        self._token = token
        self._max_frame = max_frame_bytes
        self._links: dict[str, UpCommLink] = {}
        self._lock = threading.Lock()
        self._manager: Any = None
        #: Comms refused for a wrong or missing token.
        self.refused = 0

    def register(self) -> None:
        from comm import get_comm_manager

        self._manager = get_comm_manager()
        self._manager.register_target(UP_TARGET, self._on_open)

    def close(self) -> None:
        if self._manager is not None:
            try:
                self._manager.unregister_target(UP_TARGET, self._on_open)
            except Exception:
                log.debug("ggbmagic: unregistering %s failed", UP_TARGET, exc_info=True)
        with self._lock:
            links, self._links = list(self._links.values()), {}
        for link in links:
            self._sink.link_down(link)
            try:
                link.comm.close()
            except Exception:
                log.debug("ggbmagic: closing an up comm failed", exc_info=True)

    # --- comm handlers: on a subshell's thread or the main shell; never raise ---------

    def _on_open(self, comm: Any, msg: dict[str, Any]) -> None:
        try:
            frame = _frame_of(msg)
            hello = protocol.decode(frame, protocol.PRE_HELLO_MAX_FRAME_BYTES,
                                    "the limit before a hello")
            token = hello.get("token") if hello["type"] == "hello" else None
            if not isinstance(token, str) or not hmac.compare_digest(
                    token.encode("utf-8", "surrogatepass"), self._token().encode()):
                raise PermissionError("bad token")
        except Exception:
            self.refused += 1
            log.warning("ggbmagic: refused a %s comm without a valid hello/token", UP_TARGET)
            try:
                comm.close()
            except Exception:
                log.debug("ggbmagic: closing a refused comm failed", exc_info=True)
            return
        path = LinkPath.SUBSHELL if _subshell_id(msg) else LinkPath.AFTER_CELL
        link = UpCommLink(comm, path)
        link.last_thread = threading.current_thread().name
        with self._lock:
            self._links[comm.comm_id] = link
        comm.on_msg(lambda m: self._on_msg(link, m))
        comm.on_close(lambda m: self._on_close(link))
        self._sink.link_up(link)

    def _on_msg(self, link: UpCommLink, msg: dict[str, Any]) -> None:
        try:
            link.last_thread = threading.current_thread().name
            # A page whose subshell went away (setting switched) sends on the main shell.
            link.path = LinkPath.SUBSHELL if _subshell_id(msg) else LinkPath.AFTER_CELL
            link.answers_during_cell = link.path is not LinkPath.AFTER_CELL
            self._sink.receive(link, _frame_of(msg))
        except Exception:
            log.warning("ggbmagic: could not handle a %s message", UP_TARGET, exc_info=True)

    def _on_close(self, link: UpCommLink) -> None:
        with self._lock:
            self._links.pop(link.comm.comm_id, None)
        self._sink.link_down(link)


def _subshell_id(msg: dict[str, Any]) -> str | None:
    header = msg.get("header") or {}
    value = header.get("subshell_id") if isinstance(header, dict) else None
    return value if isinstance(value, str) and value else None


def _frame_of(msg: dict[str, Any]) -> str:
    data = (msg.get("content") or {}).get("data")
    frame = data.get("f") if isinstance(data, dict) else None
    if isinstance(frame, str):
        return frame
    # Not our shape: hand the protocol check something it refuses with a reason.
    return json.dumps(data)[:protocol.QUOTE_CHARS * 4]
