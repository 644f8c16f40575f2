"""Issue 4: every example notebook runs top to bottom in JupyterLab without an error.

Each notebook in notebooks/*.ipynb is copied into the server's root, opened, run with
Run ▸ Run All Cells, and checked: no error output, no UsageError or Traceback on
stderr, every code cell executed, and every cell that asks for a picture (``%ggb --png``,
``%ggb --svg``, or ``ggb.png(...)`` / ``ggb.svg(...)`` as its last line) shows exactly
the pictures it asked for, each a valid image: a PNG that decodes, an SVG document that
draws something.
"""

from __future__ import annotations

import base64
import math
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import nbformat
import pytest

from ._lab import LabPage, copy_without_outputs
from ._pictures import EXPECT, SNIPPET, expected_json, framed_pictures, missing_points

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
PNG, SVG = "image/png", "image/svg+xml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: Channels per PNG colour type (grey, -, RGB, palette, grey+alpha, -, RGBA).
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
#: A snapshot of a panel is never smaller than this (a 1×1 PNG is a placeholder).
MIN_SIDE = 16


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def asked_images(source: str) -> Counter[str]:
    """The pictures a code cell asks for, by MIME type.

    >>> asked_images("%ggb --png A = (1, 2)\\nggb.svg()")
    Counter({'image/png': 1, 'image/svg+xml': 1})

    ``%ggb --open --inline`` shows the applet in the cell's output, with a PNG of the
    construction beside it for viewers without JavaScript: that counts as one PNG.
    """
    asked: Counter[str] = Counter()
    lines = [line.strip() for line in source.splitlines()]
    for line in lines:
        if re.match(r"%%?ggb\b", line):  # not %ggb_events
            options = line.split()
            asked[PNG] += "--png" in options
            asked[SVG] += "--svg" in options
            asked[PNG] += "--inline" in options
    code = [line for line in lines if line and not line.startswith("#")]
    if code:  # only the last expression of a cell is displayed
        asked[PNG] += bool(re.match(r"ggb\.png\(", code[-1]))
        asked[SVG] += bool(re.match(r"ggb\.svg\(", code[-1]))
    return +asked


def check_png(raw: bytes) -> tuple[int, int]:
    """Raise unless *raw* is a whole PNG whose pixels decode; return (width, height)."""
    assert raw.startswith(PNG_MAGIC), f"not a PNG: {raw[:16]!r}"
    pos, chunks, idat = len(PNG_MAGIC), [], b""
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos:pos + 4])
        kind, body = raw[pos + 4:pos + 8], raw[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", raw[pos + 8 + length:pos + 12 + length])
        assert len(body) == length and zlib.crc32(kind + body) == crc, f"bad {kind!r} chunk"
        chunks.append(kind)
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks, chunks
    ihdr = raw[16:29]
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    assert width >= MIN_SIDE and height >= MIN_SIDE, f"a {width}×{height} PNG"
    pixels = zlib.decompress(idat)
    if interlace == 0:
        row = 1 + math.ceil(width * PNG_CHANNELS[colour] * depth / 8)
        assert len(pixels) == height * row, "the PNG's pixel data is cut short"
    return width, height


def check_svg(text: str) -> None:
    """Raise unless *text* is an SVG document with a size that draws something."""
    root = ET.fromstring(text)  # a ParseError is a SyntaxError
    assert re.sub(r"^\{.*\}", "", root.tag) == "svg", f"SVG root is <{root.tag}>"
    assert root.get("viewBox") or (root.get("width") and root.get("height")), root.attrib
    assert len(root) > 0, "an empty SVG"


def shown_images(outputs: list[dict[str, Any]]) -> Counter[str]:
    """Check every picture in *outputs*; return how many of each kind there are."""
    shown: Counter[str] = Counter()
    for out in outputs:
        data = out.get("data", {})
        if PNG in data:
            check_png(base64.b64decode(_join(data[PNG]).strip(), validate=True))
            shown[PNG] += 1
        if SVG in data:
            check_svg(_join(data[SVG]))
            shown[SVG] += 1
    return shown


def test_there_are_example_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/*.ipynb is empty"


def test_the_notebooks_ask_for_pictures() -> None:
    # Otherwise the picture checks below would have nothing to check.
    asked: Counter[str] = Counter()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                asked += asked_images(cell.source)
    assert asked[PNG] >= 1 and asked[SVG] >= 1, asked


@pytest.mark.timeout(400)
@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean(lab: LabPage, source: Path) -> None:
    name = f"run-{source.name}"
    copy_without_outputs(source, lab.server.root_dir / name)
    lab.goto_notebook(name)
    cells = lab.run_all(name)

    code = [(i, c) for i, c in enumerate(cells) if c["type"] == "code"]
    assert code, f"{source.name} has no code cells"
    problems = []
    for i, cell in code:
        where = f"{source.name} cell {i} ({cell['source'].splitlines()[0][:60]!r}…)" \
            if cell["source"] else f"{source.name} cell {i}"
        if cell["source"].strip() and cell["count"] is None:
            problems.append(f"{where}: did not run")
        for out in cell["outputs"]:
            kind = out.get("output_type")
            if kind == "error":
                problems.append(f"{where}: {out.get('ename')}: {out.get('evalue')}")
            elif kind == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                if "UsageError" in text or "Traceback" in text:
                    problems.append(f"{where}: stderr: {text.strip()[:500]}")
        asked = asked_images(cell["source"])
        try:
            shown = shown_images(cell["outputs"])
        except (AssertionError, ValueError, SyntaxError, zlib.error, struct.error) as exc:
            problems.append(f"{where}: bad image: {exc!r}")
            continue
        if shown != asked:
            problems.append(f"{where}: asked for {dict(asked)}, shows {dict(shown)}")
    assert not problems, "\n".join(problems)
    # Pictures that look (_pictures.py): the named objects' colours where they must be.
    pictures = framed_pictures(cells)
    for index, expr in EXPECT.get(source.stem, []):
        assert pictures, f"{source.name} has no framed picture"
        png, window = pictures[index]
        printed = lab.run(name, SNIPPET + f"\nprint(_json.dumps({expr}))", clean=True)
        drawn = expected_json(printed.stdout)
        problems += [f"{source.name} picture {index}: {p}"
                     for p in missing_points(png, window, drawn)]
    assert not problems, "\n".join(problems)
