"""Where a picture looks: the window of the plane it shows, fitted to the visible objects,
and how to get it from a graphics view of another size. Pure.

GeoGebra 5.0.745 (measured) exports exactly its graphics view: ``getPNGBase64(s, …)``
is the view's pixel size times ``s``, and ``setSize`` takes effect only later. So a
picture of ``width × height`` pixels is taken by setting the view's window
(``setCoordSystem``, synchronous) so that the wanted window fills a centred rectangle of
the view, exporting at the scale that makes that rectangle ``width × height`` pixels,
and cropping it (:func:`plan`).

>>> w = fit_window([{"type": "list", "visible": True, "value": "L = {(1, 1), (4, 5)}"}])
>>> w.xmin < 0 < 4 < w.xmax and w.ymin < 0 < 5 < w.ymax     # the origin pulled in
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_WIDTH", "Plan", "Window", "fit_window", "frame", "parse_view",
           "picture_size", "plan", "points_of", "view_window"]

#: Width in pixels of a fitted picture when none is asked for.
DEFAULT_WIDTH = 640
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"\(\s*({_NUM})\s*,\s*({_NUM})\s*\)")
# A circle's value string: "c: (x - 1)² + (y + 2)² = 25" or "x² + y² = 4".
_CIRCLE = re.compile(
    rf"^(?:\w+:\s*)?(?:\(x\s*([-+])\s*({_NUM})\)|x)²\s*\+\s*"
    rf"(?:\(y\s*([-+])\s*({_NUM})\)|y)²\s*=\s*({_NUM})\s*$")
#: Types whose value string names the points they are drawn through.
_POINT_TYPES = {"point", "vector"}


@dataclass(frozen=True)
class Window:
    """A rectangle of the plane: ``xmin < xmax``, ``ymin < ymax``."""

    xmin: float
    xmax: float
    ymin: float
    ymax: float

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        return self.ymax - self.ymin

    @property
    def centre(self) -> tuple[float, float]:
        return (self.xmin + self.xmax) / 2, (self.ymin + self.ymax) / 2

    def as_tuple(self) -> tuple[float, float, float, float]:
        return self.xmin, self.xmax, self.ymin, self.ymax


def parse_view(view: Sequence[Any]) -> Window:
    """``(xmin, xmax, ymin, ymax)`` as a Window; ValueError with a fix-it sentence.

    >>> parse_view((-1, 1, 0, 2.5))
    Window(xmin=-1.0, xmax=1.0, ymin=0.0, ymax=2.5)
    """
    try:
        values = [float(v) for v in view]
    except (TypeError, ValueError):
        raise ValueError("view must be four numbers (xmin, xmax, ymin, ymax), "
                         "e.g. view=(-5, 5, -3, 3)") from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError("view must be four finite numbers (xmin, xmax, ymin, ymax), "
                         "e.g. view=(-5, 5, -3, 3)")
    xmin, xmax, ymin, ymax = values
    if not (xmin < xmax and ymin < ymax):
        raise ValueError(f"view {tuple(values)} is empty: it needs xmin < xmax and "
                         "ymin < ymax, e.g. view=(-5, 5, -3, 3)")
    return Window(xmin, xmax, ymin, ymax)


def _circle_points(value: str) -> list[tuple[float, float]]:
    m = _CIRCLE.match(value.strip())
    if not m:
        return []
    sx, ax, sy, ay, rr = m.groups()
    cx = 0.0 if ax is None else (float(ax) if sx == "-" else -float(ax))
    cy = 0.0 if ay is None else (float(ay) if sy == "-" else -float(ay))
    r = math.sqrt(float(rr)) if float(rr) > 0 else 0.0
    return [(cx - r, cy - r), (cx + r, cy + r)]


def points_of(obj: Mapping[str, Any]) -> list[tuple[float, float]]:
    """The points of the plane a visible object is drawn through, as far as its value
    and definition strings tell (infinite lines and graphs tell none).

    >>> points_of({"type": "list", "visible": True, "defined": True,
    ...            "value": "L = {(1, 2), (-3.5, 4E-1)}", "definition": ""})
    [(1.0, 2.0), (-3.5, 0.4)]
    """
    if not obj.get("visible") or obj.get("defined") is False:
        return []
    kind = str(obj.get("type", ""))
    if kind in _POINT_TYPES and obj.get("x") is not None:
        x, y = float(obj["x"]), float(obj.get("y") or 0.0)
        out = [(x, y)]
        if kind == "vector":
            out.append((0.0, 0.0))
        return [p for p in out if all(math.isfinite(c) for c in p)]
    out = []
    if kind in ("circle", "conic"):
        out += _circle_points(str(obj.get("value", "")))
    if kind not in ("function", "line", "ray", "numeric", "boolean", "text", "angle"):
        for text in (str(obj.get("value", "")), str(obj.get("definition", ""))):
            out += [(float(a), float(b)) for a, b in _PAIR.findall(text)]
    return [p for p in out if all(math.isfinite(c) for c in p)]


def fit_window(objects: Iterable[Mapping[str, Any]], *, margin: float = 0.1,
               min_span: float = 2.0, origin_pull: float = 0.4) -> Window | None:
    """The bounding box of the visible objects' points with a margin; None if there are
    none. The origin is pulled in when the box comes within ``origin_pull`` of its size of
    it, so the axes show where they help; a box smaller than ``min_span`` is widened."""
    pts = [p for obj in objects for p in points_of(obj)]
    if not pts:
        return None
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    lo_x, hi_x = _axis(min(xs), max(xs), min_span, origin_pull)
    lo_y, hi_y = _axis(min(ys), max(ys), min_span, origin_pull)
    mx, my = (hi_x - lo_x) * margin, (hi_y - lo_y) * margin
    return Window(lo_x - mx, hi_x + mx, lo_y - my, hi_y + my)


def _axis(lo: float, hi: float, min_span: float, pull: float) -> tuple[float, float]:
    span = max(hi - lo, min_span)
    if 0 < lo <= pull * span:
        lo = 0.0
    elif -pull * span <= hi < 0:
        hi = 0.0
    if hi - lo < min_span:
        mid = (hi + lo) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
    return lo, hi


def picture_size(window: Window, width: int | None, height: int | None, *,
                 default_width: int = DEFAULT_WIDTH) -> tuple[int, int]:
    """The picture's size in pixels: as asked, or from the window's shape (one unit as
    wide as high), kept between half and one and a half times as high as wide.

    >>> picture_size(Window(0, 4, 0, 2), None, None)
    (640, 320)
    >>> picture_size(Window(0, 4, 0, 2), None, 300)
    (600, 300)
    """
    for name, value in (("width", width), ("height", height)):
        if value is not None and not 16 <= value <= 8192:
            raise ValueError(f"{name} must be between 16 and 8192 pixels, e.g. {name}=600")
    if width is not None and height is not None:
        return int(width), int(height)
    aspect = min(max(window.width / window.height, 2 / 3), 2.0)
    if width is not None:
        return int(width), max(16, round(width / aspect))
    if height is not None:
        return max(16, round(height * aspect)), int(height)
    return default_width, round(default_width / aspect)


def frame(window: Window, width: int, height: int) -> Window:
    """The smallest window around ``window`` with the picture's shape (equal scales on
    both axes), centred on it.

    >>> frame(Window(0, 4, 0, 1), 400, 200)
    Window(xmin=0.0, xmax=4.0, ymin=-0.5, ymax=1.5)
    """
    cx, cy = window.centre
    unit = max(window.width / width, window.height / height)  # plane units per pixel
    hw, hh = unit * width / 2, unit * height / 2
    return Window(cx - hw, cx + hw, cy - hh, cy + hh)


def view_window(props: Mapping[str, Any]) -> Window:
    """The window a graphics view shows, from ``getViewProperties()`` (measured on
    GeoGebra 5.0.745: xMin, yMin, invXscale, invYscale, width, height)."""
    xmin, ymin = float(props["xMin"]), float(props["yMin"])
    w, h = float(props["width"]), float(props["height"])
    return Window(xmin, xmin + w * float(props["invXscale"]),
                  ymin, ymin + h * float(props["invYscale"]))


@dataclass(frozen=True)
class Plan:
    """How to take a picture from a view: set ``window`` on it, export at
    ``export_scale``, keep the rectangle ``crop`` (left, top, right, bottom) of the
    export, which is ``size`` pixels."""

    window: Window
    export_scale: float
    crop: tuple[int, int, int, int]
    size: tuple[int, int]
    #: The kept rectangle in the view's own pixels (x, y, width, height), for SVG.
    view_box: tuple[float, float, float, float]
    #: The window of the plane the picture shows.
    target: Window


def plan(target: Window, width: int, height: int, scale: float,
         view_width: float, view_height: float) -> Plan:
    """Take ``target`` (already of the picture's shape, see :func:`frame`) as a
    ``width × height`` picture at ``scale`` from a ``view_width × view_height`` view.

    The kept rectangle is the view's top-left corner, so what GeoGebra places at a
    fixed screen position (sliders, buttons) is where it is in the panel. The export
    scale is ``scale`` when the picture fits in the view; a smaller view is exported
    larger (its labels and points grow with it).

    >>> p = plan(Window(0, 4, 0, 3), 400, 300, 1.0, 800, 600)
    >>> p.window, p.export_scale, p.crop
    (Window(xmin=0.0, xmax=8.0, ymin=-3.0, ymax=3.0), 1.0, (0, 0, 400, 300))
    """
    if not scale > 0 or not math.isfinite(scale):
        raise ValueError("scale must be a positive number, e.g. scale=2 for a sharper image")
    if view_width < 8 or view_height < 8:
        raise ValueError(f"the graphics view is {view_width:g}×{view_height:g} pixels: too "
                         "small to draw a picture; show the GeoGebra panel and try again")
    out_w, out_h = round(width * scale), round(height * scale)
    s = scale * max(1.0, width / view_width, height / view_height)
    rw, rh = out_w / s, out_h / s  # the kept rectangle in view pixels
    unit = target.width / rw
    window = Window(float(target.xmin), target.xmin + view_width * unit,
                    target.ymax - view_height * unit, float(target.ymax))
    return Plan(window, s, (0, 0, out_w, out_h), (out_w, out_h), (0.0, 0.0, rw, rh), target)
