"""Tables of cases for ggbmagic.script: parsing, interpolation, Python -> GeoGebra literals."""

from __future__ import annotations

import dataclasses
import doctest
import re
from collections import namedtuple
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from ggbmagic import script
from ggbmagic.script import (
    InterpolationError,
    Raw,
    ScriptLine,
    interpolate,
    interpolate_lines,
    parse_script,
    to_ggb,
)

Pair = namedtuple("Pair", "x y")

# --------------------------------------------------------------------------- parse_script

PARSE_CASES = [
    ("empty cell", "", []),
    ("only blanks", "  \n\t\n", []),
    ("one command", "A = (1, 2)", [(1, "A = (1, 2)")]),
    ("strips whitespace", "   A = (1, 2)   ", [(1, "A = (1, 2)")]),
    (
        "numbers count blank and comment lines",
        "\nA = (1, 2)\n\n# a comment\n   # indented comment\nB = (3, 4)\n",
        [(2, "A = (1, 2)"), (6, "B = (3, 4)")],
    ),
    ("trailing comment", "A = (1, 2)  # the origin", [(1, "A = (1, 2)")]),
    ("tab before comment", "A = (1, 2)\t# c", [(1, "A = (1, 2)")]),
    ("hash inside text", 't = Text("# of sides")', [(1, 't = Text("# of sides")')]),
    (
        "comment after a text holding a hash",
        't = "a # b" + "c"  # comment "with quotes"',
        [(1, 't = "a # b" + "c"')],
    ),
    ("hash without space before is not a comment", "A_#=1", [(1, "A_#=1")]),
    ("unclosed text keeps everything", 't = "a # b', [(1, 't = "a # b')]),
    (
        "hash inside interpolation",
        "n = {{ d['a #b'] }}  # real comment",
        [(1, "n = {{ d['a #b'] }}")],
    ),
    (
        "quote inside interpolation does not open a text",
        "n = {{ '\"' }}  # comment",
        [(1, "n = {{ '\"' }}")],
    ),
    ("CRLF line ends", "A = 1\r\n\r\nB = 2\r\n", [(1, "A = 1"), (3, "B = 2")]),
    ("old Mac line ends", "A = 1\rB = 2", [(1, "A = 1"), (2, "B = 2")]),
    ("GeoGebra matrix braces untouched", "M = {{1, 2}, {3, 4}}", [(1, "M = {{1, 2}, {3, 4}}")]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in PARSE_CASES],
)
def test_parse_script(text: str, expected: list[tuple[int, str]]) -> None:
    assert parse_script(text) == [ScriptLine(line, command) for line, command in expected]


def test_script_line_is_frozen() -> None:
    line = ScriptLine(1, "A = 1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.text = "B = 2"  # type: ignore[misc]


# --------------------------------------------------------------------------- to_ggb

TO_GGB_CASES = [
    # booleans, before ints
    ("true", True, "true"),
    ("false", False, "false"),
    ("numpy bool", np.bool_(True), "true"),
    # integers
    ("int", 42, "42"),
    ("zero", 0, "0"),
    ("negative int parenthesized", -3, "(-3)"),
    ("big int", 10**20, "100000000000000000000"),
    ("numpy int64", np.int64(7), "7"),
    ("numpy negative int", np.int32(-7), "(-7)"),
    # floats
    ("float", 2.5, "2.5"),
    ("float keeps .0", 2.0, "2.0"),
    ("float shortest repr", 0.1, "0.1"),
    ("float full precision", 1 / 3, "0.3333333333333333"),
    ("small float capital E", 1.5e-7, "1.5E-7"),
    ("large float capital E", 1e16, "1E16"),
    ("smallest subnormal", 5e-324, "5E-324"),
    ("negative float", -2.5, "(-2.5)"),
    ("negative exponent form", -1.5e-7, "(-1.5E-7)"),
    ("negative zero", -0.0, "(-0.0)"),
    ("infinity", float("inf"), "\u221e"),
    ("minus infinity", float("-inf"), "(-\u221e)"),
    ("nan is undefined", float("nan"), "NaN"),
    ("numpy float64", np.float64(0.25), "0.25"),
    ("numpy float32 short form", np.float32(0.1), "0.1"),
    ("numpy float16 short form", np.float16(0.1), "0.1"),
    ("numpy nan", np.float64("nan"), "NaN"),
    ("numpy 0-d array", np.array(2.5), "2.5"),
    # exact numbers
    ("fraction", Fraction(1, 3), "(1/3)"),
    ("negative fraction", Fraction(-1, 3), "(-1/3)"),
    ("whole fraction", Fraction(4, 2), "2"),
    ("decimal", Decimal("0.1"), "0.1"),
    ("decimal exponent", Decimal("1E+2"), "1E+2"),
    ("negative decimal", Decimal("-1.25"), "(-1.25)"),
    ("decimal nan", Decimal("NaN"), "NaN"),
    ("decimal infinity", Decimal("-Infinity"), "(-\u221e)"),
    # complex
    ("complex", 3 + 4j, "(3.0 + 4.0\u03af)"),
    ("complex negative imaginary", 3 - 4j, "(3.0 - 4.0\u03af)"),
    ("pure imaginary", 1j, "(0.0 + 1.0\u03af)"),
    ("numpy complex", np.complex128(1 - 2j), "(1.0 - 2.0\u03af)"),
    # texts
    ("text", "hello", '"hello"'),
    ("empty text", "", '""'),
    ("text with hash and braces", "# {{x}}", '"# {{x}}"'),
    ("lone quote", '"', "UnicodeToLetter(34)"),
    (
        "text with quotes",
        'say "hi"',
        '("say " + UnicodeToLetter(34) + "hi" + UnicodeToLetter(34))',
    ),
    ("text with newline", "a\nb", '("a" + UnicodeToLetter(10) + "b")'),
    ("text with CR", "a\rb", '("a" + UnicodeToLetter(13) + "b")'),
    ("unicode text", "\u00e9t\u00e9 \u03c0", '"\u00e9t\u00e9 \u03c0"'),
    # points
    ("2D point", (1, 2), "(1, 2)"),
    ("3D point", (1, 2, 3), "(1, 2, 3)"),
    ("point with negatives unparenthesized", (-1, -2.5), "(-1, -2.5)"),
    ("point of mixed numbers", (Fraction(1, 2), Decimal("0.5")), "(1/2, 0.5)"),
    ("point of numpy scalars", (np.float64(1.5), np.int64(2)), "(1.5, 2)"),
    ("named tuple is a point", Pair(3, 4), "(3, 4)"),
    ("point with infinity", (float("inf"), 0), "(\u221e, 0)"),
    # lists
    ("list", [1, 2, 3], "{1, 2, 3}"),
    ("empty list", [], "{}"),
    ("empty tuple", (), "{}"),
    ("one-tuple is a list", (1,), "{1}"),
    ("four-tuple is a list", (1, 2, 3, 4), "{1, 2, 3, 4}"),
    ("tuple of bools is a list", (True, False), "{true, false}"),
    ("tuple of texts is a list", ("a", "b"), '{"a", "b"}'),
    ("range", range(1, 4), "{1, 2, 3}"),
    ("list of points", [(0, 0), (1, -1)], "{(0, 0), (1, -1)}"),
    ("matrix", [[1, 2], [3, 4]], "{{1, 2}, {3, 4}}"),
    ("one-row matrix", [[1, 2]], "{{1, 2}}"),
    ("mixed list", [1, "a", True, (1, 2)], '{1, "a", true, (1, 2)}'),
    ("negatives in a list", [-1, -2.5, Fraction(-1, 2)], "{-1, -2.5, -1/2}"),
    ("complex in a list", [1j], "{0.0 + 1.0\u03af}"),
    ("quoted text in a list", ['"'], "{UnicodeToLetter(34)}"),
    ("deep nesting", [[[[[1]]]]], "{{{{{1}}}}}"),
    ("same list twice is no cycle", [[1], [1]], "{{1}, {1}}"),
    # numpy arrays
    ("1-D array is a list", np.array([1, 2, 3]), "{1, 2, 3}"),
    ("2-D array is a matrix", np.array([[1, 2], [3, 4]]), "{{1, 2}, {3, 4}}"),
    ("float32 array short form", np.array([0.1, 0.2], dtype=np.float32), "{0.1, 0.2}"),
    ("bool array", np.array([True, False]), "{true, false}"),
    ("empty array", np.array([]), "{}"),
    ("list of arrays", [np.array([1.5]), np.array([2])], "{{1.5}, {2}}"),
    # Raw
    ("raw name", Raw("A"), "A"),
    ("raw expression unparenthesized", Raw("-a + b"), "-a + b"),
    ("raw in a tuple makes a list", (Raw("a"), 2), "{a, 2}"),
    ("raw in a list", [Raw("A"), Raw("B")], "{A, B}"),
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [pytest.param(value, expected, id=name) for name, value, expected in TO_GGB_CASES],
)
def test_to_ggb(value: object, expected: str) -> None:
    assert to_ggb(value) == expected


@pytest.mark.parametrize(
    "value", [1.5e-7, 1e16, 1e300, -2.5e-10, np.float64(3e-9), np.float32(1e-8)]
)
def test_to_ggb_never_writes_small_e(value: object) -> None:
    # A small e is Euler's number in GeoGebra: 1e-7 would mean 1*e - 7.
    text = to_ggb(value)
    assert "e" not in text
    assert "E" in text


def _cycle() -> list[object]:
    items: list[object] = [1]
    items.append(items)
    return items


class _NotSupported:
    pass


TO_GGB_ERRORS = [
    ("set", {1, 2}, TypeError, r"set has no order.*sorted\(\.\.\.\) or list\(\.\.\.\)"),
    ("frozenset", frozenset({1}), TypeError, r"frozenset has no order"),
    ("dict", {"a": 1}, TypeError, r"dict has no GeoGebra literal: pass list\(d\.values\(\)\)"),
    ("None", None, TypeError, r"None has no GeoGebra literal.*Raw\('\?'\)"),
    ("bytes", b"abc", TypeError, r"cannot convert bytes to GeoGebra; supported are bool"),
    ("object", _NotSupported(), TypeError, r"cannot convert \S*_NotSupported to GeoGebra"),
    ("set inside a list", [1, {2}], TypeError, r"set has no order"),
    ("generator", (i for i in range(3)), TypeError, r"cannot convert generator"),
    ("numpy datetime", np.datetime64("2024-01-01"), TypeError, r"cannot convert datetime\.date"),
    ("complex infinity", complex(1, float("inf")), ValueError, r"both parts must be finite"),
    ("complex nan", complex(float("nan"), 1), ValueError, r"both parts must be finite"),
    ("list holding itself", _cycle(), ValueError, r"list contains itself"),
]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [pytest.param(v, e, m, id=name) for name, v, e, m in TO_GGB_ERRORS],
)
def test_to_ggb_errors(value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        to_ggb(value)


def test_raw_takes_only_text() -> None:
    with pytest.raises(TypeError, match=r"Raw\(\) takes GeoGebra source as a str, not int"):
        Raw(1)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- interpolate

NAMESPACE: dict[str, object] = {
    "r": 2.5,
    "n": -3,
    "p": (1, 2),
    "xs": [1, 2, 3],
    "k": 3,
    "name": "A",
    "label": 'the "best" point',
    "arr": np.array([[1, 2], [3, 4]]),
    "obj": Raw("B"),
    "d": {"#": 5},
    "template": "{{k}}",
}

INTERPOLATE_CASES = [
    ("no placeholders", "A = (1, 2)", "A = (1, 2)"),
    ("number", "r = {{ r }}", "r = 2.5"),
    ("no spaces inside", "r = {{r}}", "r = 2.5"),
    ("negative number is safe to raise to a power", "y = {{ n }}^2", "y = (-3)^2"),
    ("expression", "m = {{ k * 2 + 1 }}", "m = 7"),
    ("point", "A = {{ p }}", "A = (1, 2)"),
    ("parenthesized tuple is a point", "A = {{ (1, -2) }}", "A = (1, -2)"),
    ("list", "l = {{ xs }}", "l = {1, 2, 3}"),
    ("several placeholders", "P = ({{ k }}, {{ r }})", "P = (3, 2.5)"),
    ("numpy matrix", "M = {{ arr }}", "M = {{1, 2}, {3, 4}}"),
    ("text", "t = Text({{ name }})", 't = Text("A")'),
    (
        "text with quotes",
        "t = {{ label }}",
        't = ("the " + UnicodeToLetter(34) + "best" + UnicodeToLetter(34) + " point")',
    ),
    ("raw object name", "SetColor({{ obj }}, red)", "SetColor(B, red)"),
    ("comprehension sees the namespace", "l = {{ [x * k for x in xs] }}", "l = {3, 6, 9}"),
    ("builtins are available", "s = {{ sum(xs) }}", "s = 6"),
    ("subscript with quotes and hash", 'v = {{ d["#"] }}', "v = 5"),
    ("GeoGebra list untouched", "l = {1, 2, 3}", "l = {1, 2, 3}"),
    ("GeoGebra matrix untouched", "M = {{1, 2}, {3, 4}}", "M = {{1, 2}, {3, 4}}"),
    ("spaced one-row matrix untouched", "M = { {1, 2} }", "M = { {1, 2} }"),
    ("GeoGebra list of one interpolated value", "l = {{{ k }}}", "l = {3}"),
    ("braces inside the expression are not interpolation", "s = {{ {1} }}", "s = {{ {1} }}"),
    ("output is not re-scanned", "t = {{ template }}", 't = "{{k}}"'),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in INTERPOLATE_CASES],
)
def test_interpolate(text: str, expected: str) -> None:
    assert interpolate(text, NAMESPACE) == expected


def test_interpolate_does_not_change_the_namespace() -> None:
    namespace: dict[str, object] = {"k": 1}
    assert interpolate("a = {{ (z := k + 1) }}", namespace) == "a = 2"
    assert namespace == {"k": 1}


INTERPOLATE_ERRORS = [
    (
        "undefined name",
        "r = {{ radius }}",
        "radius",
        [
            "`{{ radius }}`",
            "NameError: name 'radius' is not defined",
            "Define `radius` in Python first",
            "write `{ {` with a space",
        ],
    ),
    (
        "GeoGebra matrix of names read as interpolation",
        "M = {{a}, {b}} + {{A}}",
        "A",
        ["`{{ A }}`", "NameError", "write `{ {` with a space"],
    ),
    (
        "one-row matrix is ambiguous",
        "M = {{1, 2}}",
        "1, 2",
        [
            "`{{ 1, 2 }}` is ambiguous",
            "one-row matrix",
            "Write `{ {1, 2} }` (with spaces)",
            "`{{ (1, 2) }}`",
        ],
    ),
    (
        "syntax error",
        "a = {{ 1 + }}",
        "1 +",
        ["`{{ 1 + }}` is not a Python expression", "SyntaxError", "write `{ {`"],
    ),
    (
        "statement is not an expression",
        "a = {{ import os }}",
        "import os",
        ["is not a Python expression", "SyntaxError"],
    ),
    ("empty", "a = {{   }}", "", ["`{{  }}` is empty", "put a Python expression inside"]),
    (
        "runtime error",
        "a = {{ 1 / 0 }}",
        "1 / 0",
        ["`{{ 1 / 0 }}` failed with ZeroDivisionError: division by zero", "Fix the Python"],
    ),
    (
        "attribute error",
        "a = {{ r.real_part }}",
        "r.real_part",
        ["AttributeError", "real_part"],
    ),
    (
        "unsupported value",
        "s = {{ set(xs) }}",
        "set(xs)",
        ["`{{ set(xs) }}` gave a value GeoGebra cannot take", "sorted(...) or list(...)"],
    ),
    (
        "function value",
        "s = {{ print }}",
        "print",
        ["cannot convert builtin_function_or_method"],
    ),
    (
        "complex with infinite part",
        "z = {{ complex(1, float('inf')) }}",
        "complex(1, float('inf'))",
        ["both parts must be finite"],
    ),
]


@pytest.mark.parametrize(
    ("text", "expression", "fragments"),
    [pytest.param(t, e, f, id=name) for name, t, e, f in INTERPOLATE_ERRORS],
)
def test_interpolate_errors(text: str, expression: str, fragments: list[str]) -> None:
    with pytest.raises(InterpolationError) as caught:
        interpolate(text, NAMESPACE)
    assert isinstance(caught.value, ValueError)
    assert caught.value.expression == expression
    assert caught.value.line is None
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_interpolate_error_chains_the_python_error() -> None:
    with pytest.raises(InterpolationError) as caught:
        interpolate("{{ 1 / 0 }}", {})
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


# --------------------------------------------------------------------------- interpolate_lines


def test_interpolate_lines_keeps_line_numbers() -> None:
    lines = parse_script("\nA = {{ p }}\n# c\nB = (0, 0)\nr = {{ r }}  # radius\n")
    assert interpolate_lines(lines, NAMESPACE) == [
        ScriptLine(2, "A = (1, 2)"),
        ScriptLine(4, "B = (0, 0)"),
        ScriptLine(5, "r = 2.5"),
    ]


def test_interpolate_lines_empty() -> None:
    assert interpolate_lines([], {}) == []


def test_interpolate_lines_with_a_mapping_that_is_not_a_dict() -> None:
    from types import MappingProxyType

    lines = [ScriptLine(1, "k = {{ k }}")]
    assert interpolate_lines(lines, MappingProxyType({"k": 5})) == [ScriptLine(1, "k = 5")]


def test_interpolated_text_is_not_split_or_cut() -> None:
    # Parse first, interpolate second: a '#' or a line break in a value stays in its command.
    lines = interpolate_lines(parse_script("t = {{ s }}  # c"), {"s": "a # b\nc"})
    assert lines == [ScriptLine(1, 't = ("a # b" + UnicodeToLetter(10) + "c")')]


LINE_ERRORS = [
    (
        "undefined name on line 3",
        "A = (1, 2)\n\nB = {{ missing }}",
        3,
        "missing",
        ["line 3:", "NameError", "Define `missing` in Python first", "`{ {`"],
    ),
    (
        "ambiguous matrix on line 2",
        "# header\nM = {{1, 2}}\nN = {{ nope }}",
        2,
        "1, 2",
        ["line 2:", "ambiguous", "`{ {1, 2} }`"],
    ),
    (
        "unsupported value on line 1",
        "x = {{ d }}",
        1,
        "d",
        ["line 1:", "dict has no GeoGebra literal"],
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "expression", "fragments"),
    [pytest.param(t, ln, e, f, id=name) for name, t, ln, e, f in LINE_ERRORS],
)
def test_interpolate_lines_errors(
    text: str, line: int, expression: str, fragments: list[str]
) -> None:
    with pytest.raises(InterpolationError) as caught:
        interpolate_lines(parse_script(text), NAMESPACE)
    assert caught.value.line == line
    assert caught.value.expression == expression
    message = str(caught.value)
    assert message.startswith(f"line {line}: ")
    for fragment in fragments:
        assert fragment in message


def test_interpolate_lines_error_keeps_the_python_cause() -> None:
    with pytest.raises(InterpolationError) as caught:
        interpolate_lines([ScriptLine(7, "a = {{ nope }}")], {})
    assert isinstance(caught.value.__cause__, NameError)


# --------------------------------------------------------------------------- the module


def test_docstring_examples() -> None:
    result = doctest.testmod(script, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5
    assert result.failed == 0


def test_public_surface() -> None:
    assert sorted(script.__all__) == [
        "InterpolationError",
        "Raw",
        "ScriptLine",
        "interpolate",
        "interpolate_lines",
        "parse_script",
        "to_ggb",
    ]
    for name in script.__all__:
        assert getattr(script, name).__doc__


def test_module_does_not_import_numpy_or_ipython() -> None:
    with open(script.__file__, encoding="utf-8") as file:
        source = file.read()
    assert not re.search(r"^\s*(import|from)\s+(numpy|IPython)\b", source, re.MULTILINE)
