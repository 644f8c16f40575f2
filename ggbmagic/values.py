"""What ``GeoGebra.value`` makes of ``getValue``'s answer — pure.

GeoGebra answers 0 for a missing name and NaN for an object without a number (a point,
a text), so a 0 or NaN is judged by the object's type (tests/unit/test_real_answers.py).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import GgbError, GgbValueTypeError

__all__ = ["as_number", "judge_value"]

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_\{[^}]*\}|_[A-Za-z0-9])?'*$")
#: Object types whose getValue is a number (NaN meaning undefined).
_NUMBER_TYPES = frozenset({"numeric", "angle", "angle3d", "boolean", "segment", "segment3d",
                           "polygon", "polygon3d", "triangle", "quadrilateral", "pentagon",
                           "hexagon", "arc", "sector", ""})
_COORD_TYPES = frozenset({"point", "vector", "point3d", "vector3d"})


def as_number(raw: Any, what: str = "getValue") -> float:
    """getValue's answer as a float; None (an older browser's NaN) is NaN. Anything
    else that is not a number is a malformed reply: a :class:`GgbError`, never a raw
    TypeError/ValueError traceback (issue 15)."""
    if raw is None:
        return math.nan
    try:
        return float(raw)
    except (TypeError, ValueError, OverflowError):
        raise GgbError(f"GeoGebra's answer to {what} is not a number "
                       f"({type(raw).__name__}): the applet sent a malformed reply") from None


def judge_value(name: str, number: float, kind: str) -> float:
    """What value() gives for getValue's NaN or 0, knowing the object's type ('' if none)."""
    if kind == "" and number == 0.0 and _NAME_RE.match(name.strip()):
        raise GgbError(f"there is no GeoGebra object named {name!r}; "
                       "create it first or check the spelling (names are case-sensitive)")
    if not math.isnan(number) or kind in _NUMBER_TYPES:
        return number
    if kind in _COORD_TYPES:
        raise GgbValueTypeError(name, kind, f"ggb.coords({name!r}) for its coordinates or "
                                            f"ggb.value_string({name!r}) for its text")
    hint = f"ggb.value_string({name!r}) for its text"
    if kind == "function":
        hint += f", or ggb.value({name + '(2)'!r}) for its value at 2"
    raise GgbValueTypeError(name, kind, hint)
