"""The picture checker of the lessons (_pictures.py) sees what is drawn and what is not.

The lessons' own pictures are checked in test_notebooks.py (both GeoGebras); here the
checker is shown pictures whose content is known: points drawn, a list missing, a
picture framed off its data.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from ._pictures import framed_pictures, missing_points

WINDOW = [-1.0, 5.0, -2.0, 4.0]  # 600 × 600 pixels: 100 pixels a unit
DRAWN = {"L": {"color": "#1565C0", "points": [[0, 0], [1, 2], [4, 3.5]]}}


def _picture(points: list[list[float]], color: str = "#1565C0") -> bytes:
    img = Image.new("RGB", (600, 600), "white")
    draw = ImageDraw.Draw(img)
    draw.line([(0, 400), (600, 400)], fill="#252525")  # the x-axis, never a point
    for x, y in points:
        px, py = (x + 1) * 100, (4 - y) * 100
        draw.ellipse([px - 4, py - 4, px + 4, py + 4], fill=color)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_every_point_drawn_passes() -> None:
    assert missing_points(_picture(DRAWN["L"]["points"]), WINDOW, DRAWN) == []


def test_a_hidden_list_fails() -> None:
    problems = missing_points(_picture([]), WINDOW, DRAWN)
    assert len(problems) == 3 and all("not drawn" in p for p in problems)


def test_one_missing_point_and_another_colour_fail() -> None:
    assert len(missing_points(_picture([[0, 0], [1, 2]]), WINDOW, DRAWN)) == 1
    assert len(missing_points(_picture(DRAWN["L"]["points"], "#FF0000"), WINDOW, DRAWN)) == 3


def test_a_point_off_the_picture_fails() -> None:
    off = {"L": {"color": "#1565C0", "points": [[9, 9]]}}
    assert "outside the picture" in missing_points(_picture([]), WINDOW, off)[0]


def test_framed_pictures_reads_the_window_metadata() -> None:
    import base64

    b64 = base64.b64encode(_picture([])).decode()
    cells = [{"outputs": [
        {"data": {"image/png": b64}, "metadata": {"image/png": {"width": 600}}},  # unframed
        {"data": {"image/png": [b64]},
         "metadata": {"image/png": {"ggbmagic": {"window": WINDOW}}}}]}]
    pictures = framed_pictures(cells)
    assert len(pictures) == 1 and pictures[0][1] == WINDOW
