"""``%load_ext`` / ``%unload_ext``: wire the channel, the magics and the ``ggb`` object."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import uuid
from dataclasses import dataclass
from typing import Any, cast

from . import _active, protocol
from .applet import GeoGebra
from .channel import Channel
from .commlink import CommLink
from .errors import GgbError
from .events import EventLog
from .magics import GgbMagics
from .paths import kernel_id_from_connection_file
from .transport.upcomm import UpComms

log = logging.getLogger("ggbmagic")


@dataclass
class Loaded:
    shell: Any
    magics: GgbMagics
    channel: Channel | None
    link: CommLink | None
    up: UpComms | None = None


_loaded: Loaded | None = None


def current() -> Loaded | None:
    """The loaded extension of this process, if any."""
    return _loaded


def _kernel_identity() -> tuple[str, str]:
    """This kernel's id and runtime directory, from its connection file.

    The Jupyter server names connection files ``kernel-<id>.json`` in its runtime
    directory; the relay derives the socket from the same two facts. A kernel started
    some other way gets a random id (the relay will not find it, but a direct client can).
    """
    from ipykernel.connect import get_connection_file

    connection_file = os.path.abspath(get_connection_file())
    kernel_id = kernel_id_from_connection_file(connection_file) or str(uuid.uuid4())
    return kernel_id, os.path.dirname(connection_file)


def _connection_key(shell: Any) -> bytes | None:
    """The kernel's connection key (``Session.key``): the relay knows it too, so the OOB
    listener can prove with it that it is this kernel's (docs/protocol.md)."""
    key = getattr(getattr(getattr(shell, "kernel", None), "session", None), "key", None)
    return key if isinstance(key, bytes) else None


def load(shell: Any) -> None:
    global _loaded
    if _loaded is not None and _loaded.shell is shell and _loaded.channel is not None:
        return
    magics = GgbMagics(shell=shell)
    shell.register_magics(magics)
    if magics not in shell.configurables:
        shell.configurables.append(magics)  # so that %config GgbMagics.x = … works
    if getattr(shell, "kernel", None) is None:
        # Terminal IPython: the magics load, and say plainly that a notebook is needed.
        _loaded = Loaded(shell, magics, None, None)
        return

    kernel_id, runtime_dir = _kernel_identity()
    holder: dict[str, Channel] = {}

    def hello() -> protocol.HelloMsg:
        channel = holder["channel"]
        # After a page reload the browser builds a fresh applet where the kernel last
        # showed it, starting from the construction copied after the last cell.
        ggb = magics.geogebra
        wish = (ggb.placement if ggb is not None else None) or magics.placement or None
        placement = cast("protocol.Placement | None", wish)
        restore = ggb.inline.ggb_b64 if ggb is not None and ggb.inline.used else None
        return protocol.hello(kernel_id, channel.token, channel.max_frame_bytes,
                              placement=placement, restore=restore)

    link = CommLink(hello)
    channel = Channel(
        kernel_id=kernel_id,
        runtime_dir=runtime_dir,
        send=link.send,
        hello=link.hello,
        max_frame_bytes=lambda: int(magics.max_frame_bytes),
        events=EventLog(max(1, int(magics.event_buffer))),
        proof_key=_connection_key(shell),
    )
    holder["channel"] = channel
    try:
        channel.start()
    except GgbError as exc:
        from IPython.core.error import UsageError

        raise UsageError(f"{exc}. ggbmagic could not start; the magics are not active.") from None
    atexit.register(channel.stop)
    # Browser → kernel over a comm, for kernels the relay cannot reach (transport/).
    up = UpComms(channel, lambda: channel.token, lambda: channel.max_frame_bytes)
    up.register()
    link.hello()  # opens the comm: the browser builds the panel and connects back
    magics.geogebra = GeoGebra(channel, settings=magics)
    _active.set_active(channel, magics)
    shell.events.register("post_run_cell", magics.geogebra.inline.post_run_cell)
    if magics.placement == "inline":
        # The applet's place is this cell's output (hello told the browser so).
        magics.geogebra.inline.show()
    if magics.variable:
        shell.push({magics.variable: magics.geogebra}, interactive=False)
    _loaded = Loaded(shell, magics, channel, link, up)


def unload(shell: Any) -> None:
    global _loaded
    loaded, _loaded = _loaded, None
    _active.clear()
    if loaded is None:
        return
    if loaded.magics.geogebra is not None:
        with contextlib.suppress(ValueError):
            shell.events.unregister("post_run_cell", loaded.magics.geogebra.inline.post_run_cell)
    loaded.magics.geogebra = None
    loaded.magics.unloaded = True
    if loaded.up is not None:
        loaded.up.close()
    if loaded.channel is not None:
        loaded.channel.stop()
        atexit.unregister(loaded.channel.stop)
    if loaded.link is not None:
        loaded.link.close()
    name = loaded.magics.variable
    if name and isinstance(shell.user_ns.get(name), GeoGebra):
        del shell.user_ns[name]
