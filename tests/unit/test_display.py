"""ggbmagic.display: rich reprs (text and HTML, no ANSI), pandas views, PNG and SVG images."""

from __future__ import annotations

import base64
import binascii
import doctest
import struct
import zlib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ggbmagic import display
from ggbmagic.display import (
    CommandResult,
    EventTable,
    ObjectTable,
    PngImage,
    ScriptResult,
    Status,
    SvgImage,
    as_object_list,
)
from ggbmagic.events import Event
from ggbmagic.protocol import LineResult, ObjectInfo

ANSI = "\x1b["


def obj(name: str, kind: str = "point", value: str | None = None, **extra: Any) -> ObjectInfo:
    base: dict[str, Any] = {
        "name": name, "type": kind, "value": value or f"{name} = ?", "definition": "",
        "command": "", "defined": True, "visible": True,
    }
    return base | extra  # type: ignore[return-value]


POINT_A = obj("A", value="A = (1, 2)", x=1.0, y=2.0, z=0.0)
POINT_B = obj("B", value="B = (4, 6)", x=4.0, y=6.0)
DIST = obj("d", "numeric", "d = 5", definition="Distance(A, B)", number=5.0)
SEG = obj("s", "segment", "s = 5", command="Segment(A, B)")


def line(n: int, text: str, ok: bool, objects: list[ObjectInfo]) -> LineResult:
    return {"line": n, "text": text, "ok": ok, "labels": [o["name"] for o in objects],
            "objects": objects}


def event(seq: int, kind: str, target: str | None, argument: Any = None,
          value: str | None = None) -> Event:
    e: Event = {"seq": seq, "type": kind, "target": target, "argument": argument,
                "time": 1000.0 + seq}
    if value is not None:
        e["value"] = value
    return e


# ------------------------------------------------------------------- rich reprs

RESULTS: list[tuple[str, Any, list[str]]] = [
    # (id, result object, texts both renderings must contain)
    ("command with objects", CommandResult("A = (1, 2)", True, ["A"], [POINT_A]),
     ["A = (1, 2)", "point", "✓"]),
    ("command without objects", CommandResult("SetColor(A, 1, 0, 0)", True, [], []),
     ["SetColor(A, 1, 0, 0)", "done (no new objects)"]),
    ("failed command", CommandResult("Foo(1)", False, [], []), ["Foo(1)", "failed", "✗"]),
    ("script", ScriptResult([line(1, "B = (4, 6)", True, [POINT_B]),
                             line(3, "Foo(1)", False, [])], total=3),
     ["B = (4, 6)", "Foo(1)", "failed", "1 line(s) not run after the"]),
    ("empty script", ScriptResult([], total=0), ["line", "command"]),
    ("objects", ObjectTable([POINT_A, POINT_B, DIST, SEG]),
     ["A = (1, 2)", "(1, 2)", "(4, 6)", "Distance(A, B)", "Segment(A, B)", "numeric"]),
    ("no objects", ObjectTable([]), ["The construction is empty."]),
    ("events", EventTable([event(1, "add", "A"), event(2, "update", "A", value="A = (2, 3)"),
                           event(3, "rename", "P", argument="A")], dropped=4),
     ["add", "A = (2, 3)", "rename", "4 older event(s) dropped"]),
    ("no events", EventTable([]), ["No applet events yet."]),
    ("status ready", Status(state="ready", connected=True, kernel_id="k-123",
                            applet={"appName": "classic", "version": "5.2"}, rtt_ms=1.234,
                            objects=7, counters={"auth_failures": 2, "frames_in": 9}),
     ["ready", "k-123", "classic 5.2", "1.23 ms", "7", "auth_failures=2"]),
    ("status idle", Status(state="idle", connected=False, kernel_id="k-9",
                           message="No GeoGebra panel is connected yet"),
     ["idle", "k-9", "No GeoGebra panel is connected yet"]),
]


@pytest.mark.parametrize(("result", "needles"), [r[1:] for r in RESULTS],
                         ids=[r[0] for r in RESULTS])
def test_mimebundle_has_text_and_html(result: Any, needles: list[str]) -> None:
    bundle = result._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    text, html = bundle["text/plain"], bundle["text/html"]
    assert ANSI not in text
    assert ANSI not in html
    # An HTML fragment: one <pre> with inline styles, no stylesheet needed.
    assert html.startswith('<pre class="ggbmagic-result"')
    assert html.rstrip().endswith("</pre>")
    for needle in needles:
        assert needle in text
        assert needle in html


@pytest.mark.parametrize("result", [r[1] for r in RESULTS], ids=[r[0] for r in RESULTS])
def test_repr_is_the_text_rendering(result: Any) -> None:
    text = repr(result)
    assert text == result._repr_mimebundle_()["text/plain"]
    assert not text.startswith(type(result).__name__ + "(")
    assert ANSI not in text


def test_html_escapes_markup() -> None:
    html = CommandResult("a < b && c", False, [], [])._repr_mimebundle_()["text/html"]
    assert "a &lt; b &amp;&amp; c" in html
    assert "a < b" not in html


def test_status_hides_routine_counters() -> None:
    text = repr(Status(state="ready", connected=True, kernel_id="k",
                       counters={"connections": 3, "frames_in": 10, "events": 4,
                                 "malformed": 0}))
    assert "refused" not in text
    assert "connections" not in text


# ------------------------------------------------------------------- CommandResult

def test_command_result_lookup() -> None:
    result = CommandResult("A = (1, 2)", True, ["A"], [POINT_A])
    assert result["A"]["x"] == 1.0
    with pytest.raises(KeyError, match="B"):
        result["B"]


# ------------------------------------------------------------------- ScriptResult

SCRIPT = ScriptResult([
    line(1, "B = (4, 6)", True, [POINT_B]),
    line(2, "d = Distance(A, B)", True, [DIST]),
    line(4, "Foo(1)", False, []),
    line(5, "P = (0, 0)", True, []),
], total=4)

SCRIPT_OK_CASES: list[tuple[str, ScriptResult, bool]] = [
    ("all ok, all ran", ScriptResult([line(1, "B = (4, 6)", True, [POINT_B])], total=1), True),
    ("empty", ScriptResult([], total=0), True),
    ("a line failed", SCRIPT, False),
    ("stopped early", ScriptResult([line(1, "B = (4, 6)", True, [POINT_B])], total=3), False),
]


@pytest.mark.parametrize(("result", "ok"), [c[1:] for c in SCRIPT_OK_CASES],
                         ids=[c[0] for c in SCRIPT_OK_CASES])
def test_script_ok(result: ScriptResult, ok: bool) -> None:
    assert result.ok is ok


def test_script_failed_labels_len_iter() -> None:
    assert [ln["line"] for ln in SCRIPT.failed] == [4]
    assert SCRIPT.labels == ["B", "d"]
    assert len(SCRIPT) == 4
    assert [ln["text"] for ln in SCRIPT] == ["B = (4, 6)", "d = Distance(A, B)", "Foo(1)",
                                             "P = (0, 0)"]


def test_script_records() -> None:
    two = ScriptResult([line(1, "B = (4, 6)", True, [POINT_B, DIST]),
                        line(3, "Foo(1)", False, [])], total=2)
    assert two.records() == [
        {"line": 1, "command": "B = (4, 6)", "ok": True, "labels": "B, d",
         "values": "B = (4, 6); d = 5"},
        {"line": 3, "command": "Foo(1)", "ok": False, "labels": "", "values": ""},
    ]


def test_script_to_pandas() -> None:
    frame = SCRIPT.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["line", "command", "ok", "labels", "values"]
    assert frame["line"].tolist() == [1, 2, 4, 5]
    assert frame["ok"].tolist() == [True, True, False, True]
    assert frame.loc[1, "values"] == "d = 5"


def test_empty_script_to_pandas_keeps_columns() -> None:
    frame = ScriptResult([], total=0).to_pandas()
    assert list(frame.columns) == ["line", "command", "ok", "labels", "values"]
    assert len(frame) == 0


def test_script_text_marks_lines_that_made_nothing() -> None:
    text = repr(SCRIPT)
    assert "—" in text  # line 5: ok, nothing created
    assert "failed" in text  # line 4


# ------------------------------------------------------------------- ObjectTable

def test_object_table_container() -> None:
    table = ObjectTable([POINT_A, DIST])
    assert len(table) == 2
    assert table.names == ["A", "d"]
    assert "A" in table
    assert "Z" not in table
    assert table["d"]["number"] == 5.0
    assert [o["name"] for o in table] == ["A", "d"]
    with pytest.raises(KeyError):
        table["Z"]


def test_object_table_records_definition_falls_back_to_command() -> None:
    records = ObjectTable([DIST, SEG, POINT_A]).records()
    assert [r["definition"] for r in records] == ["Distance(A, B)", "Segment(A, B)", ""]
    assert records[2] == {"name": "A", "type": "point", "definition": "",
                               "value": "A = (1, 2)", "x": 1.0, "y": 2.0, "z": 0.0}
    assert (records[0]["x"], records[0]["y"], records[0]["z"]) == (None, None, None)


def test_object_table_to_pandas_is_indexed_by_name() -> None:
    frame = ObjectTable([POINT_A, POINT_B, DIST]).to_pandas()
    assert frame.index.name == "name"
    assert frame.index.tolist() == ["A", "B", "d"]
    assert list(frame.columns) == ["type", "definition", "value", "x", "y", "z"]
    assert frame.loc["B", "x"] == 4.0
    assert frame.loc["B", "y"] == 6.0
    assert frame.loc["A", ["x", "y"]].tolist() == [1.0, 2.0]
    assert pd.isna(frame.loc["d", "x"])


@pytest.mark.parametrize(("info", "coords"), [
    (POINT_A, "(1, 2)"),  # z = 0 is left out
    (obj("P", x=1.5, y=-2.0, z=3.0), "(1.5, -2, 3)"),
    (obj("Q", x=1 / 3, y=0.0), "(0.3333333333, 0)"),
    (obj("N", x=float("nan"), y=1.0), "(NaN, 1)"),
])
def test_object_table_coordinates(info: ObjectInfo, coords: str) -> None:
    assert coords in repr(ObjectTable([info]))


# ------------------------------------------------------------------- EventTable

def test_event_table_container_and_pandas() -> None:
    table = EventTable([event(4, "add", "A"), event(5, "update", "A", value="A = 1"),
                        event(6, "clear", None)])
    assert len(table) == 3
    assert table[1]["seq"] == 5
    assert [e["type"] for e in table] == ["add", "update", "clear"]
    frame = table.to_pandas()
    assert frame.index.name == "seq"
    assert frame.index.tolist() == [4, 5, 6]
    assert list(frame.columns) == ["type", "target", "argument", "time", "value"]
    assert frame.loc[5, "value"] == "A = 1"


def test_event_table_caption_only_when_dropped() -> None:
    assert "dropped" not in repr(EventTable([event(1, "add", "A")]))
    assert "2 older event(s) dropped" in repr(EventTable([event(1, "add", "A")], dropped=2))


# ------------------------------------------------------------------- images

def make_png(width: int, height: int) -> bytes:
    """A real, minimal grayscale PNG of *width* × *height* pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


# A well-known 1×1 PNG, as GeoGebra's getPNGBase64 would send it.
ONE_PIXEL_B64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
                 "awAAAABJRU5ErkJggg==")


@pytest.mark.parametrize(("width", "height"), [(1, 1), (3, 2), (640, 480), (70000, 1)])
def test_png_reads_size(width: int, height: int) -> None:
    data = make_png(width, height)
    image = PngImage(data)
    assert (image.width, image.height) == (width, height)
    assert image.data == data
    assert image._repr_png_() == data
    assert f"PNG {width}×{height}, {len(data)} bytes" in repr(image)


@pytest.mark.parametrize("text", [ONE_PIXEL_B64, "data:image/png;base64," + ONE_PIXEL_B64],
                         ids=["plain", "data URI"])
def test_png_from_base64(text: str) -> None:
    image = PngImage.from_base64(text)
    assert (image.width, image.height) == (1, 1)
    assert image.data == base64.b64decode(ONE_PIXEL_B64)


def test_png_mimebundle() -> None:
    data = make_png(3, 2)
    bundle, metadata = PngImage(data)._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == data
    assert bundle["text/plain"].startswith("<GeoGebra snapshot: PNG 3×2")
    assert metadata == {"image/png": {"width": 3, "height": 2}}


@pytest.mark.parametrize("data", [
    b"",
    b"GIF89a" + b"\x00" * 40,
    b"\xff\xd8\xff\xe0" + b"\x00" * 40,  # JPEG
    b"\x89PNG\r\n\x1a\n",  # magic only, no IHDR
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 15,  # 23 bytes
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
], ids=["empty", "gif", "jpeg", "magic only", "truncated header", "svg"])
def test_png_refuses_non_png(data: bytes) -> None:
    with pytest.raises(ValueError, match="did not return a PNG"):
        PngImage(data)


def test_png_from_base64_refuses_invalid_base64() -> None:
    with pytest.raises(binascii.Error):  # a ValueError
        PngImage.from_base64("not base64 !!")


def test_png_save(tmp_path: Path) -> None:
    data = make_png(2, 2)
    target = PngImage(data).save(tmp_path / "snap.png")
    assert target == tmp_path / "snap.png"
    assert target.read_bytes() == data


SVG = ('<?xml version="1.0" encoding="UTF-8"?>\n'
       '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')


def test_svg_accepts_svg_and_displays_it(tmp_path: Path) -> None:
    image = SvgImage(SVG)
    assert image._repr_svg_() == SVG
    assert image._repr_mimebundle_() == {"image/svg+xml": SVG, "text/plain": repr(image)}
    assert repr(image) == f"<GeoGebra snapshot: SVG, {len(SVG)} characters>"
    assert image.save(tmp_path / "s.svg").read_text(encoding="utf-8") == SVG


@pytest.mark.parametrize("text", ["", "<html><body/></html>", "A = (1, 2)",
                                  " " * 3000 + "<svg/>"],
                         ids=["empty", "html", "text", "svg too far in"])
def test_svg_refuses_non_svg(text: str) -> None:
    with pytest.raises(ValueError, match="did not return an SVG"):
        SvgImage(text)


# ------------------------------------------------------------------- as_object_list

@pytest.mark.parametrize(("value", "names"), [
    ({"objects": [POINT_A, DIST]}, ["A", "d"]),
    ({"objects": [POINT_A, 3, {"type": "point"}, None]}, ["A"]),
    ({"objects": None}, []),
    ({"objects": "A"}, []),
    ({}, []),
    (None, []),
    ([POINT_A], []),
])
def test_as_object_list(value: Any, names: list[str]) -> None:
    assert [o["name"] for o in as_object_list(value)] == names


def test_doctests() -> None:
    result = doctest.testmod(display)
    assert result.attempted > 0
    assert result.failed == 0
