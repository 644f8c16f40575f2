"""JavaScript never comes out of a file into the page (issue 15, item 1): what
``ggbmagic.files.scripts`` removes, from tables of cases shared with the TypeScript twin,
and how ``guard`` applies it with the size limits of ``load()``."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ggbmagic.errors import GgbError
from ggbmagic.files.guard import guard_call
from ggbmagic.files.scripts import ScriptReport, is_javascript_member, strip_ggb, strip_xml

CASES = json.loads((Path(__file__).parent / "file_scripts_cases.json").read_text("utf-8"))
EVIL_INIT = "function ggbOnInit(name, api) { fetch('/api/contents'); }"
XML = ('<geogebra format="5.0"><construction><element type="point" label="A">'
       '<javascript val="a()" onUpdate="b()"/></element><element type="point" label="B">'
       '<ggbscript onUpdate="SetValue(n, n + 1)"/></element></construction></geogebra>')


def make_zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode() for n in archive.namelist()}


@pytest.mark.parametrize("case", CASES["strip"], ids=[c["name"] for c in CASES["strip"]])
def test_strip_xml_table(case: dict[str, Any]) -> None:
    if case["out"] is None:
        with pytest.raises(GgbError):
            strip_xml(case["xml"])
        return
    out, removed = strip_xml(case["xml"])
    assert (out, list(removed)) == (case["out"], case["removed"])


@pytest.mark.parametrize(("name", "is_js"), [
    ("geogebra_javascript.js", True), ("GEOGEBRA_JAVASCRIPT.JS", True),
    ("sub/geogebra_javascript.js", True), ("x\\geogebra_javascript.js", True),
    ("geogebra.xml", False), ("geogebra_thumbnail.png", False), ("javascript.json", False),
])
def test_which_members_are_javascript(name: str, is_js: bool) -> None:
    assert is_javascript_member(name) is is_js


@pytest.mark.parametrize(("files", "kept", "removed"), [
    # The global script and the object scripts go; the XML's GGBScript stays.
    ({"geogebra.xml": XML, "geogebra_javascript.js": EVIL_INIT},
     {"geogebra.xml"}, ["JavaScript of A (on click, on update)",
                        "geogebra_javascript.js (ggbOnInit)"]),
    # GeoGebra's empty default ggbOnInit is harmless and kept: the file is unchanged.
    ({"geogebra.xml": "<geogebra/>", "geogebra_javascript.js": "function ggbOnInit() {}"},
     {"geogebra.xml", "geogebra_javascript.js"}, []),
    # Scripts in the defaults and the macros are found too.
    ({"geogebra.xml": "<geogebra/>",
      "geogebra_macro.xml": '<geogebra><element label="M"><javascript val="m()"/></element>'
                            '</geogebra>'},
     {"geogebra.xml", "geogebra_macro.xml"}, ["JavaScript of M (on click)"]),
])
def test_strip_ggb_table(files: dict[str, str], kept: set[str], removed: list[str]) -> None:
    data = make_zip(dict(files))
    out, report = strip_ggb(data)
    assert list(report.removed) == removed
    assert set(members(out)) == kept
    if not removed:
        assert out is data  # nothing to remove: the very same bytes
    for body in members(out).values():
        assert "<javascript" not in body and "fetch(" not in body
    if "geogebra.xml" in files and "ggbscript" in files["geogebra.xml"]:
        assert '<ggbscript onUpdate="SetValue(n, n + 1)"/>' in members(out)["geogebra.xml"]


def test_report_says_what_was_removed_and_how_to_keep_it() -> None:
    report = ScriptReport(("geogebra_javascript.js (ggbOnInit)",))
    assert bool(report) and not ScriptReport()
    note = report.note("evil.ggb")
    assert "evil.ggb" in note and "ggbOnInit" in note and "--allow-javascript" in note


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_guard_call_strips_every_construction_method() -> None:
    evil = make_zip({"geogebra.xml": XML, "geogebra_javascript.js": EVIL_INIT})
    (out,), report = guard_call("setBase64", (b64(evil),), allow_javascript=False,
                                max_unpacked=1 << 20)
    assert "geogebra_javascript.js" not in members(base64.b64decode(out)) and report
    for method in ("setXML", "evalXML"):
        (xml,), report = guard_call(method, (XML,), allow_javascript=False, max_unpacked=1 << 20)
        assert "<javascript" not in xml and "<ggbscript" in xml and report
    # Other methods and the opt-in pass unchanged.
    args = ("A",)
    assert guard_call("getValue", args, allow_javascript=False,
                      max_unpacked=10) == (args, ScriptReport())
    args = (b64(evil),)
    assert guard_call("setBase64", args, allow_javascript=True, max_unpacked=1 << 20)[0] is args


@pytest.mark.parametrize(("method", "arg", "message"), [
    # load()'s unpacked-size limit applies to the passthrough too (it had none).
    ("setBase64", b64(make_zip({"geogebra.xml": "<geogebra>" + " " * 5000 + "</geogebra>"})),
     "unpacks to more than"),
    ("setBase64", "A" * 20000, "larger than"),
    ("setBase64", "not base64!", "base64 text of a .ggb"),
    ("setBase64", b64(b"not a zip"), "not a GeoGebra file"),
    ("setXML", "<geogebra>" + " " * 5000 + "</geogebra>", "larger than"),
    ("evalXML", "<element label='x'><javascript val=x/></element>", "cannot remove safely"),
])
def test_guard_call_refuses_with_a_clear_error(method: str, arg: str, message: str) -> None:
    with pytest.raises(GgbError, match=message):
        guard_call(method, (arg,), allow_javascript=False, max_unpacked=4096)


# --- the GeoGebra object: load() and the passthroughs -----------------------------------


def _ggb(allow: bool = False) -> tuple[Any, Any]:
    from ggbmagic.applet import DefaultSettings, GeoGebra
    from tests.unit.test_real_answers import StubChannel

    settings = DefaultSettings()
    settings.allow_javascript = allow  # type: ignore[attr-defined]
    channel = StubChannel(lambda msg: None)
    return GeoGebra(channel, settings=settings), channel  # type: ignore[arg-type]


def test_load_sends_the_file_without_javascript_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "evil.ggb"
    path.write_bytes(make_zip({"geogebra.xml": XML, "geogebra_javascript.js": EVIL_INIT}))
    ggb, channel = _ggb()
    report = ggb.load(path, timeout=1)
    sent = members(base64.b64decode(channel.sent[-1]["args"][0]))
    assert set(sent) == {"geogebra.xml"} and "<javascript" not in sent["geogebra.xml"]
    assert channel.sent[-1]["expect_objects"] == 2  # the construction is all there
    assert "ggbOnInit" in str(report) and "JavaScript of A" in str(report)
    assert "removed the JavaScript of" in capsys.readouterr().err
    # Opt-in per load: the file goes as it is, with a warning that says what it means.
    report = ggb.load(path, timeout=1, allow_javascript=True)
    assert not report and base64.b64decode(channel.sent[-1]["args"][0]) == path.read_bytes()
    assert "Jupyter rights" in capsys.readouterr().err
    # Opt-in by the setting (GgbMagics.allow_javascript) covers load and passthroughs.
    ggb, channel = _ggb(allow=True)
    ggb.load(path, timeout=1)
    assert base64.b64decode(channel.sent[-1]["args"][0]) == path.read_bytes()
    ggb.api.setXML(XML)
    assert channel.sent[-1]["args"] == [XML]


def test_passthroughs_send_no_javascript(capsys: pytest.CaptureFixture[str]) -> None:
    ggb, channel = _ggb()
    ggb.api.setXML(XML)
    assert "<javascript" not in channel.sent[-1]["args"][0]
    ggb.call("evalXML", XML)
    assert "<javascript" not in channel.sent[-1]["args"][0]
    evil = make_zip({"geogebra.xml": XML, "geogebra_javascript.js": EVIL_INIT})
    ggb.call("setBase64", b64(evil))
    assert set(members(base64.b64decode(channel.sent[-1]["args"][0]))) == {"geogebra.xml"}
    assert capsys.readouterr().err.count("removed the JavaScript") == 3
