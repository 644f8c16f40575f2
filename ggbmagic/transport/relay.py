"""The ``relay`` link: one browser's authenticated connection to the OOB socket.

The socket thread (:class:`~ggbmagic.oob.OOBServer`) owns the connection; this wraps it
so the channel can rank it with the other links and, once it is up, send requests on it
too ("requests over the open socket", docs/protocol.md): the kernel → browser leg then
skips IOPub, the Jupyter server's message handling and the browser's comm dispatch.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from .link import LinkPath

__all__ = ["RelayLink"]


class RelayLink:
    """A welcomed OOB connection (``path = relay``). ``send_text`` is thread-safe."""

    path = LinkPath.RELAY
    answers_during_cell = True

    def __init__(self, ws: Any, loop: asyncio.AbstractEventLoop | None,
                 *, carries_requests: bool = True) -> None:
        self.ws = ws
        self._loop = loop
        #: Whether the browser said it takes requests on this socket (its hello's
        #: ``requests`` field); an older page only takes them on the comm.
        self.carries_requests = carries_requests

    def send_text(self, text: str) -> bool:
        loop = self._loop
        if not self.carries_requests or loop is None or loop.is_closed():
            return False
        try:
            loop.call_soon_threadsafe(self._send_soon, text)
        except RuntimeError:  # the loop stopped between the check and the call
            return False
        return True

    def _send_soon(self, text: str) -> None:
        # On the socket thread. A send that fails (peer gone) is the close handler's
        # business: the channel fails the waiting requests when the link goes down.
        task = asyncio.ensure_future(self.ws.send(text))
        task.add_done_callback(_swallow)

    def describe(self) -> str:
        return "OOB socket through the Jupyter server relay"


def _swallow(task: asyncio.Future[Any]) -> None:
    with contextlib.suppress(BaseException):
        task.exception()
