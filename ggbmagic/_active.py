"""The loaded extension's channel and settings, for ``GeoGebra()`` built without them.

A registry of one entry, so that ``applet.py`` need not import ``_extension.py`` (which
imports ``applet.py``): the extension sets it on load and clears it on unload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .channel import Channel

__all__ = ["Active", "clear", "get", "set_active"]


@dataclass(frozen=True)
class Active:
    channel: Channel
    settings: Any  # the GgbMagics instance (applet.Settings)


_active: Active | None = None


def set_active(channel: Channel, settings: Any) -> None:
    """Called by ``%load_ext ggbmagic`` once its channel listens."""
    global _active
    _active = Active(channel, settings)


def clear() -> None:
    """Called by ``%unload_ext ggbmagic``."""
    global _active
    _active = None


def get() -> Active | None:
    """The loaded extension's channel and settings, or None outside a loaded kernel."""
    return _active
