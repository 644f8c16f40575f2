"""Text from the applet is shown as text in every table and repr, never parsed as markup
(issue 8, finding 1): the real text/html of real reprs, with hostile and odd values."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from typing import Any

import pytest

from ggbmagic.display import (
    CommandResult,
    EventTable,
    ObjectTable,
    ScriptResult,
    Status,
    as_object_list,
)

#: A GeoGebra text as a shared .ggb file could carry it: rich markup that would become a
#: live <img onerror> (or a javascript: link) if parsed.
IMG = '[link=x"><img/src="x"/onerror="alert(document.domain)">]A[/link]'
JS = "[link=javascript:alert(1)]click[/link]"
HOSTILE = [IMG, JS, "[/oops]", "Circle[a, 2]", "[bold red]B[/]", "<script>x</script>"]


def obj(**fields: Any) -> dict[str, Any]:
    return {"name": "A", "type": "point", "value": "A = (1, 2)", "definition": "",
            "command": "", "defined": True, "visible": True} | fields


def renderings(text: str) -> list[tuple[str, Callable[[], Any]]]:
    """Every repr that shows a browser-made string, with *text* in each field."""
    return [
        ("command result name", lambda: CommandResult("A = 1", True, ["A"], [obj(name=text)])),
        ("command result value", lambda: CommandResult("A = 1", True, ["A"], [obj(value=text)])),
        ("command result type", lambda: CommandResult("A = 1", True, ["A"], [obj(type=text)])),
        ("object table definition", lambda: ObjectTable([obj(definition=text)])),
        ("object table value", lambda: ObjectTable([obj(value=text)])),
        ("object table name", lambda: ObjectTable([obj(name=text)])),
        ("script command", lambda: ScriptResult([{"line": 1, "text": text, "ok": True,
                                                  "labels": [], "objects": []}], total=1)),
        ("script value", lambda: ScriptResult([{"line": 1, "text": "a", "ok": True,
                                                "labels": ["A"],
                                                "objects": [obj(value=text)]}], total=1)),
        ("event target", lambda: EventTable([{"seq": 1, "type": "add", "target": text,
                                              "argument": None, "time": 0.0}])),
        ("event type", lambda: EventTable([{"seq": 1, "type": text, "target": "A",
                                            "argument": None, "time": 0.0}])),
        ("event value", lambda: EventTable([{"seq": 1, "type": "update", "target": "A",
                                             "argument": None, "time": 0.0, "value": text}])),
        ("event argument", lambda: EventTable([{"seq": 1, "type": "select", "target": "A",
                                                "argument": {"x": text}, "time": 0.0}])),
        ("status applet", lambda: Status(state="ready", connected=True, kernel_id="k",
                                         applet={"appName": text, "version": text})),
        # The object count comes from the browser's ping answer unchecked (Applet.status):
        # a browser that sends text there gets it shown as text.
        ("status objects", lambda: Status(state="ready", connected=True, kernel_id="k",
                                          objects=text)),  # type: ignore[arg-type]
    ]


CASES = [(f"{where} {i}", text, build) for i, text in enumerate(HOSTILE)
         for where, build in renderings(text)]


@pytest.mark.parametrize(("text", "build"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_browser_text_is_shown_as_text(text: str, build: Callable[[], Any]) -> None:
    bundle = build()._repr_mimebundle_()
    html, plain = bundle["text/html"], bundle["text/plain"]
    # No markup became HTML: no tag and no link came from the applet's text.
    assert "<img" not in html and "<a " not in html and "<script" not in html
    assert "href" not in html  # so no javascript: link either
    # The text itself is there, in full (a wide table folds it, so compare without
    # the layout's spaces and line breaks).
    squeeze = re.compile(r"[\s│]+")
    assert squeeze.sub("", text) in squeeze.sub("", plain)
    assert squeeze.sub("", html_lib.escape(text, quote=False)) in squeeze.sub(
        "", html.replace("&#x27;", "'").replace("&quot;", '"'))


def test_markup_like_text_does_not_raise() -> None:
    table = ObjectTable([obj(definition="[/oops]")])
    assert "[/oops]" in repr(table)  # was MarkupError


def test_circle_with_brackets_keeps_its_brackets() -> None:
    text = repr(ObjectTable([obj(name="c", type="circle", definition="Circle[a, 2]",
                                 value="c: x² + y² = 4")]))
    assert "Circle[a, 2]" in text


@pytest.mark.parametrize("fields", [
    {"value": 5},
    {"value": None},
    {"type": 3.5},
    {"definition": ["list"]},
    {"x": "one", "y": 2.0},
], ids=["numeric value", "null value", "numeric type", "list definition", "text coordinate"])
def test_odd_fields_are_shown_with_str(fields: dict[str, Any]) -> None:
    objects = as_object_list({"objects": [obj(**fields)]})
    for result in (ObjectTable(objects), CommandResult("A", True, ["A"], objects)):
        bundle = result._repr_mimebundle_()
        assert "A" in bundle["text/plain"]


@pytest.mark.parametrize("missing", ["value", "type", "definition", "command"])
def test_missing_fields_get_defaults(missing: str) -> None:
    info = obj()
    del info[missing]
    objects = as_object_list({"objects": [info]})
    for result in (ObjectTable(objects), CommandResult("A", True, ["A"], objects)):
        assert "A" in repr(result)
    assert ObjectTable(objects).records()[0]["name"] == "A"


def test_script_lines_with_missing_fields_render() -> None:
    result = ScriptResult([{"line": 1, "ok": True}], total=1)  # type: ignore[typeddict-item]
    assert "1" in repr(result)
    assert result.records()[0]["command"] == ""


def test_status_text_from_the_browser_is_text() -> None:
    status = Status(state="ready", connected=True, kernel_id="k",
                    applet={"appName": JS, "version": IMG}, callbacks_dropped=7)
    html = status._repr_mimebundle_()["text/html"]
    assert "href" not in html and "<img" not in html
    assert "callbacks dropped" in repr(status) and "7" in repr(status)


def test_status_without_dropped_callbacks_has_no_such_row() -> None:
    assert "callbacks dropped" not in repr(Status(state="idle", connected=False,
                                                  kernel_id="k"))
    assert "events dropped" not in repr(Status(state="idle", connected=False,
                                               kernel_id="k"))


def test_status_says_how_many_events_were_dropped() -> None:
    status = Status(state="idle", connected=False, kernel_id="k", events_dropped=12)
    (row,) = [line for line in repr(status).splitlines() if "events dropped" in line]
    assert "12" in row and "event_buffer_bytes" in row




#: Terminal escape codes a file's or a buggy applet's text could carry (issue 15): clear
#: the screen and recolour (ESC/CSI), a one-byte C1 CSI, a bell, a carriage return that
#: overwrites the line, a right-to-left override that reorders it.
ESCAPES = ["\x1b[2J\x1b[31mred\x1b[0m", "\x9b31mcsi", "bell\x07", "over\rwrite",
           "\u202egnp.exe", "nul\x00del\x7f"]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ESCAPE_CASES = [(f"{where} {i}", text, build) for i, text in enumerate(ESCAPES)
                for where, build in renderings(text)]


@pytest.mark.parametrize(("text", "build"), [c[1:] for c in ESCAPE_CASES],
                         ids=[c[0] for c in ESCAPE_CASES])
def test_control_characters_never_reach_text_plain_or_repr(
        text: str, build: Callable[[], Any]) -> None:
    result = build()
    bundle = result._repr_mimebundle_()
    for shown in (bundle["text/plain"], repr(result), bundle["text/html"]):
        assert not CONTROL.search(shown), repr(shown)
    # The text is still there, its control characters written out as escapes.
    squeeze = re.compile(r"[\s│]+")
    visible = CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256
                          else f"\\u{ord(m.group(0)):04x}", text)
    assert squeeze.sub("", visible) in squeeze.sub("", bundle["text/plain"])


def test_control_characters_in_the_browsers_error_text_are_escaped() -> None:
    from ggbmagic.errors import GgbCommandError
    from ggbmagic.replies import command_post

    with pytest.raises(GgbCommandError) as info:
        command_post("A = ?")({"ok": False, "error": "bad\x1b]0;title\x07"})
    assert not CONTROL.search(str(info.value)) and "\\x1b]0;title" in str(info.value)
