"""Reading a `%ggb` result table from a cell's text: which objects it says were made.

A `CommandResult` with no objects prints the typed command back ("✓ C = (7, 8)  — done
(no new objects)"), so a search for the command's text in a cell proves only that the
command returned ok (issue 20). These helpers look for the table's *row* of an object:
its name, its type and GeoGebra's value string, in their columns.
"""

from __future__ import annotations

import re

__all__ = ["assert_created", "created", "point"]


def created(text: str, name: str, type_: str, value: str) -> bool:
    """True when *text* holds the result-table row ``✓  name  type  value``.

    *value* is a regular expression for GeoGebra's value string (``C = (7, 8)``).

    >>> created("   name  type   value\\n✓  C     point  C = (7, 8)", *point("C", 7, 8))
    True
    >>> created("✓ C = (7, 8)  — done (no new objects)", *point("C", 7, 8))
    False
    """
    row = rf"^\s*✓\s+{re.escape(name)}\s+{re.escape(type_)}\s+{value}\s*$"
    return re.search(row, text, flags=re.MULTILINE) is not None


def assert_created(text: str, name: str, type_: str, value: str) -> None:
    """Fail, showing the cell's text, unless its table has the row of *name*."""
    assert created(text, name, type_, value), f"no row for {name} ({type_}) in:\n{text}"


def point(name: str, x: int, y: int) -> tuple[str, str, str]:
    """The (name, type, value pattern) of a free point with integer coordinates."""
    return name, "point", rf"{re.escape(name)}\s*=\s*\({x},\s*{y}\)"
