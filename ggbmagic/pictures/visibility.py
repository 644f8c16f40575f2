"""Which objects exist but are not drawn. Pure.

GeoGebra decides whether a new object is shown in the graphics view. Measured on
GeoGebra 5.0.745 (objects made through the Apps API, ``evalCommandGetLabels``):

* shown: points, vectors, lines, segments, polygons, circles, functions, texts,
  angles, sliders (``Slider(…)``), integrals, and lists of such objects computed from
  other objects or by a command (``{A, B}``, ``Sequence((k, k), k, 1, 3)``,
  ``Zip(…)``, ``{Segment(A, B)}``, ``Append({(1, 2)}, (5, 5))``);
* hidden: free numbers (``n = 5``) and computed numbers (``Distance``, ``Mean``),
  booleans, lists of numbers (``Sequence(5)`` too), and *independent* lists, those
  typed from constants only (``{(1, 2), (3, 4)}``, ``{(1, 2), (3, 4)} + (1, 1)``,
  ``{x, x^2}``): so a Python list sent with ``{{points}}`` is not drawn.

A hidden number or boolean draws nothing anyway (it would be a slider or a checkbox);
a hidden list of points or functions is a drawing the user probably expected.

>>> hidden_drawings([{"name": "L", "type": "list", "visible": False,
...                   "value": "L = {(1, 2), (3, 4)}"},
...                  {"name": "n", "type": "numeric", "visible": False, "value": "n = 5"}])
['L']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["NOT_DRAWN_TYPES", "hidden_drawings", "is_hidden_drawing"]

#: Hidden objects of these types are not reported: they are not drawings.
NOT_DRAWN_TYPES = frozenset({"numeric", "boolean", ""})
# A list whose value holds only numbers: "{1, 2.5, -3}" (or empty).
_NUMBER_LIST = re.compile(r"^[^=]*=?\s*\{[\s\d.,eE+\-−]*\}\s*$")


def is_hidden_drawing(obj: Mapping[str, Any]) -> bool:
    """Whether ``obj`` exists, is hidden, and would draw something if shown."""
    if obj.get("visible", True) or obj.get("defined") is False:
        return False
    kind = str(obj.get("type", ""))
    if kind in NOT_DRAWN_TYPES:
        return False
    return not (kind == "list" and _NUMBER_LIST.match(str(obj.get("value", ""))))


def hidden_drawings(objects: Iterable[Mapping[str, Any]]) -> list[str]:
    """The names of the objects that :func:`is_hidden_drawing`, in order."""
    return [str(obj.get("name")) for obj in objects if is_hidden_drawing(obj)]
