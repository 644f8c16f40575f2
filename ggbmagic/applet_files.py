"""``GeoGebra``'s pictures and files: PNG and SVG snapshots, loading and saving ``.ggb``.

A mixin of :class:`ggbmagic.applet.GeoGebra` (which provides ``call`` and ``_run``); the
file checks and the atomic write are in ``ggbfile.py``.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import protocol
from .display import PngImage, SvgImage
from .errors import GgbError, GgbTimeoutError
from .ggbfile import (
    DEFAULT_MAX_UNPACKED_BYTES,
    atomic_write,
    decode_ggb_base64,
    read_ggb,
    save_target,
)
from .labels import object_count

__all__ = ["PicturesAndFiles"]

T = TypeVar("T")


def _identity(value: Any) -> Any:
    return value


def _png_post(data: Any) -> PngImage:
    if not isinstance(data, str) or not data:
        raise GgbError("GeoGebra returned no PNG (is a graphics view visible?)")
    try:
        return PngImage.from_base64(data)
    except (ValueError, binascii.Error) as exc:
        raise GgbError(f"GeoGebra returned an invalid PNG: {exc}") from None


def _svg_post(data: Any) -> SvgImage:
    if not isinstance(data, str) or not data:
        raise GgbError("GeoGebra returned no SVG (3D views cannot be exported as SVG)")
    try:
        return SvgImage(data)
    except ValueError as exc:
        raise GgbError(str(exc)) from None


class PicturesAndFiles:
    """The picture and file methods of :class:`~ggbmagic.applet.GeoGebra`."""

    _settings: Any

    if TYPE_CHECKING:
        def call(self, method: str, *args: Any, timeout: float | None = None) -> Any: ...
        async def acall(self, method: str, *args: Any, timeout: float | None = None) -> Any: ...
        def _timeout(self, timeout: float | None) -> float: ...
        def _run(self, msg: protocol.Request, post: Callable[[Any], T], timeout: float,
                 defer: str | None = None) -> T: ...

    def png(self, scale: float = 1.0, transparent: bool = False, *,
            timeout: float | None = None) -> PngImage:
        """A PNG snapshot of the graphics view (displays in the notebook like a figure)."""
        if not scale > 0:
            raise ValueError("scale must be positive, e.g. png(scale=2) for a sharper image")
        # dpi stays undefined: GeoGebra documents that setting it is slow.
        return self._run(protocol.call("getPNGBase64", [float(scale), bool(transparent)]),
                         _png_post, self._timeout(timeout) * 2, defer="png")

    async def apng(self, scale: float = 1.0, transparent: bool = False) -> PngImage:
        """``await`` twin of :meth:`png`."""
        data = await self.acall("getPNGBase64", float(scale), bool(transparent))
        return PngImage.from_base64(str(data))

    def svg(self, *, timeout: float | None = None) -> SvgImage:
        """An SVG snapshot of the graphics view (not available for 3D views)."""
        return self._run(protocol.call("exportSVG", []), _svg_post,
                         self._timeout(timeout) * 2, defer="svg")

    def _max_unpacked(self) -> int:
        return int(getattr(self._settings, "max_ggb_unpacked_bytes", DEFAULT_MAX_UNPACKED_BYTES))

    def load(self, path: str | os.PathLike[str], *, timeout: float | None = None) -> None:
        """Replace the construction with a .ggb file. A missing or corrupt file raises
        and leaves the construction as it was."""
        source, data = read_ggb(path, self._max_unpacked())
        encoded = base64.b64encode(data).decode("ascii")
        # The browser answers once the file's objects are in the applet (it counts them:
        # setBase64's callback never comes in GeoGebra 5.0.745), or fails at the timeout.
        msg = protocol.call("setBase64", [encoded], expect_objects=object_count(data))

        def loaded(ok: Any) -> None:
            if ok is False:
                raise GgbError(f"GeoGebra could not open {source}")

        try:
            self._run(msg, loaded, self._timeout(timeout) * 4, defer=f"load {source}")
        except GgbTimeoutError:
            raise GgbTimeoutError(f"GeoGebra did not finish loading {source} in time; "
                                  "try a longer --timeout") from None

    def save(self, path: str | os.PathLike[str], *, timeout: float | None = None) -> Path:
        """Save the construction as a .ggb file. Atomic: a temporary file in the same
        directory is renamed over *path* only once it is complete."""
        target = save_target(path)

        def write(encoded: Any) -> Path:
            atomic_write(target, decode_ggb_base64(encoded, target, self._max_unpacked()))
            return target

        return self._run(protocol.call("getBase64", []), write, self._timeout(timeout) * 4,
                         defer=f"save {target}")
