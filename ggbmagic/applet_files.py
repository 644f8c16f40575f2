"""``GeoGebra``'s pictures and files: PNG and SVG snapshots, loading and saving ``.ggb``.

A mixin of :class:`ggbmagic.applet.GeoGebra` (which provides ``call`` and ``_run``); the
file checks and the atomic write are in ``ggbfile.py``, the framing math and the image
work in ``pictures/``, animations in ``applet_animation.py``.
"""

from __future__ import annotations

import base64
import binascii
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import protocol
from .display import PngImage, SvgImage
from .errors import GgbError, GgbTimeoutError
from .files.guard import ALLOW_JAVASCRIPT_WARNING
from .files.scripts import ScriptReport, strip_ggb
from .ggbfile import (
    DEFAULT_MAX_UNPACKED_BYTES,
    atomic_write,
    decode_ggb_base64,
    read_ggb,
    save_target,
)
from .labels import object_count
from .pictures.framing import Plan, Window, fit_window, frame, parse_view, picture_size, plan
from .pictures.framing import view_window as _view_window
from .pictures.raster import crop_png, crop_svg

__all__ = ["PicturesAndFiles", "ViewArg"]

T = TypeVar("T")
#: ``view=(xmin, xmax, ymin, ymax)`` of a picture.
ViewArg = tuple[float, float, float, float] | list[float] | None


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
        def _ready(self) -> None: ...
        def _answers_during_cell(self) -> bool: ...
        def _run(self, msg: protocol.Request, post: Callable[[Any], T], timeout: float,
                 defer: str | None = None) -> T: ...

    def png(self, scale: float = 1.0, transparent: bool = False, *, fit: bool = True,
            view: ViewArg = None, width: int | None = None, height: int | None = None,
            timeout: float | None = None) -> PngImage:
        """A PNG picture of the construction (displays in the notebook like a figure).

        ``fit=True`` (default) frames the visible objects with a margin; ``view=(xmin,
        xmax, ymin, ymax)`` shows that window; ``fit=False`` the panel's own view. The
        picture is ``width × height`` pixels (by default 640 wide, as high as the window
        needs), whatever the panel's size; ``scale=2`` doubles its pixels (sharper). The
        panel's view is left as it was. With nothing visible that has a position (only
        graphs and lines), the picture shows the panel's window.
        """
        if not scale > 0:
            raise ValueError("scale must be positive, e.g. png(scale=2) for a sharper image")
        t = self._timeout(timeout) * 2
        self._ready()
        if not self._answers_during_cell():
            # After the cell (transport/aftercell.py): framing needs several answers
            # within the cell, so the one deferred request takes the panel's view as it is.
            return self._run(protocol.call("getPNGBase64", [float(scale), bool(transparent)]),
                             _png_post, t, defer="png")
        picture = self._plan_picture(fit, view, width, height, scale, t)
        if picture is None:  # the panel's view as it is
            return _png_post(self.call("getPNGBase64", float(scale), bool(transparent),
                                       timeout=t))
        p, old = picture
        with self._view_set(p.window, old, t):
            data = self.call("getPNGBase64", p.export_scale, bool(transparent), timeout=t)
        png = _png_post(data)
        return PngImage(crop_png(png.data, p.crop),
                        display_size=(round(p.size[0] / scale), round(p.size[1] / scale)),
                        window=p.target.as_tuple())

    async def apng(self, scale: float = 1.0, transparent: bool = False) -> PngImage:
        """``await`` twin of :meth:`png` with ``fit=False`` (the panel's view as it is)."""
        data = await self.acall("getPNGBase64", float(scale), bool(transparent))
        return PngImage.from_base64(str(data))

    def svg(self, *, fit: bool = True, view: ViewArg = None, width: int | None = None,
            height: int | None = None, timeout: float | None = None) -> SvgImage:
        """An SVG picture of the construction, framed like :meth:`png` (not for 3D views)."""
        t = self._timeout(timeout) * 2
        self._ready()
        if not self._answers_during_cell():  # as in png()
            return self._run(protocol.call("exportSVG", []), _svg_post, t, defer="svg")
        picture = self._plan_picture(fit, view, width, height, 1.0, t)
        if picture is None:
            return _svg_post(self.call("exportSVG", timeout=t))
        p, old = picture
        with self._view_set(p.window, old, t):
            svg = _svg_post(self.call("exportSVG", timeout=t))
        return SvgImage(crop_svg(svg.text, p.view_box, p.size))

    # --- framing: the window, the size, and the view set for the export ---------------

    def _view_properties(self, timeout: float) -> dict[str, Any]:
        import json

        raw = self.call("getViewProperties", timeout=timeout)
        try:
            props = json.loads(raw) if isinstance(raw, str) else raw
            _view_window(props)
        except (TypeError, ValueError, KeyError):
            raise GgbError(f"GeoGebra answered getViewProperties with {str(raw)[:80]!r}; "
                           "it cannot frame a picture (try fit=False)") from None
        return dict(props)

    def picture_window(self, fit: bool = True, view: ViewArg = None) -> Window | None:
        """The window of the plane a picture would show: ``view`` if given, else the
        fitted box of the visible objects (None when nothing visible has a position)."""
        if view is not None:
            return parse_view(view)
        if not fit:
            return None
        return fit_window(self.objects())  # type: ignore[attr-defined]

    def _plan_picture(self, fit: bool, view: ViewArg, width: int | None,
                      height: int | None, scale: float, timeout: float,
                      window: Window | None = None) -> tuple[Plan, Window] | None:
        """How to take the picture, and the view to restore; None for a plain export."""
        if window is None:
            window = self.picture_window(fit, view)
        if window is None and width is None and height is None:
            return None
        props = self._view_properties(timeout)
        old = _view_window(props)
        if window is None:
            window = old
        w, h = picture_size(window, width, height)
        p = plan(frame(window, w, h), w, h, scale, float(props["width"]),
                 float(props["height"]))
        return p, old

    def _view_set(self, window: Window, old: Window, timeout: float) -> _ViewSet:
        return _ViewSet(self, window, old, timeout)

    def _max_unpacked(self) -> int:
        return int(getattr(self._settings, "max_ggb_unpacked_bytes", DEFAULT_MAX_UNPACKED_BYTES))

    def _allow_javascript(self, allow: bool | None) -> bool:
        return bool(getattr(self._settings, "allow_javascript", False) if allow is None
                    else allow)

    def load(self, path: str | os.PathLike[str], *, timeout: float | None = None,
             allow_javascript: bool | None = None) -> ScriptReport:
        """Replace the construction with a .ggb file. A missing or corrupt file raises
        and leaves the construction as it was.

        The file's JavaScript (``ggbOnInit``, object scripts) is removed first unless
        *allow_javascript* (default: ``GgbMagics.allow_javascript``): it would run in the
        notebook page with your Jupyter rights. The answer says what was removed."""
        allow = self._allow_javascript(allow_javascript)
        source, data = read_ggb(path, self._max_unpacked())
        # read_ggb checked the archive and its size: only the scripts are left to do.
        data, report = (data, ScriptReport()) if allow else strip_ggb(data)
        if allow:
            print(ALLOW_JAVASCRIPT_WARNING.format(source=source), file=sys.stderr)
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
        if report:
            print(report.note(str(source)), file=sys.stderr)
        return report

    def save(self, path: str | os.PathLike[str], *, timeout: float | None = None) -> Path:
        """Save the construction as a .ggb file. Atomic: a temporary file in the same
        directory is renamed over *path* only once it is complete."""
        target = save_target(path)

        def write(encoded: Any) -> Path:
            atomic_write(target, decode_ggb_base64(encoded, target, self._max_unpacked()))
            return target

        return self._run(protocol.call("getBase64", []), write, self._timeout(timeout) * 4,
                         defer=f"save {target}")


class _ViewSet:
    """``with``: the view shows ``window``, and the old one again afterwards (also when
    the export fails; the panel is the user's)."""

    def __init__(self, owner: PicturesAndFiles, window: Window, old: Window,
                 timeout: float) -> None:
        self._owner, self._window, self._old, self._timeout = owner, window, old, timeout

    def __enter__(self) -> None:
        self._owner.call("setCoordSystem", *self._window.as_tuple(), timeout=self._timeout)

    def __exit__(self, *exc: object) -> None:
        self._owner.call("setCoordSystem", *self._old.as_tuple(), timeout=self._timeout)
