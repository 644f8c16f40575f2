"""The listener's connections from their accept: they report to a guard (the
:class:`~ggbmagic.oob.OOBServer`) when they arrive and go, and an HTTP handshake longer
than the guard's limit loses its socket at once (websockets alone reads ~1 MiB of headers)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

from websockets.asyncio.server import ServerConnection
from websockets.protocol import State

__all__ = ["CLOSE_TRY_AGAIN_LATER", "Guard", "GuardedConnection", "drop"]

CLOSE_TRY_AGAIN_LATER = 1013


class Guard(Protocol):
    handshake_max_bytes: int

    def accepted(self, conn: ServerConnection) -> None: ...
    def admitted(self, conn: ServerConnection) -> None: ...
    def handshake_too_large(self, conn: ServerConnection) -> None: ...


class GuardedConnection(ServerConnection):
    """A server connection that reports its accept and loss to its guard and refuses
    an HTTP handshake longer than the guard's ``handshake_max_bytes``."""

    guard: Guard
    _request_bytes = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.guard.accepted(self)

    def data_received(self, data: bytes) -> None:
        if self.request is None:  # still reading the HTTP request
            self._request_bytes += len(data)
            if self._request_bytes > self.guard.handshake_max_bytes:
                self.guard.handshake_too_large(self)
                return
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.guard.admitted(self)
        super().connection_lost(exc)


def drop(conn: ServerConnection, reason: str) -> None:
    """Close *conn* now, without waiting for its peer (who may never answer): with 1013
    (try again later) if its WebSocket is open, else just the socket."""
    transport = conn.transport
    if transport is None or transport.is_closing():
        return
    if conn.protocol.state is State.OPEN and reason:
        with contextlib.suppress(Exception):
            conn.protocol.send_close(CLOSE_TRY_AGAIN_LATER, reason)
            for data in conn.protocol.data_to_send():
                transport.write(data)
    transport.close()  # flushes the few bytes above, then frees the socket
