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

import contextlib
import io
import math
import numbers
import re
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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
# Characters a GeoGebra text literal cannot hold: the quote ends it, and a line break
# would split the command in two (evalCommand runs one command per line).
_TEXT_UNSAFE = re.compile(r'(["\r\n])')
_INFINITY = "\u221e"  # ∞
_IMAGINARY = "\u03af"  # ί
_SUPPORTED = (
    "supported are bool, int, float, Fraction, Decimal, complex, str, tuples of 2 or 3 "
    "numbers (points), list/tuple/range (GeoGebra lists), numpy arrays and scalars, "
    "and Raw('...') for GeoGebra source"
)
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


@dataclass(frozen=True, slots=True)
class Raw:
    """GeoGebra source that :func:`to_ggb` inserts verbatim, e.g. an object's name.

    >>> to_ggb([Raw("A"), Raw("B")])
    '{A, B}'
    """

    source: str

    def __post_init__(self) -> None:
        if not isinstance(self.source, str):
            raise TypeError(f"Raw() takes GeoGebra source as a str, not {_type_name(self.source)}")


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


def interpolate(text: str, namespace: Mapping[str, object]) -> str:
    """Replace every ``{{ expr }}`` by ``to_ggb`` of the expression evaluated in *namespace*.

    The expression may not contain braces, so GeoGebra's lists ``{1, 2}`` and matrices
    ``{{1, 2}, {3, 4}}`` pass through untouched. A one-row matrix must be written with
    spaces, ``{ {1, 2} }``, because ``{{1, 2}}`` is read as interpolation (and refused
    as ambiguous). In a GeoGebra text, concatenate: ``"r = " + {{ r }}``.

    >>> interpolate("A = {{ p }}; l = {{ xs }}; M = {{1, 2}, {3, 4}}", {"p": (1, -2), "xs": [1, 2]})
    'A = (1, -2); l = {1, 2}; M = {{1, 2}, {3, 4}}'

    Raises :class:`InterpolationError` naming the expression and the Python error.
    """
    return _interpolate(text, _LazyScope(namespace))


def interpolate_lines(lines: list[ScriptLine], namespace: Mapping[str, object]) -> list[ScriptLine]:
    """:func:`interpolate` each line; an error message starts with the line number.

    >>> interpolate_lines([ScriptLine(2, "n = {{ k + 1 }}")], {"k": 41})
    [ScriptLine(line=2, text='n = 42')]
    """
    scope = _LazyScope(namespace)
    result: list[ScriptLine] = []
    for line in lines:
        try:
            text = _interpolate(line.text, scope)
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


def _interpolate(text: str, scope: _LazyScope) -> str:
    def replace(match: re.Match[str]) -> str:
        return _evaluate(match.group(1).strip(), scope.get)

    return _PLACEHOLDER.sub(replace, text)


def _evaluate(expression: str, scope: Callable[[], dict[str, Any]]) -> str:
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
    try:
        return to_ggb(value)
    except (TypeError, ValueError) as exc:
        raise InterpolationError(
            f"{shown} gave a value GeoGebra cannot take: {exc}", expression=expression
        ) from exc


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


def to_ggb(value: object) -> str:
    """Return the GeoGebra literal of a Python value.

    Numbers keep full precision; a result that is not a single token (a negative
    number, a fraction, a complex number, a text joined with ``+``) is parenthesized
    so that it can stand anywhere in an expression (``{{ x }}^2`` with ``x = -3``
    must be 9). Inside lists and points no parentheses are needed.

    >>> to_ggb(True), to_ggb(-3), to_ggb(1.5e-7), to_ggb(float("inf")), to_ggb(3 + 4j)
    ('true', '(-3)', '1.5E-7', '∞', '(3.0 + 4.0ί)')
    >>> to_ggb([(0, 0), (1, -1)]), to_ggb([[1, 2], [3, 4]])
    ('{(0, 0), (1, -1)}', '{{1, 2}, {3, 4}}')
    >>> to_ggb('say "hi"')
    '("say " + UnicodeToLetter(34) + "hi" + UnicodeToLetter(34))'

    Raises ``TypeError`` for unsupported types (sets, dicts, None, ...) and
    ``ValueError`` for values with no literal (complex infinity, a list holding itself).
    """
    text, compound = _literal(value, frozenset())
    return f"({text})" if compound else text


def _literal(value: object, active: frozenset[int]) -> tuple[str, bool]:
    """GeoGebra source of *value*, and whether it needs parentheses to stand alone."""
    if isinstance(value, Raw):
        return value.source, False
    if isinstance(value, bool):  # before int: bool is an int
        return ("true" if value else "false"), False
    if _is_array_like(value):
        return _array_literal(value, active)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, numbers.Integral):
        text = str(int(value))
        return text, text.startswith("-")
    if isinstance(value, numbers.Rational):
        if value.denominator == 1:
            return _literal(int(value.numerator), active)
        return f"{value.numerator}/{value.denominator}", True
    if isinstance(value, numbers.Real):
        return _float(float(value))
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, numbers.Complex):
        return _complex(complex(value))
    if isinstance(value, (list, tuple, range)):
        return _sequence(value, active)
    raise TypeError(_unsupported(value))


def _is_array_like(value: object) -> bool:
    # numpy (and look-alikes) without importing numpy: scalars and arrays alike have these.
    return all(hasattr(value, name) for name in ("dtype", "ndim", "item"))


def _array_literal(value: Any, active: frozenset[int]) -> tuple[str, bool]:
    if value.ndim:
        # Element by element (not .tolist()) so that float32 values keep their short form.
        items = [_literal(item, active)[0] for item in value]
        return "{" + ", ".join(items) + "}", False
    item = value.item()
    dtype = value.dtype
    if getattr(dtype, "kind", "") == "f" and getattr(dtype, "itemsize", 8) < 8:
        # float32 0.1 is 0.100000001490116...; numpy's str gives its shortest form.
        with contextlib.suppress(ValueError):
            item = float(str(value))
    if item is value:
        raise TypeError(_unsupported(value))
    return _literal(item, active)


def _float(number: float) -> tuple[str, bool]:
    if math.isnan(number):
        return "NaN", False
    if math.isinf(number):
        return (_INFINITY, False) if number > 0 else ("-" + _INFINITY, True)
    text = repr(number)
    mantissa, exponent_mark, exponent = text.partition("e")
    if exponent_mark:
        text = f"{mantissa}E{int(exponent)}"
    return text, text.startswith("-")


def _decimal(number: Decimal) -> tuple[str, bool]:
    if number.is_nan():
        return "NaN", False
    if number.is_infinite():
        return _float(float(number))
    text = str(number)  # exact, and its exponent already uses a capital E
    return text, text.startswith("-")


def _complex(number: complex) -> tuple[str, bool]:
    if not (math.isfinite(number.real) and math.isfinite(number.imag)):
        raise ValueError(f"complex {number!r} has no GeoGebra literal: both parts must be finite")
    real, _ = _float(number.real)
    sign = "-" if math.copysign(1.0, number.imag) < 0 else "+"
    imaginary, _ = _float(abs(number.imag))
    return f"{real} {sign} {imaginary}{_IMAGINARY}", True


def _text(value: str) -> tuple[str, bool]:
    pieces = []
    for part in _TEXT_UNSAFE.split(value):
        if _TEXT_UNSAFE.fullmatch(part):
            pieces.append(f"UnicodeToLetter({ord(part)})")
        elif part:
            pieces.append(f'"{part}"')
    if not pieces:
        return '""', False
    return " + ".join(pieces), len(pieces) > 1


def _is_real(value: object) -> bool:
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


def _sequence(
    value: list[Any] | tuple[Any, ...] | range, active: frozenset[int]
) -> tuple[str, bool]:
    if id(value) in active:
        raise ValueError(f"this {type(value).__name__} contains itself; GeoGebra lists cannot")
    inner = active | {id(value)}
    items = [_literal(item, inner)[0] for item in value]
    if isinstance(value, tuple) and len(value) in (2, 3) and all(map(_is_real, value)):
        return "(" + ", ".join(items) + ")", False
    return "{" + ", ".join(items) + "}", False


def _type_name(value: object) -> str:
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _unsupported(value: object) -> str:
    name = _type_name(value)
    if isinstance(value, (set, frozenset)):
        return (
            f"a {name} has no order but a GeoGebra list has: pass sorted(...) or list(...) "
            f"to choose one"
        )
    if isinstance(value, dict):
        return f"a {name} has no GeoGebra literal: pass list(d.values()) or list(d.items()) instead"
    if value is None:
        return (
            f"None has no GeoGebra literal (did a function return None?); "
            f"use Raw('?') for undefined. {_SUPPORTED[0].upper()}{_SUPPORTED[1:]}"
        )
    return f"cannot convert {name} to GeoGebra; {_SUPPORTED}"
