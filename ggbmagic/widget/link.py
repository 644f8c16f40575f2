"""The widget's way back to the kernel when the loopback socket is not used.

Frames the browser sends as the widget's custom messages (``{"ggbmagic_frame": text}``)
are fed to the same :class:`~ggbmagic.channel.Channel` handler as the OOB socket's, with
the same decoding and limits. Frontends deliver these messages only between cells (the
shell channel, or marimo's serialised cell runs), hence the *after-the-cell* mode
(docs/architecture.md, "The widget").

The first frame must be a ``hello`` with the widget's token, as on the socket: the comm
already belongs to this widget, but a copy of the page made from a saved notebook must
not pass for the live one.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from typing import Any

from .. import protocol
from ..channel import Channel

__all__ = ["FRAME_KEY", "CommPeer", "WidgetLink"]

log = logging.getLogger("ggbmagic")

#: The custom-message key of a frame (frontend/src/widget/constants.ts).
FRAME_KEY = "ggbmagic_frame"


class CommPeer:
    """Stands in the channel's set of peers for the widget's comm (no socket)."""

    def __repr__(self) -> str:
        return "<ggbmagic widget comm peer>"


class WidgetLink:
    """Custom messages of one widget → its channel; which peers are loopback sockets."""

    def __init__(self, channel: Channel, token: str) -> None:
        self._channel = channel
        self._token = token
        self._peer: CommPeer | None = None
        self._lock = threading.Lock()
        self.refused = 0

    @property
    def comm_active(self) -> bool:
        """The page answers through custom messages (after-the-cell mode)."""
        return self._peer is not None

    @property
    def loopback_peers(self) -> int:
        """Loopback sockets welcomed now (they answer inside a cell)."""
        return self._channel.peers - (1 if self._peer is not None else 0)

    def on_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        """ipywidgets' custom-message callback. Never raises (it runs in the kernel's
        message handler)."""
        try:
            self._on_msg(content)
        except Exception:
            log.exception("ggbmagic: could not handle a message from the widget")

    def _on_msg(self, content: Any) -> None:
        text = content.get(FRAME_KEY) if isinstance(content, dict) else None
        if not isinstance(text, str):
            return  # not ours
        if self._peer is None or _is_hello(text):
            if self._hello(text):
                with self._lock:
                    if self._peer is None:
                        self._peer = CommPeer()
                        # The channel counts it as a peer: state, ready, replies.
                        self._channel._on_welcome(self._peer)  # type: ignore[arg-type]
            return
        answer = self._channel._on_frame(text)
        if answer is not None:
            log.debug("ggbmagic: answer to a widget frame dropped: %s", protocol.short(answer))

    def _hello(self, text: str) -> bool:
        try:
            msg = protocol.decode(text, protocol.PRE_HELLO_MAX_FRAME_BYTES,
                                  "the limit before a hello")
            token = msg.get("token") if msg["type"] == "hello" else None
            ok = isinstance(token, str) and hmac.compare_digest(
                token.encode("utf-8", "surrogatepass"), self._token.encode())
        except protocol.ProtocolError:
            ok = False
        if not ok:
            self.refused += 1
            self._channel.counters.auth_failures += 1
        return ok

    def drop(self) -> None:
        """Forget the comm peer (the widget was closed)."""
        with self._lock:
            peer, self._peer = self._peer, None
        if peer is not None:
            self._channel._on_disconnect(peer)  # type: ignore[arg-type]


def _is_hello(text: str) -> bool:
    """A reloaded page says hello again (only small frames can be one)."""
    if len(text) > protocol.PRE_HELLO_MAX_FRAME_BYTES:
        return False
    try:
        msg = json.loads(text)
    except ValueError:
        return False
    return isinstance(msg, dict) and msg.get("type") == "hello"
