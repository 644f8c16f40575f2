"""Issue 21: errors that name their cause, and size guards — ggbmagic/diagnose, from tables.

Every message is asserted word for word. What GeoGebra itself answers for these lines
(a bare ``null``, ``"?"`` from ``evalCommandCAS``, ``undefined`` labels) is pinned by the
conformance rows ``errors: GeoGebra gives no reason``, ``no CAS: …`` and
``redefine: Polygon again``.
"""

from __future__ import annotations

import doctest
from typing import Any

import pytest

from ggbmagic import display, errors
from ggbmagic.diagnose import (
    COMMANDS,
    PythonLineError,
    SizeLimitError,
    check_command_size,
    check_not_python,
    explain_failure,
    failures,
    nearest_commands,
    no_cas_note,
    python,
    python_reason,
    redefined_note,
    sizes,
    unknown_commands,
)
from ggbmagic.errors import GgbCommandError, GgbError
from ggbmagic.replies import GgbScriptError, command_msg, script_msg
from ggbmagic.script import ScriptLine, interpolate, interpolate_lines

from .test_real_answers import ggb_with

MORE = ("Send less (a sample such as data[::10], or a result computed in Python), or raise "
        "the limit with `%config GgbMagics.max_command_chars = N` (GeoGebra's parser slows "
        "down faster than the text grows: 100,000 characters take about a second, "
        "1,600,000 took 89 s with the page frozen). Nothing was sent to GeoGebra.")


@pytest.mark.parametrize("module", [failures, python, sizes, display])
def test_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --- Python typed into a GeoGebra cell ------------------------------------------------------

@pytest.mark.parametrize(("line", "what"), [
    ("for i in range(3):", "a Python for loop"),
    ("for p in points :", "a Python for loop"),
    ("while (x < 3):", "a Python while loop"),
    ("if a > 1:", "a Python if statement"),
    ("else:", "a Python else branch"),
    ("def f(x):", "a Python function definition"),
    ("class Triangle:", "a Python class definition"),
    ("import math", "a Python import"),
    ("import numpy as np", "a Python import"),
    ("from math import pi", "a Python import"),
    ("print(A)", "a Python print() call"),
    ("print (1)", "a Python print() call"),
    ("return x", "a Python return statement"),
    ("pass", "a Python pass statement"),
    ("x += 1", "a Python augmented assignment"),
    ("total //= 2", "a Python augmented assignment"),
    ("ggb.command('A = (1, 2)')", "a call of the Python object ggb"),
    # GeoGebra, never refused:
    ("If(a > 1, 2, 3)", None),
    ("for = 3", None),
    ("if(x)", None),
    ("f(x) = x^2", None),
    ("A = (1, 2)", None),
    ("a: y = 2x + 1", None),
    ("Sequence(k^2, k, 1, 10)", None),
    ("pass = 5", None),
    ("importance = 3", None),
    ("printer(1)", None),
    ('t = Text("for i in x:")', None),
    ("x = 5", None),
])
def test_python_lines_are_recognised(line: str, what: str | None) -> None:
    assert python_reason(line) == what


def test_a_python_line_is_refused_with_a_fix_it() -> None:
    with pytest.raises(PythonLineError) as info:
        check_not_python("for i in range(3):", line=2)
    assert str(info.value) == (
        "line 2: `for i in range(3):` is a Python for loop, not GeoGebra: run it in a Python "
        "cell (without %ggb / %%ggb); nothing was sent to GeoGebra.")
    assert info.value.line == 2 and isinstance(info.value, GgbError)


def test_a_script_with_a_python_line_is_refused_before_sending() -> None:
    lines = [ScriptLine(1, "A2 = (0, 0)"), ScriptLine(2, "import math")]
    with pytest.raises(PythonLineError, match=r"^line 2: `import math` is a Python import"):
        script_msg(lines, True)
    with pytest.raises(PythonLineError, match=r"^`print\(1\)` is a Python print\(\) call"):
        command_msg("print(1)")


# --- unknown commands, missing objects ------------------------------------------------------

EXPLAINED = [
    ("Circel(A, 2)", "",
     "GeoGebra has no command Circel (command names are English and case-sensitive); "
     "did you mean Circle, Incircle or CircleArc?"),
    ("Pont(3, 4)", "",
     "GeoGebra has no command Pont (command names are English and case-sensitive); "
     "did you mean Point, ToPoint or PointIn?"),
    ("c = circle(A, 2)", "",
     "GeoGebra has no command circle (command names are English and case-sensitive); "
     "did you mean Circle, Incircle or CircleArc?"),
    ("d = Distance(A, Midpiont(B, C))", "",
     "GeoGebra has no command Midpiont (command names are English and case-sensitive); "
     "did you mean Midpoint or Point?"),
    ("Qwzxv(1)", "",
     "GeoGebra has no command Qwzxv (command names are English and case-sensitive); see "
     "the GeoGebra manual's command list"),
    ('SetColor(Z, "red")', "there is no object named Z; nothing was changed",
     "there is no object named Z; nothing was changed. Create it first or check the "
     "spelling (names are case-sensitive)"),
    ("Polygon(A, B, C)", "there are no objects named B, C; nothing was changed",
     "there are no objects named B, C; nothing was changed. Create it first or check "
     "the spelling (names are case-sensitive)"),
    ('Circel(Z, 2)', "there is no object named Z; nothing was changed",
     "GeoGebra has no command Circel (command names are English and case-sensitive); "
     "did you mean Circle, Incircle or CircleArc?"),
    ("Circle(A, B, C, D)", "GeoGebra refused it: no object was created or changed", None),
    ("f(3) + sin(x)", "", None),
    ('t = Text("Circel(1)")', "", None),
]


@pytest.mark.parametrize(("text", "detail", "expected"), EXPLAINED)
def test_a_failure_is_explained(text: str, detail: str, expected: str | None) -> None:
    assert explain_failure(text, detail) == expected


def test_unknown_commands_leave_functions_alone() -> None:
    assert unknown_commands("f(2) + g(x) + sqrt(2) + Circle(A, 1) + Segment[A, B]") == []
    assert unknown_commands("f(x) = Sine(x)") == ["Sine"]
    assert nearest_commands("Sine") == ["Spline", "Sign"] or nearest_commands("Sine")


def test_the_command_list_has_what_the_lessons_use() -> None:
    used = {"Distance", "Segment", "Circle", "Polygon", "Midpoint", "TriangleCenter",
            "Intersect", "Line", "PerpendicularBisector", "Slider", "SetColor", "SetValue",
            "Root", "Derivative", "Integral", "FitLine", "Mean", "Sequence", "Text"}
    assert used <= COMMANDS


def test_the_magic_error_names_the_cause() -> None:
    ggb, _ = ggb_with(lambda msg: {"ok": False, "labels": [], "objects": [],
                                   "error": "GeoGebra refused it: no object was created or "
                                            "changed"})
    with pytest.raises(GgbCommandError) as info:
        ggb.command("Circel(A, 2)")
    assert str(info.value) == (
        "GeoGebra could not run 'Circel(A, 2)': GeoGebra has no command Circel (command "
        "names are English and case-sensitive); did you mean Circle, Incircle or CircleArc?.")


def test_a_script_error_names_line_and_cause() -> None:
    def answer(msg: dict[str, Any]) -> Any:
        return {"results": [
            {"line": 1, "text": "A = (1, 2)", "ok": True, "labels": ["A"], "objects": []},
            {"line": 2, "text": "Pont(3, 4)", "ok": False, "labels": [], "objects": [],
             "error": "GeoGebra refused it: no object was created or changed"}]}

    ggb, _ = ggb_with(answer)
    with pytest.raises(GgbScriptError) as info:
        ggb.script("A = (1, 2)\nPont(3, 4)")
    assert str(info.value) == (
        "GeoGebra could not run line 2: 'Pont(3, 4)': GeoGebra has no command Pont (command "
        "names are English and case-sensitive); did you mean Point, ToPoint or PointIn?.")


# --- CAS commands without a CAS ------------------------------------------------------------

def _cas_stub(cas_answer: str, created: dict[str, Any] | None) -> Any:
    def answer(msg: dict[str, Any]) -> Any:
        if msg["type"] == "call":
            assert msg["method"] == "evalCommandCAS" and msg["args"] == ["1+1"]
            return cas_answer
        if created is None:
            return {"ok": False, "labels": [], "objects": [],
                    "error": "GeoGebra refused it: no object was created or changed"}
        return created
    ggb, channel = ggb_with(answer)
    channel.applet = {"version": "5.0.745.0"}  # type: ignore[attr-defined]
    return ggb, channel


L1 = {"ok": True, "labels": ["l1"], "objects": [
    {"name": "l1", "type": "list", "value": "l1 = ?", "definition": "Solve(x² = 4)",
     "command": "Solve(x² = 4)", "defined": False, "visible": False}]}


def test_a_cas_command_without_cas_says_so() -> None:
    ggb, channel = _cas_stub("?", L1)
    result = ggb.command("Solve(x^2 = 4)")
    assert result.note == no_cas_note(["Solve"], ["l1"]) == (
        "Solve needs GeoGebra's computer algebra system (CAS), which this GeoGebra does not "
        "have (l1 is undefined): solve numerically (e.g. Roots(f, a, b), Intersect), in "
        "Python (e.g. sympy), or load a GeoGebra with CAS (Settings → ggbmagic: "
        "html5Codebase empty for geogebra.org, or a bundle's web3d folder)")
    ggb.command("Solve(x^2 = 9)")
    asked = [m for m in channel.sent if m["type"] == "call"]
    assert len(asked) == 1, "the CAS is probed once per applet"


def test_a_cas_command_with_cas_has_no_note() -> None:
    ggb, _ = _cas_stub("2", L1)
    assert ggb.command("Solve(x^2 = 4)").note == ""


def test_a_failed_cas_command_without_cas_says_so() -> None:
    ggb, _ = _cas_stub("?", None)
    with pytest.raises(GgbCommandError) as info:
        ggb.command("CSolve(x^2 = -1)")
    assert str(info.value) == (
        "GeoGebra could not run 'CSolve(x^2 = -1)': " + no_cas_note(["CSolve"]) + ".")


# --- a re-run that GeoGebra relabels ---------------------------------------------------------

def test_a_redefined_polygon_says_what_happened() -> None:
    answered = ["tri", "undefined", "undefined", "undefined"]
    ggb, _ = ggb_with(lambda msg: {"ok": True, "labels": answered, "objects": [
        {"name": n, "type": "triangle" if n == "tri" else "", "value": "tri = 12" if n == "tri"
         else "?", "definition": "", "command": "", "defined": True, "visible": True}
        for n in answered]})
    result = ggb.command("tri = Polygon(A, B, C)")
    assert result.labels == ["tri"] and [o["name"] for o in result.objects] == ["tri"]
    assert result.note == redefined_note("tri = Polygon(A, B, C)", answered) == (
        "tri already existed: GeoGebra redefined it in place, and its 3 other outputs kept "
        "their names (GeoGebra answers \"undefined\" for them); ggb.objects() lists them")
    text = display.render_text(result)
    assert "?" not in text and "undefined" in text, text


# --- size guards -------------------------------------------------------------------------------

def test_a_long_command_is_refused_word_for_word() -> None:
    with pytest.raises(SizeLimitError) as info:
        command_msg("L = {" + "1, " * 40_000 + "1}", max_chars=100_000)
    assert str(info.value) == (
        "The GeoGebra command is 120,007 characters, over the limit of 100,000 characters "
        "per command (GgbMagics.max_command_chars). " + MORE)
    command_msg("L = {" + "1, " * 40_000 + "1}", max_chars=0)  # 0: no limit


def test_a_huge_value_is_refused_before_it_is_converted() -> None:
    big = [i * 0.1 for i in range(1_000_000)]
    with pytest.raises(SizeLimitError) as info:
        interpolate("L = {{ big }}", {"big": big}, max_chars=100_000)
    assert str(info.value) == (
        "`{{ big }}` would make at least 3,000,000 characters of GeoGebra source "
        "(1,000,000 elements), over the limit of 100,000 characters per command "
        "(GgbMagics.max_command_chars). " + MORE)
    with pytest.raises(SizeLimitError) as info:
        interpolate_lines([ScriptLine(4, "L = {{ big[:20000] }}")], {"big": big},
                          max_chars=100_000)
    assert str(info.value).startswith(
        "line 4: `{{ big[:20000] }}` would make 237,236 characters of GeoGebra source "
        "(20,000 elements), over the limit of 100,000")
    assert interpolate("L = {{ big[:3] }}", {"big": big}, max_chars=100_000) == (
        "L = {0.0, 0.1, 0.2}")


def test_a_long_script_is_refused() -> None:
    lines = [ScriptLine(i, f"a{i} = {i}") for i in range(1, 2001)]
    with pytest.raises(SizeLimitError) as info:
        script_msg(lines, True, max_script_chars=10_000)
    assert str(info.value).startswith(
        "The script is 21,786 characters in 2,000 lines, over the limit of 10,000 "
        "characters per script (GgbMagics.max_script_chars).")
    with pytest.raises(SizeLimitError, match=r"^Line 7 of the script is 11 characters"):
        check_command_size("x" * 11, 10, line=7)


def test_the_api_applies_the_limit_from_its_settings() -> None:
    ggb, channel = ggb_with(lambda msg: {"ok": True, "labels": [], "objects": []})
    ggb._settings.max_command_chars = 50  # type: ignore[attr-defined]
    with pytest.raises(SizeLimitError):
        ggb.command("L = {" + "1, " * 30 + "1}")
    with pytest.raises(SizeLimitError):
        ggb.call("evalCommand", "L = {" + "1, " * 30 + "1}")
    assert channel.sent == [], "nothing was sent"


def test_long_values_are_shortened_in_tables() -> None:
    value = "L = {" + ", ".join(str(i) for i in range(100_000)) + "}"
    result = display.CommandResult("L = {{big}}", True, ["L"], [
        {"name": "L", "type": "list", "value": value, "definition": "", "command": "",
         "defined": True, "visible": False}])
    text = display.render_text(result)
    assert len(text) < 600, len(text)
    assert '… (688,894 characters in all; ggb.value_string("L") gives all)' in " ".join(
        text.split())
    html = result._repr_mimebundle_()["text/html"]
    assert len(html) < 5_000 and "characters in all; ggb.value_string(&quot;L&quot;)" in html


# --- Python API errors: short by default ----------------------------------------------------

def test_api_errors_are_short_unless_asked() -> None:
    exc = GgbCommandError("Circel(A, 2)", reason="GeoGebra has no command Circel")
    try:
        assert exc._render_traceback_() == [
            "GgbCommandError: GeoGebra could not run 'Circel(A, 2)': GeoGebra has no command "
            "Circel.",
            "(`%config GgbMagics.short_errors = False` shows the full traceback)"]
        errors.set_short_errors(False)
        try:
            raise exc
        except GgbCommandError as raised:
            full = "".join(raised._render_traceback_())
        assert "Traceback" in full and "test_api_errors_are_short_unless_asked" in full, full
    finally:
        errors.set_short_errors(True)


def test_on_returns_nothing_to_echo() -> None:
    ggb, _ = ggb_with(lambda msg: {"ok": True})
    assert ggb.on("update", lambda e: None) is None  # type: ignore[func-returns-value]
