"""The pure picture math: object points, fitted windows, picture sizes, export plans,
the hidden-object rule, and the image work (crop, SVG viewBox, GIF)."""

from __future__ import annotations

import io
import math
from typing import Any

import pytest
from PIL import Image

from ggbmagic.display import CommandResult, ScriptResult, render_text
from ggbmagic.pictures.framing import (
    Window,
    fit_window,
    frame,
    parse_view,
    picture_size,
    plan,
    points_of,
    view_window,
)
from ggbmagic.pictures.raster import crop_png, crop_svg, gif_from_pngs
from ggbmagic.pictures.visibility import hidden_drawings, is_hidden_drawing


def obj(type_: str, value: str = "", definition: str = "", visible: bool = True,
        **extra: Any) -> dict[str, Any]:
    return {"name": "o", "type": type_, "value": value, "definition": definition,
            "visible": visible, "defined": True, **extra}


@pytest.mark.parametrize(("o", "points"), [
    (obj("point", "A = (1, 2)", x=1.0, y=2.0), [(1.0, 2.0)]),
    (obj("point", "A = (1, 2)", x=1.0, y=2.0, visible=False), []),
    (obj("vector", "u = (3, 4)", x=3.0, y=4.0), [(3.0, 4.0), (0.0, 0.0)]),
    (obj("list", "L = {(1, 2), (-3.5, 4E-1)}"), [(1.0, 2.0), (-3.5, 0.4)]),
    (obj("list", "L = {1, 2, 3}"), []),
    (obj("circle", "c: (x - 1)² + (y + 2)² = 25", "Circle((1, -2), 5)"),
     [(-4.0, -7.0), (6.0, 3.0), (1.0, -2.0)]),
    (obj("circle", "c: x² + y² = 4"), [(-2.0, -2.0), (2.0, 2.0)]),
    (obj("triangle", "t1 = 2", "Polygon((0, 0), (2, 0), (0, 2))"),
     [(0.0, 0.0), (2.0, 0.0), (0.0, 2.0)]),
    (obj("function", "f(x) = x² - 2"), []),
    (obj("line", "y = 2x + 1", "FitLine({(0, 1), (1, 3)})"), []),  # infinite: no box
    (obj("numeric", "a = 1"), []),
    ({"type": "point", "visible": True, "defined": False, "x": math.nan, "y": 0.0}, []),
])
def test_points_of(o: dict[str, Any], points: list[tuple[float, float]]) -> None:
    assert points_of(o) == points


@pytest.mark.parametrize(("pts", "expect"), [
    # far from the origin: the box alone, with a 10 % margin
    ([(10, 10), (14, 12)], Window(9.6, 14.4, 9.8, 12.2)),
    # near the origin: pulled in so the axes show
    ([(1, 1), (4, 5)], Window(-0.4, 4.4, -0.5, 5.5)),
    # one point: widened to 2 units, then the origin within reach is pulled in
    ([(3, 3)], Window(1.8, 4.2, 1.8, 4.2)),
])
def test_fit_window(pts: list[tuple[float, float]], expect: Window) -> None:
    value = "L = {" + ", ".join(f"({x}, {y})" for x, y in pts) + "}"
    got = fit_window([obj("list", value)])
    assert got is not None
    for a, b in zip(got.as_tuple(), expect.as_tuple(), strict=True):
        assert math.isclose(a, b, abs_tol=1e-9), (got, expect)


def test_fit_window_of_nothing_drawn() -> None:
    assert fit_window([obj("function", "f(x) = x"), obj("list", "{(1, 2)}", visible=False)]) \
        is None


@pytest.mark.parametrize(("view", "error"), [
    ((0, 1, 0), "four"), ((0, 1, 0, "a"), "four"), ((1, 0, 0, 1), "empty"),
    ((0, 1, 0, math.inf), "finite"),
])
def test_parse_view_refuses(view: Any, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_view(view)


@pytest.mark.parametrize(("window", "width", "height", "size"), [
    (Window(0, 4, 0, 2), None, None, (640, 320)),
    (Window(0, 1, 0, 4), None, None, (640, 960)),  # tall: kept at 1.5 × the width
    (Window(0, 4, 0, 2), 300, None, (300, 150)),
    (Window(0, 4, 0, 2), None, 300, (600, 300)),
    (Window(0, 4, 0, 2), 500, 500, (500, 500)),
])
def test_picture_size(window: Window, width: int | None, height: int | None,
                      size: tuple[int, int]) -> None:
    assert picture_size(window, width, height) == size


def test_picture_size_refuses_silly_sizes() -> None:
    with pytest.raises(ValueError, match="width must be between"):
        picture_size(Window(0, 1, 0, 1), 5, None)


@pytest.mark.parametrize(("view_px", "scale", "export_scale"), [
    ((800, 600), 1.0, 1.0),   # the picture fits in the view: exported at its own scale
    ((800, 600), 2.0, 2.0),
    ((320, 600), 1.0, 2.0),   # a narrow panel is exported larger
    ((798, 598), 1.0, 1.0),
])
def test_plan_keeps_the_target_in_the_crop(view_px: tuple[int, int], scale: float,
                                           export_scale: float) -> None:
    target = frame(Window(-1, 5, -2, 3), 640, 400)
    p = plan(target, 640, 400, scale, *view_px)
    assert math.isclose(p.export_scale, export_scale)
    assert p.crop == (0, 0, round(640 * scale), round(400 * scale))
    # The crop's corners, mapped back through the view's window, are the target's.
    unit_x = p.window.width / (view_px[0] * p.export_scale)
    unit_y = p.window.height / (view_px[1] * p.export_scale)
    assert math.isclose(unit_x, unit_y, rel_tol=1e-9)  # equal scales on both axes
    assert math.isclose(p.window.xmin + p.crop[2] * unit_x, target.xmax, rel_tol=1e-9)
    assert math.isclose(p.window.ymax - p.crop[3] * unit_y, target.ymin, abs_tol=1e-9)


def test_view_window_reads_getViewProperties() -> None:
    w = view_window({"invXscale": 0.02, "invYscale": 0.02, "xMin": -4.3, "yMin": -5.66,
                     "width": 798, "height": 598})
    assert math.isclose(w.xmax, -4.3 + 15.96) and math.isclose(w.ymax, -5.66 + 11.96)


@pytest.mark.parametrize(("o", "hidden"), [
    (obj("list", "L = {(1, 2), (3, 4)}", visible=False), True),
    (obj("list", "L = {x, x²}", visible=False), True),
    (obj("list", "L = {1, 2, 3}", visible=False), False),   # numbers draw nothing
    (obj("numeric", "n = 5", visible=False), False),
    (obj("boolean", "b = true", visible=False), False),
    (obj("point", "A = (1, 2)", visible=False), True),
    (obj("list", "L = {(1, 2)}", visible=True), False),
])
def test_is_hidden_drawing(o: dict[str, Any], hidden: bool) -> None:
    assert is_hidden_drawing(o) is hidden


def test_result_tables_say_what_is_not_drawn() -> None:
    hidden = obj("list", "L = {(1, 2), (3, 4)}", visible=False) | {"name": "L"}
    text = render_text(CommandResult("L = {(1, 2), (3, 4)}", ok=True, labels=["L"],
                                     objects=[hidden]))  # type: ignore[list-item]
    assert "list (hidden)" in text and "%ggb --show L" in text
    lines = [{"line": 1, "text": "L = …", "ok": True, "labels": ["L"], "objects": [hidden]}]
    assert "not drawn: L" in render_text(ScriptResult(lines, total=1))  # type: ignore[arg-type]
    shown = hidden | {"visible": True}
    assert "hidden" not in render_text(CommandResult("L", ok=True, labels=["L"],
                                                     objects=[shown]))  # type: ignore[list-item]
    assert hidden_drawings([hidden, shown]) == ["L"]


def _png(w: int, h: int, colour: str = "white") -> bytes:
    buf = io.BytesIO()
    img = Image.new("RGB", (w, h), colour)
    img.putpixel((5, 5), (255, 0, 0))
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_crop_png_keeps_the_rectangle() -> None:
    out = Image.open(io.BytesIO(crop_png(_png(40, 30), (0, 0, 20, 10))))
    assert out.size == (20, 10) and out.getpixel((5, 5))[:3] == (255, 0, 0)
    # past the edge (GeoGebra rounds its export size): the size asked, still
    assert Image.open(io.BytesIO(crop_png(_png(40, 30), (0, 0, 41, 30)))).size == (41, 30)


def test_crop_svg_sets_the_view_box() -> None:
    svg = '<?xml version="1.0"?><svg version="1.1" width="800" height="600" viewBox="0 0 8 6">'
    out = crop_svg(svg + "<g/></svg>", (0.0, 0.0, 400.0, 250.5), (400, 250))
    assert out.count("width=") == 1 and 'width="400" height="250"' in out
    assert 'viewBox="0 0 400 250.5"' in out and out.endswith("<g/></svg>")
    with pytest.raises(ValueError, match="SVG"):
        crop_svg("<html/>", (0, 0, 1, 1), (1, 1))


def test_gif_from_pngs() -> None:
    frames = [_png(30, 20, c) for c in ("white", "yellow", "blue")]
    data = gif_from_pngs(frames, 100)
    img = Image.open(io.BytesIO(data))
    assert data[:6] == b"GIF89a" and img.size == (30, 20) and img.n_frames == 3
    assert img.info.get("loop") == 0 and img.info.get("duration") == 100
    img.seek(1)
    assert img.convert("RGB").getpixel((20, 10)) == (255, 255, 0)
    with pytest.raises(ValueError, match="at least one frame"):
        gif_from_pngs([], 100)
