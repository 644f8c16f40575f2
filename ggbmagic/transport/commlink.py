"""Kernel → browser: the ``ggbmagic`` IPython Comm (see docs/architecture.md).

Comm messages from the browser reach the kernel only when it is idle, so the only one
handled here is ``attach`` (a reloaded page asking for a fresh hello); everything that
must arrive while a cell runs uses the out-of-band socket (:mod:`ggbmagic.channel`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .. import protocol

__all__ = ["CommLink"]

log = logging.getLogger("ggbmagic")


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
