"""Pictures that look: where a lesson's named objects must be in its PNG pictures, and
whether their colours are there.

A framed picture (``ggb.png()``, ``%ggb --png``) keeps the window of the plane it shows
in its output's metadata (``metadata["image/png"]["ggbmagic"]["window"]``). From it
and a point's coordinates the pixel where GeoGebra drew the point follows; the check
looks for the object's colour (``getColor``) within a few pixels of it. A list that is
hidden again, a picture framed off its data, or an object drawn elsewhere fails.

``EXPECT`` says, per lesson, which framed picture (its index among the notebook's framed
PNGs; -1 the last) must show what, as Python run in the lesson's kernel after Run All
that prints ``{label: {"color": "#RRGGBB", "points": [[x, y], ...]}}`` as JSON.
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any

from PIL import Image

__all__ = ["EXPECT", "SNIPPET", "framed_pictures", "missing_points"]

#: The kernel-side helper: points of named objects (points, lists) and their colours.
SNIPPET = """
import json as _json
from ggbmagic.pictures.framing import points_of as _points_of
def _drawn(*names, points=None, under=()):
    # under: objects drawn on top; points of ours they cover are not looked for
    out = {}
    table = ggb.objects()
    def pts(n):
        o = dict(table[n]); o["visible"] = True
        return _points_of(o)
    covered = [q for u in under for q in pts(u)]
    for n in names:
        mine = [p for p in (points or pts(n))
                if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 0.15 for q in covered)]
        out[n] = {"color": ggb.api.getColor(n), "points": mine}
    return out
def _centres(A, B, C):
    # the triangle's vertices and its centroid, circumcentre and orthocentre
    (ax, ay), (bx, by), (cx, cy) = A, B, C
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    a2, b2, c2 = ax * ax + ay * ay, bx * bx + by * by, cx * cx + cy * cy
    ox = (a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d
    oy = (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d
    pts = {"A": A, "B": B, "C": C, "G": ((ax + bx + cx) / 3, (ay + by + cy) / 3), "O": (ox, oy),
           "H": (ax + bx + cx - 2 * ox, ay + by + cy - 2 * oy)}
    return {n: _drawn(n, points=[p])[n] for n, p in pts.items()}
"""

# The coordinates are those at the time of the picture: the lessons' "Try it" cells move
# things afterwards (lesson 02's C, lesson 04's P), so those come from the lesson's text.
EXPECT: dict[str, list[tuple[int, str]]] = {
    "01-quickstart": [(0, "_drawn('A', 'B')")],
    # the last picture: C put back at (1, 4); G, O, H on the Euler line
    "02-triangle-centres": [(-1, "_centres((0, 0), (6, 0), (1, 4))")],
    # the picture is taken at a = 1: the seven points (k, k^2 - 2)
    "03-functions-and-sliders": [
        (0, "_drawn('pts', points=[(k, k * k - 2) for k in range(-3, 4)])")],
    # P was moved to (6, 8) just before the picture
    "04-events-and-callbacks": [(-1, "{**_drawn('trail'), **_drawn('P', points=[(6, 8)])}")],
    # `first` (Element(L, 1)) is drawn on the first point; the noisy points on top of L
    "05-data-from-python": [
        (0, "_drawn('L', under=('first',))"),
        (-1, "{**_drawn('L', under=('first', 'Lnoisy')), **_drawn('Lnoisy')}")],
}


def framed_pictures(cells: list[dict[str, Any]]) -> list[tuple[bytes, list[float]]]:
    """Every framed PNG of a run notebook, in order: (PNG bytes, window)."""
    out = []
    for cell in cells:
        for o in cell.get("outputs", []):
            meta = (o.get("metadata") or {}).get("image/png") or {}
            window = (meta.get("ggbmagic") or {}).get("window")
            data = (o.get("data") or {}).get("image/png")
            if window and data:
                raw = "".join(data) if isinstance(data, list) else str(data)
                out.append((base64.b64decode(raw.strip()), [float(v) for v in window]))
    return out


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def missing_points(png: bytes, window: list[float], drawn: dict[str, Any], *,
                   radius: int = 4, tolerance: int = 60) -> list[str]:
    """The points of ``drawn`` whose colour is not within ``radius`` pixels of where the
    window puts them (one line each); [] when every one is there."""
    xmin, xmax, ymin, ymax = window
    with Image.open(io.BytesIO(png)) as img:
        rgb = img.convert("RGB")
    w, h = rgb.size
    problems = []
    for label, spec in drawn.items():
        want = _rgb(spec["color"])
        for x, y in spec["points"]:
            px = (x - xmin) / (xmax - xmin) * w
            py = (ymax - y) / (ymax - ymin) * h
            if not (0 <= px < w and 0 <= py < h):
                problems.append(f"{label} point ({x:g}, {y:g}) is outside the picture "
                                f"(pixel {px:.0f}, {py:.0f} of {w}×{h})")
                continue
            found = False
            for dx in range(-radius, radius + 1):
                for dy in range(-radius, radius + 1):
                    qx, qy = int(px) + dx, int(py) + dy
                    if 0 <= qx < w and 0 <= qy < h:
                        got = rgb.getpixel((qx, qy))
                        assert isinstance(got, tuple)
                        if sum(abs(a - b) for a, b in zip(got, want, strict=False)) <= tolerance:
                            found = True
                            break
                if found:
                    break
            if not found:
                problems.append(f"{label} point ({x:g}, {y:g}) not drawn: no {spec['color']} "
                                f"near pixel ({px:.0f}, {py:.0f})")
    return problems


def expected_json(text: str) -> dict[str, Any]:
    """The JSON the lesson's kernel printed."""
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    return result
