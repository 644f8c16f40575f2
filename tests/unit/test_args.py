"""Tables of cases for ggbmagic.args.split_line: options first, the GeoGebra command verbatim."""

from __future__ import annotations

import doctest

import pytest

from ggbmagic import args
from ggbmagic.args import LineSyntaxError, SplitLine, split_line

# The options of %ggb, as magics.py declares them.
VALUED = {"-t", "--timeout", "--app", "--scale", "-o", "--output", "--load", "--save"}
FLAGS = {"-q", "--quiet", "--open", "--png", "--svg", "--transparent", "--continue",
         "--clear", "-h", "--help"}

SPLIT_CASES: list[tuple[str, str, list[str], str]] = [
    # (id, line, options, command)
    ("empty", "", [], ""),
    ("blanks", "   \t ", [], ""),
    ("command only", "A = (1, 2)", [], "A = (1, 2)"),
    ("surrounding blanks stripped", "   A = (1, 2)   ", [], "A = (1, 2)"),
    ("inner spacing kept", "A  =  (1,   2)", [], "A  =  (1,   2)"),
    ("double quotes kept", 'SetColor(A, "red")', [], 'SetColor(A, "red")'),
    ("single quotes kept", "Text('a  b')", [], "Text('a  b')"),
    ("flag then quoted command", '--png SetColor(A, "red")', ["--png"], 'SetColor(A, "red")'),
    ("quoted text command", '"hello world"', [], '"hello world"'),
    ("only a flag", "--open", ["--open"], ""),
    ("several flags", "-q --png --transparent", ["-q", "--png", "--transparent"], ""),
    ("valued with space", "-t 2 A = 1", ["-t", "2"], "A = 1"),
    ("valued with =", "--timeout=2.5 A = 1", ["--timeout", "2.5"], "A = 1"),
    ("short valued with =", "-o=res A = 1", ["-o", "res"], "A = 1"),
    ("empty value after =", "--app= A = 1", ["--app", ""], "A = 1"),
    ("open with app", "--open --app geometry", ["--open", "--app", "geometry"], ""),
    ("double-quoted value with spaces", '--save "my lesson.ggb"', ["--save", "my lesson.ggb"],
     ""),
    ("single-quoted value with spaces", "--load 'my lesson.ggb' A = 1",
     ["--load", "my lesson.ggb"], "A = 1"),
    ("=quoted value with spaces", '--save="my lesson.ggb"', ["--save", "my lesson.ggb"], ""),
    ("=single-quoted value", "--load='a b.ggb' A = 1", ["--load", "a b.ggb"], "A = 1"),
    ("value that looks like an option", "-o -x A", ["-o", "-x"], "A"),
    ("-- separator", "-- -A", [], "-A"),
    ("options then --", "-t 2 -- -A", ["-t", "2"], "-A"),
    ("-- keeps later options as command", "-- --png", [], "--png"),
    ("-- alone", "--", [], ""),
    ("-- then blanks", "--png --    ", ["--png"], ""),
    ("negative number", "-2 + 3", [], "-2 + 3"),
    ("negative decimal", "-.5 * a", [], "-.5 * a"),
    ("negated bracket", "-(1, 2)", [], "-(1, 2)"),
    ("flag then negative number", "-q -2 + 3", ["-q"], "-2 + 3"),
    ("option-like text after command", "A = 1 --png", [], "A = 1 --png"),
    ("= in command kept", "a = b", [], "a = b"),
    ("tab separated", "--png\tA = 1", ["--png"], "A = 1"),
    ("interpolation kept", "--png d = Distance(A, {{ p }})", ["--png"],
     "d = Distance(A, {{ p }})"),
]


@pytest.mark.parametrize(("line", "options", "command"), [c[1:] for c in SPLIT_CASES],
                         ids=[c[0] for c in SPLIT_CASES])
def test_split_line(line: str, options: list[str], command: str) -> None:
    assert split_line(line, VALUED, FLAGS) == SplitLine(options, command)


ERROR_CASES: list[tuple[str, str, list[str]]] = [
    # (id, line, substrings of the message)
    ("unknown long option", "--bogus A = 1", ["'--bogus'", "`--`", "%ggb?"]),
    ("unknown short option", "-x", ["'-x'", "`--`"]),
    ("command starting with -", "-A", ["'-A'", "put `--` before it"]),
    ("flag given a value", "--png=1", ["'--png=1'", "`--`"]),
    ("unknown after known", "--png --nope A", ["'--nope'"]),
    ("valued without value", "--timeout", ["--timeout needs a value", "--timeout VALUE"]),
    ("valued without value, blanks", "-o    ", ["-o needs a value"]),
    ("valued last after flag", "--png --app", ["--app needs a value"]),
]


@pytest.mark.parametrize(("line", "needles"), [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_split_line_errors(line: str, needles: list[str]) -> None:
    with pytest.raises(LineSyntaxError) as info:
        split_line(line, VALUED, FLAGS)
    for needle in needles:
        assert needle in str(info.value)


def test_line_syntax_error_is_a_value_error() -> None:
    assert issubclass(LineSyntaxError, ValueError)


def test_options_come_from_the_caller() -> None:
    # The same word is an option for one magic and unknown to another.
    assert split_line("--tail 3", {"--tail"}, set()) == SplitLine(["--tail", "3"], "")
    with pytest.raises(LineSyntaxError):
        split_line("--tail 3", set(), set())


def test_doctests() -> None:
    result = doctest.testmod(args)
    assert result.attempted > 0
    assert result.failed == 0
