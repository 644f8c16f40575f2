"""``GeoGebra.animate``: sweep a slider or number and return an animated GIF, and
``GeoGebra.show``: draw objects GeoGebra created hidden.

A mixin of :class:`ggbmagic.applet.GeoGebra`; it uses the picture framing of
``applet_files.py`` (``_plan_picture``, ``_view_set``) and the GIF builder of
``pictures/raster.py``. The construction is left as it was: the number gets its value
back and the view its window, also when a frame fails.
"""

from __future__ import annotations

import binascii
import math
from typing import TYPE_CHECKING, Any

from .errors import GgbError
from .images import GifImage, PngImage
from .pictures.framing import Plan, Window, fit_window
from .pictures.raster import crop_png, gif_from_pngs

if TYPE_CHECKING:
    from .applet_files import ViewArg

__all__ = ["DEFAULT_MAX_FRAMES", "DEFAULT_MAX_GIF_BYTES", "Animations", "sweep"]

DEFAULT_MAX_FRAMES = 200
DEFAULT_MAX_GIF_BYTES = 20 * 1024 * 1024
#: Pixels of all frames together (memory while building the GIF).
MAX_TOTAL_PIXELS = 150_000_000


def sweep(start: float, stop: float, frames: int) -> list[float]:
    """``frames`` values from ``start`` to ``stop``, both included.

    >>> sweep(0, 1, 5)
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    if frames < 2:
        raise ValueError("an animation needs frames >= 2, e.g. frames=20")
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ValueError("start and stop must be finite numbers")
    return [start + (stop - start) * i / (frames - 1) for i in range(frames)]


class Animations:
    """The animation and show methods of :class:`~ggbmagic.applet.GeoGebra`."""

    _settings: Any

    if TYPE_CHECKING:
        def call(self, method: str, *args: Any, timeout: float | None = None) -> Any: ...
        def _timeout(self, timeout: float | None) -> float: ...
        def objects(self) -> Any: ...
        def _plan_picture(self, fit: bool, view: ViewArg, width: int | None,
                          height: int | None, scale: float, timeout: float,
                          window: Window | None = None) -> tuple[Plan, Window] | None: ...
        def _view_set(self, window: Window, old: Window, timeout: float) -> Any: ...

    def show(self, *names: str, timeout: float | None = None) -> None:
        """Draw the named objects (GeoGebra creates some hidden: lists typed as
        ``{(1, 2), (3, 4)}``, numbers). An unknown name raises and shows nothing."""
        t = self._timeout(timeout)
        for name in names:
            if not self.call("exists", str(name), timeout=t):
                raise GgbError(f"there is no object named {name}; nothing was shown")
        for name in names:
            self.call("setVisible", str(name), True, timeout=t)

    def animate(self, name: str, start: float, stop: float, frames: int = 20, *,
                duration: float = 0.1, fit: bool = True, view: ViewArg = None,
                width: int | None = None, height: int | None = None, scale: float = 1.0,
                loop: int = 0, timeout: float | None = None) -> GifImage:
        """An animated GIF of the construction while the number ``name`` goes from
        ``start`` to ``stop`` in ``frames`` steps, each shown ``duration`` seconds.

        Framed like :meth:`png` (``fit`` covers the drawing at the start, the middle and
        the end of the sweep). ``name`` gets its value back afterwards.
        """
        max_frames = int(getattr(self._settings, "max_animation_frames", DEFAULT_MAX_FRAMES))
        if not 2 <= frames <= max_frames:
            raise ValueError(f"frames must be between 2 and {max_frames}, e.g. frames=20 "
                             "(GgbMagics.max_animation_frames sets the bound)")
        if not 0.02 <= duration <= 10:
            raise ValueError("duration is seconds per frame, between 0.02 and 10, "
                             "e.g. duration=0.1")
        values = sweep(float(start), float(stop), int(frames))
        t = self._timeout(timeout) * 2
        name = str(name)
        if not self.call("exists", name, timeout=t):
            raise GgbError(f"there is no object named {name} to animate")
        old_value = self.call("getValue", name, timeout=t)
        if not isinstance(old_value, (int, float)) or isinstance(old_value, bool):
            raise GgbError(f"{name} is not a number: animate sweeps a slider or a number")
        try:
            window = self._sweep_window(name, values, fit, view, t)
            picture = self._plan_picture(fit, view, width, height, scale, t, window)
            pngs = self._frames(name, values, picture, scale, t)
        finally:
            self.call("setValue", name, old_value, timeout=t)
        size = picture[0].size if picture else None
        gif = gif_from_pngs(pngs, round(duration * 1000), loop=loop)
        max_bytes = int(getattr(self._settings, "max_animation_bytes", DEFAULT_MAX_GIF_BYTES))
        if len(gif) > max_bytes:
            raise GgbError(f"the animation is {len(gif)} bytes, more than the bound of "
                           f"{max_bytes}; use fewer frames or a smaller width "
                           "(GgbMagics.max_animation_bytes sets the bound)")
        display = (round(size[0] / scale), round(size[1] / scale)) if size else None
        return GifImage(gif, len(pngs), display_size=display)

    def _sweep_window(self, name: str, values: list[float], fit: bool, view: ViewArg,
                      timeout: float) -> Window | None:
        """The window of the film: ``view``, or the fit of the drawing at the first, the
        middle and the last value together."""
        if view is not None or not fit:
            return None
        objects: list[Any] = []
        for v in (values[0], values[len(values) // 2], values[-1]):
            self.call("setValue", name, v, timeout=timeout)
            objects.extend(self.objects())
        return fit_window(objects)

    def _frames(self, name: str, values: list[float], picture: tuple[Plan, Window] | None,
                scale: float, timeout: float) -> list[bytes]:
        if picture is None:
            return [self._frame(name, v, None, scale, timeout) for v in values]
        p, old = picture
        pixels = p.size[0] * p.size[1] * len(values)
        if pixels > MAX_TOTAL_PIXELS:
            raise ValueError(f"{len(values)} frames of {p.size[0]}×{p.size[1]} pixels are "
                             "too many pixels; use fewer frames or a smaller width")
        with self._view_set(p.window, old, timeout):
            return [self._frame(name, v, p, scale, timeout) for v in values]

    def _frame(self, name: str, value: float, p: Plan | None, scale: float,
               timeout: float) -> bytes:
        self.call("setValue", name, value, timeout=timeout)
        data = self.call("getPNGBase64", p.export_scale if p else scale, False,
                         timeout=timeout)
        try:
            png = PngImage.from_base64(str(data)).data
        except (ValueError, binascii.Error) as exc:
            raise GgbError(f"GeoGebra returned an invalid PNG: {exc}") from None
        return crop_png(png, p.crop) if p else png
