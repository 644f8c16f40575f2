"""A user's mouse drag on a real GeoGebra canvas, paced like a hand.

Playwright sends a move, a press and the first moves of a drag back to back, within one
frame. The real GeoGebra then sometimes takes the press for a click: the point is
selected and does not move (seen in marimo after a slider change, about one drag in two).
A hand gives GeoGebra a frame between hover, press and each move; so does this.
"""

from __future__ import annotations

from playwright.sync_api import Page

__all__ = ["drag_through"]

_NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
#: Mouse moves per leg of the path.
STEPS = 5


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
