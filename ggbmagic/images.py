"""The graphics view's snapshots: ``PngImage`` and ``SvgImage``.

They display as image/png and image/svg+xml (a PNG with its size), and are kept in the
saved notebook. The only I/O is ``save``, which the user asks for.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from rich.console import RenderableType
from rich.text import Text

__all__ = ["GifImage", "PngImage", "SvgImage"]

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_GIF_MAGIC = (b"GIF87a", b"GIF89a")


class PngImage:
    """A PNG snapshot of the construction; displays as image/png, stored in the notebook."""

    def __init__(self, data: bytes, display_size: tuple[int, int] | None = None,
                 window: tuple[float, float, float, float] | None = None) -> None:
        if not data.startswith(_PNG_MAGIC) or len(data) < 24:
            raise ValueError("GeoGebra did not return a PNG image")
        self.data = data
        # The IHDR chunk always comes first: width and height as big-endian uint32.
        self.width = int.from_bytes(data[16:20], "big")
        self.height = int.from_bytes(data[20:24], "big")
        #: The size it is shown at (a scale=2 picture has twice its pixels).
        self.display_size = display_size or (self.width, self.height)
        #: The window of the plane it shows (xmin, xmax, ymin, ymax), when framed; kept
        #: in the output's metadata so a reader (or a test) can tell where things are.
        self.window = window

    @classmethod
    def from_base64(cls, text: str) -> PngImage:
        if text.startswith("data:"):
            text = text.split(",", 1)[1]
        return cls(base64.b64decode(text, validate=True))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[
            dict[str, str], dict[str, Any]]:
        return (
            {"image/png": base64.b64encode(self.data).decode("ascii"),
             "text/plain": repr(self)},
            {"image/png": {"width": self.display_size[0], "height": self.display_size[1],
                           **({"ggbmagic": {"window": list(self.window)}}
                              if self.window else {})}},
        )

    def _repr_png_(self) -> bytes:
        return self.data

    def __rich__(self) -> RenderableType:
        return Text(repr(self))

    def __repr__(self) -> str:
        return f"<GeoGebra snapshot: PNG {self.width}×{self.height}, {len(self.data)} bytes>"

    def save(self, path: str | Path) -> Path:
        """Write the PNG to *path* and return it."""
        target = Path(path)
        target.write_bytes(self.data)
        return target


class SvgImage:
    """An SVG snapshot of the construction; displays as image/svg+xml."""

    def __init__(self, text: str) -> None:
        if "<svg" not in text[:2048]:
            raise ValueError("GeoGebra did not return an SVG image")
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"image/svg+xml": self.text, "text/plain": repr(self)}

    def _repr_svg_(self) -> str:
        return self.text

    def __rich__(self) -> RenderableType:
        return Text(repr(self))

    def __repr__(self) -> str:
        return f"<GeoGebra snapshot: SVG, {len(self.text)} characters>"

    def save(self, path: str | Path) -> Path:
        """Write the SVG to *path* and return it."""
        target = Path(path)
        target.write_text(self.text, encoding="utf-8")
        return target


class GifImage:
    """An animated GIF (``ggb.animate``); displays as image/gif, stored in the notebook."""

    def __init__(self, data: bytes, frames: int, display_size: tuple[int, int] | None = None
                 ) -> None:
        if not data.startswith(_GIF_MAGIC) or len(data) < 10:
            raise ValueError("not a GIF image")
        self.data = data
        self.frames = frames
        # The logical screen size: little-endian uint16 at bytes 6 and 8.
        self.width = int.from_bytes(data[6:8], "little")
        self.height = int.from_bytes(data[8:10], "little")
        self.display_size = display_size or (self.width, self.height)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[
            dict[str, str], dict[str, Any]]:
        return (
            {"image/gif": base64.b64encode(self.data).decode("ascii"),
             "text/plain": repr(self)},
            {"image/gif": {"width": self.display_size[0], "height": self.display_size[1]}},
        )

    def __rich__(self) -> RenderableType:
        return Text(repr(self))

    def __repr__(self) -> str:
        return (f"<GeoGebra animation: GIF {self.width}×{self.height}, {self.frames} frames, "
                f"{len(self.data)} bytes>")

    def save(self, path: str | Path) -> Path:
        """Write the GIF to *path* and return it."""
        target = Path(path)
        target.write_bytes(self.data)
        return target
