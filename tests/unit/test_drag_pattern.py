"""What a conformance drag probe keeps of a drag's events (tests/conformance/compare.py):
as many updates as the mouse made count as one, and nothing else is lost."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.compare import drag_pattern


def client(type_: str, target: str | None, argument: Any = None) -> dict[str, Any]:
    fields = {"type": type_, "target": target, "argument": argument}
    return {"step": 1, "kind": "client",
            "args": [{"$array": [type_, target, argument], "$fields": fields}]}


def update(name: str, x: float, y: float, step: int = 1) -> dict[str, Any]:
    return {"step": step, "kind": "update", "args": [name], "at": [x, y]}


DOWN, SELECT = client("mouseDown", None), client("select", "A", "")
END = client("dragEnd", "A", "A")

CASES = [
    ("many updates count as one, the last position is kept",
     [DOWN, SELECT, update("A", 1.2, 1.2), update("A", 2, 2), update("A", 3, 3), END],
     ["client mouseDown None", "client select A", "update A", "client dragEnd A"], [3, 3]),
    ("one update per point (the double) gives the same",
     [DOWN, SELECT, update("A", 2, 2), update("A", 3, 3), END],
     ["client mouseDown None", "client select A", "update A", "client dragEnd A"], [3, 3]),
    ("updates of another object in between stay apart",
     [DOWN, update("A", 2, 2), update("B", 0, 0), update("A", 3, 3), END],
     ["client mouseDown None", "update A", "update B", "update A", "client dragEnd A"], [3, 3]),
    ("a dragEnd before the update is another order",
     [DOWN, END, update("A", 3, 3)],
     ["client mouseDown None", "client dragEnd A", "update A"], [3, 3]),
    ("events of other steps are not the drag's",
     [update("A", 9, 9, step=0), DOWN, END], ["client mouseDown None", "client dragEnd A"], None),
]


@pytest.mark.parametrize(("events", "kinds", "last"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_drag_pattern(events: list[dict[str, Any]], kinds: list[str], last: Any) -> None:
    pattern = drag_pattern(events, 1)
    assert pattern["kinds"] == kinds
    assert pattern["last_update_at"] == last
    assert pattern["drag_end"] == ([END["args"]] if END in events else [])


def test_the_drag_end_is_kept_in_full() -> None:
    other = client("dragEnd", "A", None)
    assert drag_pattern([DOWN, other], 1)["drag_end"] != drag_pattern([DOWN, END], 1)["drag_end"]


def test_the_mouse_down_keeps_the_names_it_hit_not_geogebras_internals() -> None:
    hits = {"$array": ["A"], "$fields": {"tD": {"j": 3082}, "__elementTypeId$": 2}}
    down = {"step": 1, "kind": "client", "args": [{"$array": ["mouseDown", ""], "$fields": {
        "type": "mouseDown", "viewNo": 1, "hits": hits, "x": 1, "y": 1}}]}
    plain = {"step": 1, "kind": "client", "args": [{"$array": ["mouseDown", ""], "$fields": {
        "type": "mouseDown", "viewNo": 1, "hits": ["A"], "x": 1, "y": 1}}]}
    assert drag_pattern([down], 1)["mouse_down"] == drag_pattern([plain], 1)["mouse_down"] == [
        {"type": "mouseDown", "viewNo": 1, "hits": ["A"], "x": 1, "y": 1}]
