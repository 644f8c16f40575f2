"""GeoGebra literals of Python values: :func:`to_ggb` and :class:`Raw`. Pure.

What ``{{ expr }}`` in a script becomes (script.py explains the GeoGebra syntax this
relies on). Imported by users from ``ggbmagic.script``.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = ["Raw", "to_ggb"]

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
