"""GeoGebra beside your notebook: ``%load_ext ggbmagic``, then ``%ggb A = (1, 2)``."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["GeoGebra", "__version__", "load_ipython_extension", "unload_ipython_extension"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing ggbmagic (the server extension does) costs nothing.
    if name == "GeoGebra":
        from .applet import GeoGebra

        return GeoGebra
    raise AttributeError(name)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext ggbmagic``: start the channel and register the magics."""
    from ._extension import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext ggbmagic``: stop the channel thread and remove the socket."""
    from ._extension import unload

    unload(ipython)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "ggbmagic"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "ggbmagic"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the authenticated out-of-band relay on the Jupyter server."""
    from .server import setup_handlers

    setup_handlers(serverapp)
