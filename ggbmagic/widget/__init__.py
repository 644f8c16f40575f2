"""The GeoGebra applet as an anywidget: ``GeoGebraWidget()`` (needs ``pip install
ggbmagic[widget]``). See docs/architecture.md, "The widget"."""

from __future__ import annotations

from typing import Any

__all__ = ["GeoGebraWidget", "open"]


def __getattr__(name: str) -> Any:
    # anywidget is an optional dependency: import it only when the widget is used.
    if name == "GeoGebraWidget":
        try:
            from .api import GeoGebraWidget
        except ImportError as exc:
            raise ImportError(f"ggbmagic.widget needs anywidget: pip install 'ggbmagic[widget]' "
                              f"({exc})") from exc
        return GeoGebraWidget
    raise AttributeError(name)


def open(**options: Any) -> Any:
    """Make a :class:`GeoGebraWidget` and return it (display it to show the applet)."""
    return __getattr__("GeoGebraWidget")(**options)
