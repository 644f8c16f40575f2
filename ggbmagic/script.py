"""GeoGebra script text: split a cell into commands, interpolate Python values. Pure.

A ``%%ggb`` cell holds one GeoGebra command per line. :func:`parse_script` drops blank
lines and ``#`` comments and keeps each command's line number for error messages.
:func:`interpolate` replaces ``{{ expr }}`` by the GeoGebra literal of a Python value,
built by :func:`to_ggb`. Parse first, then interpolate: an interpolated text may
contain ``#`` or a line break and must not be read as a comment or a second command.

GeoGebra syntax this module relies on (GeoGebra's parser grammar, ``Parser.jj``, and
the manual at geogebra.github.io/docs/manual/en/):

* a text is ``"..."`` with no escape character: a double quote cannot appear inside
  one, so it is spelt ``UnicodeToLetter(34)`` and joined with ``+`` (GeoGebra's own
  source does the same);
* numbers in scientific notation need a capital ``E`` (``1.5E-7``); a small ``e``
  is Euler's number, so ``1.5e-7`` would mean 1.5 times e, minus 7;
* ``∞`` is infinity, ``NaN`` (also ``?``, ``Undefined``) is undefined, ``true`` and
  ``false`` are booleans, ``ί`` (U+03AF) is the imaginary unit;
* ``{1, 2}`` is a list, ``{{1, 2}, {3, 4}}`` a matrix, ``(1, 2)`` and ``(1, 2, 3)``
  points; ``#`` occurs in no command outside texts.

>>> lines = parse_script('A = (1, 2)  # a point\\nr = {{ radius }}')
>>> [line.text for line in interpolate_lines(lines, {"radius": 2.5})]
['A = (1, 2)', 'r = 2.5']
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .diagnose.sizes import SizeLimitError, check_value_size

# Raw and to_ggb (the literals) live in literals.py; this is their public home.
from .literals import Raw, to_ggb

__all__ = [
    "InterpolationError",
    "Raw",
    "ScriptLine",
    "interpolate",
    "interpolate_lines",
    "parse_script",
    "to_ggb",
]

# No braces inside, so GeoGebra's own braces ({1, 2}, {{1, 2}, {3, 4}}) never match.
_PLACEHOLDER = re.compile(r"\{\{([^{}]+?)\}\}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BRACES_HINT = (
    "if these braces are GeoGebra's (a list or matrix), write `{ {` with a space so "
    "they are not read as interpolation"
)


@dataclass(frozen=True, slots=True)
class ScriptLine:
    """One GeoGebra command of a cell, with its 1-based line number in the cell.

    >>> ScriptLine(3, "A = (1, 2)")
    ScriptLine(line=3, text='A = (1, 2)')
    """

    line: int
    text: str


class InterpolationError(ValueError):
    """A ``{{ expr }}`` could not be evaluated or converted; the message says how to fix it.

    ``expression`` is the Python expression, ``line`` the cell line when known.

    >>> try:
    ...     interpolate("r = {{ radius }}", {})
    ... except InterpolationError as exc:
    ...     exc.expression
    'radius'
    """

    def __init__(self, message: str, *, expression: str | None = None, line: int | None = None):
        super().__init__(message)
        self.expression = expression
        self.line = line


def parse_script(text: str) -> list[ScriptLine]:
    """Split cell text into GeoGebra commands, one per line, numbered from 1.

    Blank lines and lines starting with ``#`` are skipped. A ``#`` at the start of a
    line or after whitespace starts a comment, unless it is inside a GeoGebra text
    ``"..."`` or a ``{{ expr }}``. Every physical line counts for the numbering.

    >>> parse_script('A = (1, 2)\\n\\n# comment\\nt = Text("# 1")  # label')
    [ScriptLine(line=1, text='A = (1, 2)'), ScriptLine(line=4, text='t = Text("# 1")')]
    """
    lines: list[ScriptLine] = []
    for number, physical in enumerate(_LINE_BREAK.split(text), start=1):
        command = _strip_comment(physical).strip()
        if command:
            lines.append(ScriptLine(number, command))
    return lines


def _strip_comment(line: str) -> str:
    in_text = False
    i = 0
    while i < len(line):
        char = line[i]
        if char == "{" and (placeholder := _PLACEHOLDER.match(line, i)):
            # A Python expression may hold quotes or '#' of its own.
            i = placeholder.end()
            continue
        if char == '"':
            # GeoGebra texts have no escape character, so every quote toggles.
            in_text = not in_text
        elif char == "#" and not in_text and (i == 0 or line[i - 1].isspace()):
            return line[:i]
        i += 1
    return line


def interpolate(text: str, namespace: Mapping[str, object], *,
                max_chars: int = 0) -> str:
    """Replace every ``{{ expr }}`` by ``to_ggb`` of the expression evaluated in *namespace*.

    The expression may not contain braces, so GeoGebra's lists ``{1, 2}`` and matrices
    ``{{1, 2}, {3, 4}}`` pass through untouched. A one-row matrix must be written with
    spaces, ``{ {1, 2} }``, because ``{{1, 2}}`` is read as interpolation (and refused
    as ambiguous). In a GeoGebra text, concatenate: ``"r = " + {{ r }}``.

    >>> interpolate("A = {{ p }}; l = {{ xs }}; M = {{1, 2}, {3, 4}}", {"p": (1, -2), "xs": [1, 2]})
    'A = (1, -2); l = {1, 2}; M = {{1, 2}, {3, 4}}'

    Raises :class:`InterpolationError` naming the expression and the Python error, and
    ``SizeLimitError`` when a value's literal is over *max_chars* (0: no limit) — checked
    on the value's length before it is converted, so a huge list fails at once.
    """
    return _interpolate(text, _LazyScope(namespace), max_chars)


def interpolate_lines(lines: list[ScriptLine], namespace: Mapping[str, object], *,
                      max_chars: int = 0) -> list[ScriptLine]:
    """:func:`interpolate` each line; an error message starts with the line number.

    >>> interpolate_lines([ScriptLine(2, "n = {{ k + 1 }}")], {"k": 41})
    [ScriptLine(line=2, text='n = 42')]
    """
    scope = _LazyScope(namespace)
    result: list[ScriptLine] = []
    for line in lines:
        try:
            text = _interpolate(line.text, scope, max_chars)
        except SizeLimitError as exc:
            raise SizeLimitError(f"line {line.line}: {exc}") from None
        except InterpolationError as exc:
            raise InterpolationError(
                f"line {line.line}: {exc}", expression=exc.expression, line=line.line
            ) from exc.__cause__
        result.append(ScriptLine(line.line, text))
    return result


class _LazyScope:
    """The globals for ``eval``: a copy of the namespace, made once and only if needed.

    A copy as globals (not ``eval(expr, {}, namespace)``) so that comprehensions and
    lambdas in an expression see the user's variables too.
    """

    def __init__(self, namespace: Mapping[str, object]) -> None:
        self._namespace = namespace
        self._scope: dict[str, Any] | None = None

    def get(self) -> dict[str, Any]:
        if self._scope is None:
            self._scope = dict(self._namespace)
        return self._scope


def _interpolate(text: str, scope: _LazyScope, max_chars: int = 0) -> str:
    def replace(match: re.Match[str]) -> str:
        return _evaluate(match.group(1).strip(), scope.get, max_chars)

    return _PLACEHOLDER.sub(replace, text)


def _evaluate(expression: str, scope: Callable[[], dict[str, Any]], max_chars: int = 0) -> str:
    shown = f"`{{{{ {expression} }}}}`"
    if not expression:
        raise InterpolationError(
            f"{shown} is empty: put a Python expression inside, or, {_BRACES_HINT}.",
            expression=expression,
        )
    try:
        code = compile(expression, "<ggb interpolation>", "eval")
    except SyntaxError as exc:
        raise InterpolationError(
            f"{shown} is not a Python expression (SyntaxError: {exc.msg}); fix it, or, "
            f"{_BRACES_HINT}.",
            expression=expression,
        ) from exc
    if _has_top_level_comma(expression):
        raise InterpolationError(
            f"{shown} is ambiguous: Python reads it as a tuple, GeoGebra as a one-row "
            f"matrix. Write `{{ {{{expression}}} }}` (with spaces) for the GeoGebra matrix, "
            f"or `{{{{ ({expression}) }}}}` to insert the Python tuple as a point.",
            expression=expression,
        )
    try:
        value = eval(code, scope())
    except NameError as exc:
        name = f"`{exc.name}`" if exc.name else "the variable"
        raise InterpolationError(
            f"{shown} failed with NameError: {exc}. Define {name} in Python first, or, "
            f"{_BRACES_HINT}.",
            expression=expression,
        ) from exc
    except Exception as exc:
        raise InterpolationError(
            f"{shown} failed with {type(exc).__name__}: {exc}. Fix the Python expression.",
            expression=expression,
        ) from exc
    check_value_size(shown, value, None, max_chars)  # before the (slow) conversion
    try:
        literal = to_ggb(value)
    except (TypeError, ValueError) as exc:
        raise InterpolationError(
            f"{shown} gave a value GeoGebra cannot take: {exc}", expression=expression
        ) from exc
    check_value_size(shown, value, literal, max_chars)
    return literal


def _has_top_level_comma(expression: str) -> bool:
    # Only called on valid expressions, so tokenize cannot fail half-way.
    depth = 0
    for token in tokenize.generate_tokens(io.StringIO(expression).readline):
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            depth += 1
        elif token.string in ")]}":
            depth -= 1
        elif token.string == "," and depth == 0:
            return True
    return False
