"""Pictures: the checker of the lessons' pictures (_pictures.py) sees what is drawn and
what is not, and framed pictures, hidden lists and animations work on both GeoGebras.

The lessons' own pictures are checked in test_notebooks.py (both GeoGebras); here the
checker is first shown pictures whose content is known (points drawn, a list missing, a
picture framed off its data), then one scenario runs in JupyterLab.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from PIL import Image, ImageDraw

from ._lab import LabPage
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


def _outputs_png(cell: Any) -> list[tuple[bytes, dict[str, Any]]]:
    import base64

    found = []
    for o in cell.outputs:
        data = (o.get("data") or {}).get("image/png")
        if data:
            raw = "".join(data) if isinstance(data, list) else str(data)
            found.append((base64.b64decode(raw.strip()), (o.get("metadata") or {}).get(
                "image/png") or {}))
    return found


def _view(lab: LabPage, kid: str) -> list[float]:
    props = json.loads(lab.applet_api(kid, "api => api.getViewProperties()"))
    return [round(props[k], 9) for k in ("xMin", "yMin", "invXscale", "invYscale")]


@pytest.mark.timeout(300)
def test_framed_pictures_hidden_lists_and_an_animation(lab: LabPage, notebook: str) -> None:
    """One scenario on each GeoGebra: a list made from numbers is hidden and said to be;
    the framed picture does not show it until `--show`; the view is left as it was; SVG
    and PNG take a window and a size; an animation sweeps a slider and puts it back."""
    lab.run(notebook, "%load_ext ggbmagic", clean=True)
    made = lab.run(notebook, "%ggb L = {(1, 2), (3, 4), (-2, 5)}", clean=True)
    assert "list (hidden)" in made.text and "%ggb --show L" in made.text, made.text
    lab.run(notebook, "%ggb A = (0, 0)", clean=True)
    lab.run(notebook, '%ggb SetColor(L, "blue")', clean=True)
    kid = lab.kernel_id(notebook)
    before = _view(lab, kid)
    drawn = {"L": {"color": lab.applet_api(kid, "api => api.getColor('L')"),
                   "points": [[1, 2], [3, 4], [-2, 5]]}}

    # Hidden: the fit frames A only, and the check says the list is not there.
    hidden = _outputs_png(lab.run(notebook, "ggb.png(view=(-3, 4, -1, 6), width=350)",
                                  clean=True))
    assert len(hidden) == 1
    png, meta = hidden[0]
    assert meta["ggbmagic"]["window"] == [-3, 4, -1, 6] and meta["width"] == 350
    assert len(missing_points(png, meta["ggbmagic"]["window"], drawn)) == 3
    assert _view(lab, kid) == before, "the panel's view was not put back"

    shown = lab.run(notebook, "%ggb --show L", clean=True)
    assert "L drawn" in shown.text
    cell = lab.run(notebook, "%ggb --png --width 400", clean=True)
    [(png, meta)] = _outputs_png(cell)
    window = meta["ggbmagic"]["window"]
    assert missing_points(png, window, drawn) == [], "the shown list is not in the picture"
    assert Image.open(io.BytesIO(png)).size[0] == 400
    assert window[0] < -2 and window[1] > 3 and window[3] > 5  # framed on L and A
    assert _view(lab, kid) == before

    svg = lab.run(notebook, "s = ggb.svg(view=(-1, 5, -1, 6), width=300, height=350)\n"
                            "print(s.text[:400])", clean=True)
    assert 'width="300" height="350"' in svg.stdout and "viewBox=" in svg.stdout
    assert _view(lab, kid) == before

    lab.run(notebook, "%%ggb\nt = Slider(0, 5, 1)\nSetValue(t, 2)\nP = (t, t)", clean=True)
    lab.run(notebook, '%ggb SetColor(P, "red")', clean=True)
    film = lab.run(notebook, "import time\nt0 = time.monotonic()\n"
                             "gif = ggb.animate('t', 0, 4, frames=5, view=(-1, 5, -1, 5), "
                             "width=300)\nprint(gif.frames, len(gif.data), "
                             "round(time.monotonic() - t0, 2), ggb.value('t'))", clean=True)
    frames, size, seconds, value = film.stdout.split()
    assert (frames, value) == ("5", "2.0"), film.stdout  # swept, then put back
    assert _view(lab, kid) == before
    print(f"animation on {lab.geogebra}: 5 frames 300 px, {size} bytes, {seconds} s")
    gif_bytes = lab.run(notebook, "import base64\nprint(base64.b64encode(gif.data).decode())",
                        clean=True).stdout.strip()
    import base64

    img = Image.open(io.BytesIO(base64.b64decode(gif_bytes)))
    assert img.n_frames == 5
    red = {"P": {"color": "#FF0000", "points": []}}
    for i in range(5):  # P = (t, t) with t = 0, 1, …, 4: the red point moves
        img.seek(i)
        buf = io.BytesIO()
        img.convert("RGB").save(buf, format="PNG")
        red["P"]["points"] = [[i, i]]
        assert missing_points(buf.getvalue(), [-1, 5, -1, 5], red, tolerance=90) == [], i
