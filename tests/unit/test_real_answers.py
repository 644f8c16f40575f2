"""The kernel's side of the real-GeoGebra fixes, with the answers GeoGebra 5.0.745.0 gave
(../shared/notes/geogebra-apps-api.md): NaN/Infinity on the wire, value() of undefined,
infinite and non-numeric objects, labels GeoGebra chose itself, the file's object count
for load(), request deadlines, readable client events.

The channel here is a stub that answers requests from a table: what is tested is the
kernel's handling of those answers, not the transport (tests/unit/test_channel.py).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ggbmagic import protocol
from ggbmagic.applet import GeoGebra, GgbScriptError, _judge_value
from ggbmagic.display import CommandResult, EventTable, ScriptResult, event_detail
from ggbmagic.errors import GgbCommandError, GgbError, GgbValueTypeError
from ggbmagic.events import EventLog
from ggbmagic.labels import object_count, relabel_note, written_label

NAN = {"$float": "nan"}
INF = {"$float": "inf"}


class StubChannel:
    """Answers each request with ``answer(msg)``; records what was sent."""

    def __init__(self, answer: Callable[[dict[str, Any]], Any]) -> None:
        self.answer = answer
        self.sent: list[dict[str, Any]] = []
        self.events = EventLog()
        # What GeoGebra() reads of a channel besides requests (inline outputs, placement).
        self.kernel_id = "stub-kernel"
        self.placement: dict[str, Any] = {}

    def add_event_sink(self, sink: Any) -> None:
        pass

    def wait_ready(self, ready_timeout: float, connect_timeout: float) -> None:
        pass

    def answers_during_cell(self) -> bool:
        return True  # the relay or a subshell: answers come during the cell

    def request(self, msg: dict[str, Any], timeout: float) -> Any:
        self.sent.append(dict(msg))
        # Through the real codec, as a browser frame would come back.
        reply = {"v": 1, "type": "reply", "id": msg["id"], "ok": True,
                 "result": self.answer(msg)}
        return protocol.decode(json.dumps(reply))["result"]  # type: ignore[typeddict-item]


# Measured on the real GeoGebra: getValue / getObjectType per name.
REAL = {
    "A": (NAN, "point"), "v": (NAN, "vector"), "tx": (NAN, "text"), "l1": (NAN, "list"),
    "f": (NAN, "function"), "nn": (NAN, "numeric"), "und": (INF, "numeric"),
    "ninf": ({"$float": "-inf"}, "numeric"), "d": (5, "numeric"), "zero": (0, "numeric"),
    "s1": (4, "segment"), "bo": (1, "boolean"), "Nope": (0, ""), "x(A) - 1": (0, ""),
    "1/0": (INF, ""),
}


def real_calls(msg: dict[str, Any]) -> Any:
    method, args = msg.get("method"), msg.get("args", [])
    if method == "getValue":
        return REAL[args[0]][0]
    if method == "getObjectType":
        return REAL[args[0]][1]
    if method == "exists":
        return REAL.get(args[0], (0, ""))[1] != ""
    raise AssertionError(f"unexpected request {msg}")


def ggb_with(answer: Callable[[dict[str, Any]], Any]) -> tuple[GeoGebra, StubChannel]:
    channel = StubChannel(answer)
    return GeoGebra(channel), channel  # type: ignore[arg-type]


# --- numbers on the wire -----------------------------------------------------------------


@pytest.mark.parametrize(("wire", "expected"), [
    ({"$float": "nan"}, "nan"), ({"$float": "inf"}, "inf"), ({"$float": "-inf"}, "-inf"),
    ([1, {"$float": "inf"}], "[1, inf]"),
    ({"$float": "huge"}, "{'$float': 'huge'}"),          # unknown: left as it is
    ({"$float": "nan", "x": 1}, "{'$float': 'nan', 'x': 1}"),  # not the marker alone
])
def test_non_finite_numbers_are_decoded(wire: Any, expected: str) -> None:
    frame = json.dumps({"v": 1, "type": "reply", "id": "r", "ok": True, "result": wire})
    assert repr(protocol.decode(frame)["result"]) == expected  # type: ignore[typeddict-item]


@pytest.mark.parametrize(("seconds", "ms"), [(5.0, 4750), (1.0, 900), (0.5, 450),
                                             (20.0, 19750), (0.0001, 1)])
def test_with_timeout_tells_the_browser_a_little_less(seconds: float, ms: int) -> None:
    msg = protocol.with_timeout(protocol.ping(), seconds)
    assert msg["timeout_ms"] == ms


def test_every_request_carries_its_timeout() -> None:
    ggb, channel = ggb_with(lambda msg: {"ok": True, "labels": ["A"], "objects": []})
    ggb.command("A = (1, 2)", timeout=2)
    assert channel.sent[-1]["timeout_ms"] == 1800


# --- value() -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("d", 5.0), ("und", math.inf), ("ninf", -math.inf), ("zero", 0.0), ("s1", 4.0),
    ("bo", 1.0), ("x(A) - 1", 0.0), ("1/0", math.inf),
])
def test_value_gives_numbers_and_infinities(name: str, expected: float) -> None:
    ggb, _ = ggb_with(real_calls)
    assert ggb.value(name) == expected


def test_value_of_an_undefined_number_is_nan() -> None:
    ggb, _ = ggb_with(real_calls)
    assert math.isnan(ggb.value("nn"))


@pytest.mark.parametrize(("name", "kind", "advice"), [
    ("A", "point", "ggb.coords('A')"), ("v", "vector", "ggb.coords('v')"),
    ("tx", "text", "ggb.value_string('tx')"), ("l1", "list", "ggb.value_string('l1')"),
    ("f", "function", "ggb.value('f(2)')"),
])
def test_value_of_a_non_number_says_what_to_call(name: str, kind: str, advice: str) -> None:
    ggb, _ = ggb_with(real_calls)
    with pytest.raises(GgbValueTypeError) as info:
        ggb.value(name)
    assert info.value.kind == kind
    assert f"{name!r} is a {kind}" in str(info.value) and advice in str(info.value)
    assert isinstance(info.value, TypeError)  # what value() of a point raised before


def test_value_of_a_missing_name_says_so() -> None:
    ggb, _ = ggb_with(real_calls)
    with pytest.raises(GgbError, match="no GeoGebra object named 'Nope'"):
        ggb.value("Nope")


def test_value_accepts_an_older_browsers_null_as_nan() -> None:
    assert math.isnan(_judge_value("nn", math.nan, "numeric"))
    ggb, _ = ggb_with(lambda msg: None if msg["method"] == "getValue" else "numeric")
    assert math.isnan(ggb.value("nn"))


def test_avalue_agrees_with_value() -> None:
    ggb, _ = ggb_with(real_calls)
    ggb._arun = _sync_arun(ggb)  # type: ignore[method-assign]
    assert asyncio.run(ggb.avalue("und")) == math.inf
    with pytest.raises(GgbValueTypeError):
        asyncio.run(ggb.avalue("A"))


def _sync_arun(ggb: GeoGebra) -> Any:
    async def arun(msg: Any, post: Any, timeout: float) -> Any:
        return post(ggb.channel.request(msg, timeout))
    return arun


# --- commands --------------------------------------------------------------------------


def test_a_failed_command_says_why() -> None:
    error = "there is no object named Nope; nothing was changed"
    ggb, _ = ggb_with(lambda msg: {"ok": False, "labels": [], "objects": [], "error": error})
    with pytest.raises(GgbCommandError) as info:
        ggb.command('SetColor(Nope, "red")')
    assert error in str(info.value) and "SetColor(Nope" in str(info.value)


def test_a_scripting_command_reports_what_it_changed() -> None:
    ggb, _ = ggb_with(lambda msg: {"ok": True, "labels": [], "objects": [], "changed": ["A"]})
    result = ggb.command('SetColor(A, "red")')
    assert result.ok and result.changed == ["A"]
    assert "done, changed A" in repr(result)


def test_a_command_given_another_label_says_why() -> None:
    obj = {"name": "ln_{1}", "type": "line", "value": "ln_{1}: -x + y = 0",
           "definition": "", "command": "", "defined": True, "visible": True}
    ggb, _ = ggb_with(lambda msg: {"ok": True, "labels": ["ln_{1}"], "objects": [obj]})
    result = ggb.command("ln = Line((0,0),(1,1))")
    assert result.labels == ["ln_{1}"]
    text = repr(result)
    assert "ln_{1}" in text and "not ln: ln is the name of a GeoGebra function" in text


def test_a_failed_script_line_names_the_line_and_why() -> None:
    lines = [{"line": 1, "text": "B = (2, 2)", "ok": True, "labels": ["B"], "objects": []},
             {"line": 2, "text": 'SetColor(Nope, "red")', "ok": False, "labels": [],
              "objects": [], "error": "there is no object named Nope; nothing was changed"}]
    ggb, _ = ggb_with(lambda msg: {"results": lines})
    with pytest.raises(GgbScriptError) as info:
        ggb.script('B = (2, 2)\nSetColor(Nope, "red")\nC = (3, 3)')
    message = str(info.value)
    assert "line 2" in message and "no object named Nope" in message
    assert "failed: there is no object named Nope" in repr(info.value.result)


@pytest.mark.parametrize(("text", "label"), [
    ("A = (1, 2)", "A"), ("f(x) = x^2", "f"), ("ln = Line((0,0),(1,1))", "ln"),
    ("c: x^2 + y^2 = 4", "c"), ("A_{1} = (0, 0)", "A_{1}"), ("A_1 = (0, 0)", "A_1"),
    ("A' = (1, 1)", "A'"), ('SetColor(A, "red")', None), ("1 + 2", None),
    ("{P, Q} = Intersect(c, d)", None), ("a == b", None), ("Distance(A, B)", None),
])
def test_written_label(text: str, label: str | None) -> None:
    assert written_label(text) == label


@pytest.mark.parametrize(("text", "labels", "note"), [
    ("ln = Line((0,0),(1,1))", ["ln_{1}"], "GeoGebra named it ln_{1}, not ln: ln is the "
                                          "name of a GeoGebra function"),
    ("sin = 3", ["sin_{1}"], "GeoGebra named it sin_{1}, not sin: sin is the name of a "
                             "GeoGebra function"),
    ("x = 3", ["eq1"], "GeoGebra named it eq1, not x: x is a coordinate variable, so "
                       "GeoGebra read an equation"),
    ("t1 = Polygon((0,0),(2,0),(0,2))", ["t1", "f", "g", "h"], None),
    ("A = (1, 2)", ["A"], None), ("SetColor(A, \"red\")", [], None),
    ("Q = Foo()", [], None),
])
def test_relabel_note(text: str, labels: list[str], note: str | None) -> None:
    assert relabel_note(text, labels) == note


def test_script_result_shows_relabels_and_changes() -> None:
    result = ScriptResult([
        {"line": 1, "text": "P = (1, 1)", "ok": True, "labels": ["P"], "objects": []},
        {"line": 2, "text": "sin = 3", "ok": True, "labels": ["sin_{1}"], "objects": []},
        {"line": 3, "text": "SetValue(sin_{1}, 4)", "ok": True, "labels": [], "objects": [],
         "changed": ["sin_{1}"]},
    ], total=3)
    text = repr(result)
    assert "line 2: GeoGebra named it sin_{1}, not sin" in text
    assert "changed sin_{1}" in text


# --- load() ------------------------------------------------------------------------------


def _ggb_file(xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("geogebra.xml", xml)
    return buf.getvalue()


XML3 = ('<geogebra><construction><element type="point" label="A"/>'
        '<element type="point" label="B"/><command name="Segment"/>'
        '<element type="segment" label="s"/></construction></geogebra>')


def test_object_count_counts_the_files_elements() -> None:
    assert object_count(_ggb_file(XML3)) == 3
    assert object_count(_ggb_file("<geogebra><construction/></geogebra>")) == 0
    assert object_count(b"not a zip") is None


def test_load_tells_the_browser_how_many_objects_to_wait_for(tmp_path: Path) -> None:
    path = tmp_path / "three.ggb"
    path.write_bytes(_ggb_file(XML3))
    ggb, channel = ggb_with(lambda msg: None)
    ggb.load(path, timeout=2)
    sent = channel.sent[-1]
    assert (sent["method"], sent["expect_objects"], sent["timeout_ms"]) == ("setBase64", 3, 7750)
    # ggb.api.setBase64 with a .ggb's base64 gets the count too; other text does not.
    ggb.api.setBase64(base64.b64encode(_ggb_file(XML3)).decode())
    assert channel.sent[-1]["expect_objects"] == 3
    ggb.api.setBase64("bm90IGEgemlw")
    assert "expect_objects" not in channel.sent[-1]


# --- events --------------------------------------------------------------------------


def test_event_log_keeps_targets_and_fields() -> None:
    log = EventLog()
    [deleted, view] = log.extend([
        {"type": "deleteGeos", "target": None, "argument": None, "time": 1.0,
         "targets": ["t1", "f"]},
        {"type": "viewChanged2D", "target": None, "argument": None, "time": 2.0,
         "fields": {"xZero": 215, "scale": 50}},
    ])
    assert deleted["targets"] == ["t1", "f"] and "fields" not in deleted
    assert view["fields"] == {"xZero": 215, "scale": 50}


@pytest.mark.parametrize(("event", "detail"), [
    ({"type": "updateStyle", "target": "A", "argument": "A"}, ""),
    ({"type": "update", "target": "A", "argument": None, "value": "A = (1, 2)"}, "A = (1, 2)"),
    ({"type": "rename", "target": "B", "argument": "A"}, "A"),
    ({"type": "deleteGeos", "target": None, "argument": None, "targets": ["t1", "f"]},
     "t1, f"),
    ({"type": "viewChanged2D", "target": None, "argument": None,
      "fields": {"xZero": 215, "scale": 50.0}}, "xZero=215, scale=50"),
    ({"type": "x", "target": None, "argument": {"a": [1, 2]}}, "a=1, 2"),
])
def test_event_detail_is_readable(event: dict[str, Any], detail: str) -> None:
    full = {"seq": 1, "time": 0.0} | event
    assert event_detail(full) == detail  # type: ignore[arg-type]
    assert "'0'" not in repr(EventTable([full]))  # type: ignore[list-item]


def test_command_result_defaults_keep_old_callers_working() -> None:
    result = CommandResult("A = (1, 2)", True, ["A"], [])
    assert (result.changed, result.note) == ([], "")


def test_call_arguments_carry_non_finite_numbers_as_markers() -> None:
    msg = protocol.call("setValue", ["a", math.nan, [math.inf, -math.inf], 1.5])
    assert msg["args"] == ["a", NAN, [INF, {"$float": "-inf"}], 1.5]
    json.dumps(msg, allow_nan=False)  # plain JSON now


def test_browser_words_are_not_read_as_markup() -> None:
    line = {"line": 1, "text": "X", "ok": False, "labels": [], "objects": [],
            "error": "there is no object named [bold]x[/bold]"}
    assert "[bold]x[/bold]" in repr(ScriptResult([line], total=1))  # type: ignore[list-item]
    event = {"seq": 1, "time": 0.0, "type": "x", "target": None, "argument": "[red]y[/red]"}
    assert "[red]y[/red]" in repr(EventTable([event]))  # type: ignore[list-item]
