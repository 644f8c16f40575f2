"""What a link is: the interface between the kernel's Channel and one browser transport.

A *link* is one live way between the kernel and one browser page. It is built by the
code that owns the transport (the OOB socket thread, a comm handler, a widget), which
hands it to the channel and then feeds the channel what arrives:

    link = MyLink(...)              # .path, .answers_during_cell, .send_text(), .describe()
    channel.link_up(link)           # a browser is there (after it proved the token)
    answer = channel.receive(link, frame)   # every later browser → kernel frame (text)
    if answer is not None:
        ...                         # send it back on this link if it can, else drop it
    channel.link_down(link)         # the browser went away (close, reload, comm closed)

``receive`` never raises and may be called on any thread (the socket thread, a kernel
subshell's thread, the main shell): the channel takes its own lock. Frames are the
protocol's JSON text (docs/protocol.md), checked by ``protocol.decode`` exactly as on
the OOB socket, whatever carried them.

The channel ranks live links by :data:`RANK` and sends each request on the best one
whose ``send_text`` accepts it, else on the ``ggbmagic`` comm (kernel → browser over
IOPub, which works while a cell runs). When the best link has
``answers_during_cell = False`` (the ``after-cell`` path), requests that need their
answer inside the running cell fail at once with :class:`~ggbmagic.errors.AfterCellError`
instead of waiting, and the others (commands, scripts, pictures, saves) are sent and
answered into a placeholder output after the cell (:mod:`ggbmagic.transport.aftercell`).

A link for another shell (an anywidget's model messages, for example) implements the
four members below; ``LinkPath.LOOPBACK`` names a direct in-page link that answers during
a cell.
"""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

__all__ = ["RANK", "Link", "LinkPath", "LinkSink"]


class LinkPath(str, enum.Enum):
    """The rungs of the ladder, as named in errors, ``%ggb --doctor`` and the protocol."""

    RELAY = "relay"  # OOB socket through the Jupyter server relay
    LOOPBACK = "loopback"  # a direct in-page link (another shell, e.g. a widget)
    SUBSHELL = "subshell"  # browser → kernel comm handled on a kernel subshell
    AFTER_CELL = "after-cell"  # the same comm on the main shell: only between cells

    def __str__(self) -> str:
        return self.value


#: Lower is better: the channel uses the live link of the lowest rank.
RANK: dict[LinkPath, int] = {
    LinkPath.RELAY: 0, LinkPath.LOOPBACK: 1, LinkPath.SUBSHELL: 2, LinkPath.AFTER_CELL: 3,
}

#: How each path is named in error messages ("… on <this>").
DESCRIPTION: dict[LinkPath, str] = {
    LinkPath.RELAY: "the OOB socket through the Jupyter server relay",
    LinkPath.LOOPBACK: "the in-page loopback link",
    LinkPath.SUBSHELL: "the comm over a kernel subshell",
    LinkPath.AFTER_CELL: "the comm on the kernel's main shell (answers after the cell)",
}


@runtime_checkable
class Link(Protocol):
    """One live way between the kernel and one browser page (see the module docstring)."""

    @property
    def path(self) -> LinkPath:
        """Which rung this link is."""
        ...

    @property
    def answers_during_cell(self) -> bool:
        """Whether a browser frame on this link reaches the kernel while a cell runs."""
        ...

    def send_text(self, text: str) -> bool:
        """Send one encoded kernel → browser frame; ``False`` if this link cannot carry it
        (then the channel sends the request on the comm). Must not block; any thread."""
        ...

    def describe(self) -> str:
        """A short human description for ``%ggb --doctor`` (e.g. the relay's peer)."""
        ...


class LinkSink(Protocol):
    """What a link feeds: implemented by :class:`~ggbmagic.channel.Channel`."""

    def link_up(self, link: Link) -> None: ...

    def receive(self, link: Link, frame: str | bytes) -> str | None: ...

    def link_down(self, link: Link) -> None: ...
