"""Pure helpers about what GeoGebra did with a command: the label the user wrote against
the one GeoGebra chose, and how many objects a .ggb file holds.

>>> relabel_note("ln = Line((0,0),(1,1))", ["ln_{1}"])
'GeoGebra named it ln_{1}, not ln: ln is the name of a GeoGebra function'
>>> relabel_note("A = (1, 2)", ["A"]) is None
True
"""

from __future__ import annotations

import io
import re
import zipfile

__all__ = ["FUNCTION_NAMES", "object_count", "relabel_note", "written_label"]

#: Names GeoGebra keeps for its own functions and variables: an object written with one
#: gets another label (measured on 5.0.745.0: ``ln = …`` → ``ln_{1}``, ``sin = 3`` →
#: ``sin_{1}``).
FUNCTION_NAMES = frozenset({
    "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "arcsin", "arccos",
    "arctan", "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh",
    "exp", "ln", "log", "lg", "ld", "sqrt", "cbrt", "abs", "sgn", "sign", "floor", "ceil",
    "round", "gamma", "beta", "erf", "real", "imaginary", "arg", "conjugate", "random",
    "nroot", "fractionalPart", "psi", "zeta",
})

# `name = …`, `name(x) = …`, `name: …` at the start of a command.
_LABEL_RE = re.compile(
    r"^\s*([A-Za-z][A-Za-z0-9]*(?:_\{[^}]*\}|_[A-Za-z0-9])?'*)\s*(?:\([^()=]*\))?\s*(?:=(?!=)|:)")
# Several labels: `{A, B} = …` is GeoGebra's multi-output form.
_MULTI_RE = re.compile(r"^\s*\{")


def written_label(text: str) -> str | None:
    """The label written before ``=`` or ``:``, or None (a bare command or expression)."""
    if _MULTI_RE.match(text):
        return None
    m = _LABEL_RE.match(text)
    return m.group(1) if m else None


def relabel_note(text: str, labels: list[str]) -> str | None:
    """Why the object has another label than the one written, or None when it has it."""
    wanted = written_label(text)
    if wanted is None or not labels or wanted in labels:
        return None
    got = labels[0]
    if wanted in FUNCTION_NAMES:
        why = f"{wanted} is the name of a GeoGebra function"
    elif wanted in ("x", "y", "z"):
        why = f"{wanted} is a coordinate variable, so GeoGebra read an equation"
    else:
        why = f"GeoGebra keeps the name {wanted} for something else"
    return f"GeoGebra named it {got}, not {wanted}: {why}"


_ELEMENT_RE = re.compile(rb"<element\b")


def object_count(data: bytes) -> int | None:
    """How many objects a .ggb file's construction holds (its ``<element>`` tags, which is
    what GeoGebra's getObjectNumber answers once it is loaded), or None if unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("geogebra.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError):
        return None
    except Exception:  # zlib.error and friends: a damaged member
        return None
    return len(_ELEMENT_RE.findall(xml))
