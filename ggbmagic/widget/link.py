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

from websockets.asyncio.server import ServerConnection

from .. import protocol
from ..channel import Channel
from ..transport.link import LinkPath
from ..transport.relay import RelayLink

__all__ = ["FRAME_KEY", "CommLink", "LoopbackLink", "WidgetChannel", "WidgetLink"]

log = logging.getLogger("ggbmagic")

#: The custom-message key of a frame (frontend/src/widget/constants.ts).
FRAME_KEY = "ggbmagic_frame"


class CommLink:
    """The widget's comm as a link of the ladder (``after-cell``: its frames arrive only
    between cells). Requests go out as the widget's custom messages (the channel's
    ``send``), so ``send_text`` declines."""

    path = LinkPath.AFTER_CELL
    answers_during_cell = False

    def send_text(self, text: str) -> bool:
        return False

    def describe(self) -> str:
        return "the widget's custom messages (answers after the cell)"


class LoopbackLink(RelayLink):
    """A welcomed loopback socket of the widget (``loopback``: answers during a cell).

    Requests still go out as the widget's custom messages. Sending them on the socket
    too (the page handles them: loopback.ts) was measured in marimo once and was slower
    there (``ggb.command`` p50 115 ms against 3.3 ms, on a loaded machine), so it stays
    off until that is understood (docs/development.md)."""

    path = LinkPath.LOOPBACK

    def describe(self) -> str:
        return "the widget's loopback socket to this kernel"


class WidgetLink:
    """Custom messages of one widget → its channel; which links are up."""

    def __init__(self, channel: Channel, token: str) -> None:
        self._channel = channel
        self._token = token
        self._link: CommLink | None = None
        self._lock = threading.Lock()
        self.refused = 0

    @property
    def comm_active(self) -> bool:
        """The page answers through custom messages (after-the-cell mode)."""
        return self._link is not None

    @property
    def loopback_peers(self) -> int:
        """Loopback sockets welcomed now (they answer inside a cell)."""
        return sum(1 for link in self._channel.links if link.path is LinkPath.LOOPBACK)

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
        if self._link is None or _is_hello(text):
            if self._hello(text):
                with self._lock:
                    if self._link is None:
                        self._link = CommLink()
                        self._channel.link_up(self._link)
            return
        answer = self._channel.receive(self._link, text)
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
        """Forget the comm link (the widget was closed)."""
        with self._lock:
            link, self._link = self._link, None
        if link is not None:
            self._channel.link_down(link)


class WidgetChannel(Channel):
    """The widget's channel: its OOB listener's peers are loopback links, not relays."""

    def _on_welcome(self, ws: ServerConnection) -> None:
        link = LoopbackLink(ws, self._server.loop, carries_requests=False)
        with self._cond:
            self._relay_links[ws] = link
        self.link_up(link)


def _is_hello(text: str) -> bool:
    """A reloaded page says hello again (only small frames can be one)."""
    if len(text) > protocol.PRE_HELLO_MAX_FRAME_BYTES:
        return False
    try:
        msg = json.loads(text)
    except ValueError:
        return False
    return isinstance(msg, dict) and msg.get("type") == "hello"
