"""A user's mouse drag of a point on a real GeoGebra canvas, paced like a hand.

Playwright sends a move, a press and the first moves of a drag back to back, within one
frame. The real GeoGebra then sometimes takes the press for a click: the point is
selected and does not move (seen in marimo after a slider change, about one drag in two).
A hand gives GeoGebra a frame between hover, press and each move; so does this.

Used by the panel (``LabPage.drag``), the inline applet (test_inline.py) and the widget in
marimo (tests/widget/_marimo.py): one place for the view's geometry and the wait.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

__all__ = ["VIEW_JS", "drag_point", "drag_through"]

_NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
#: Mouse moves per leg of the path.
STEPS = 5

#: The graphics view's coordinate system and size, from the construction's XML.
VIEW_JS = r"""api => {
  const doc = new DOMParser().parseFromString(api.getXML(), 'text/xml');
  const ev = doc.querySelector('euclidianView');
  if (!ev) return null;
  const cs = ev.querySelector('coordSystem'), size = ev.querySelector('size');
  const num = (el, a, d) => el && el.hasAttribute(a) ? Number(el.getAttribute(a)) : d;
  const scale = num(cs, 'scale', 50);
  return {xZero: num(cs, 'xZero', 0), yZero: num(cs, 'yZero', 0), scale: scale,
          yscale: num(cs, 'yscale', scale), width: num(size, 'width', 0),
          height: num(size, 'height', 0)};
}"""

_COORDS = "([a, n]) => [window[a].getXcoord(n), window[a].getYcoord(n)]"


def drag_through(page: Page, path: list[tuple[float, float]]) -> None:
    """Press at ``path[0]``, move through the rest (page coordinates), release."""
    mouse = page.mouse
    mouse.move(*path[0])
    page.evaluate(_NEXT_FRAME)  # hover first: GeoGebra finds the point under the mouse
    mouse.down()
    page.evaluate(_NEXT_FRAME)
    x0, y0 = path[0]
    for x1, y1 in path[1:]:
        for i in range(1, STEPS + 1):
            mouse.move(x0 + (x1 - x0) * i / STEPS, y0 + (y1 - y0) * i / STEPS)
            page.evaluate(_NEXT_FRAME)
        x0, y0 = x1, y1
    mouse.up()


def to_page(view: dict[str, Any], box: dict[str, float],
            point: list[float]) -> tuple[float, float]:
    """Page coordinates of GeoGebra point *point* on a canvas at *box*. Pure."""
    # CSS pixels per view pixel (1 unless the applet is scaled to its container).
    kx = box["width"] / view["width"] if view["width"] else 1.0
    ky = box["height"] / view["height"] if view["height"] else 1.0
    return (box["x"] + (view["xZero"] + point[0] * view["scale"]) * kx,
            box["y"] + (view["yZero"] - point[1] * view["yscale"]) * ky)


def one_pixel(view: dict[str, Any], box: dict[str, float]) -> tuple[float, float]:
    """One CSS pixel of that canvas in GeoGebra units, along x and y. Pure."""
    kx = box["width"] / view["width"] if view["width"] else 1.0
    ky = box["height"] / view["height"] if view["height"] else 1.0
    return 1.0 / (view["scale"] * kx), 1.0 / (view["yscale"] * ky)


def drag_point(page: Page, applet_id: str, canvas: Locator, name: str,
               points: list[list[float]], *, within_pixel: bool = True) -> list[float]:
    """Drag point *name* of applet ``window[applet_id]`` through *points* (GeoGebra
    coordinates) with the mouse; return where GeoGebra put it.

    Done when the point is under the released mouse: to a pixel (*within_pixel*: a canvas
    at a fractional CSS offset, and no grid to snap to, leave it a fraction off), else
    exactly. A drag taken for a click fails here, saying where the point is.
    """
    view = page.evaluate(f"(a) => ({VIEW_JS})(window[a])", applet_id)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and view, f"no graphics view to drag in: {view!r} {box!r}"
    start = page.evaluate(_COORDS, [applet_id, name])
    drag_through(page, [to_page(view, box, p) for p in [start, *points]])
    last = points[-1]
    tx, ty = one_pixel(view, box) if within_pixel else (1e-6, 1e-6)
    try:
        page.wait_for_function(
            "([a, n, x, y, tx, ty]) => Math.abs(window[a].getXcoord(n) - x) <= tx && "
            "Math.abs(window[a].getYcoord(n) - y) <= ty",
            arg=[applet_id, name, last[0], last[1], tx, ty], timeout=10_000)
    except PlaywrightTimeout:
        where = page.evaluate(_COORDS, [applet_id, name])
        raise AssertionError(f"{name} is at {where} after a drag to {last} "
                             f"(± {tx:.3g}, {ty:.3g})") from None
    return [float(v) for v in page.evaluate(_COORDS, [applet_id, name])]
