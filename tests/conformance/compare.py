"""Compare one probe's answers on the double with the recorded real answers, readably."""

from __future__ import annotations

import json
from typing import Any

from .probes import Probe

__all__ = ["differences", "drag_pattern"]


def _show(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def _events(events: list[dict[str, Any]], step: int) -> list[str]:
    return [f"{e['kind']}{_show(e['args'])}" for e in events if e["step"] == step]


def _label(e: dict[str, Any]) -> str:
    args = e.get("args") or []
    if e["kind"] == "client":
        # GeoGebra's client event is an array with named fields (harness.js norm).
        first = args[0] if args and isinstance(args[0], dict) else {}
        fields = first.get("$fields", first)
        return f"client {fields.get('type')} {fields.get('target')}"
    return f"{e['kind']} {args[0] if args else ''}".strip()


def drag_pattern(events: list[dict[str, Any]], step: int) -> dict[str, Any]:
    """What a drag's events (those of ``step``) must agree on, whatever the mouse did.

    A real mouse sends as many moves as it likes, and GeoGebra answers each with an
    update; the double sends one per point of the path. So consecutive updates of one
    object count as one (``kinds``); what must agree is the order of the kinds, the first
    update, where the point was at the last update, the dragEnd event in full and the
    mouseDown's fields (where it went down and what it hit).
    """
    evs = [e for e in events if e["step"] == step]
    kinds: list[str] = []
    for e in evs:
        label = _label(e)
        if not (e["kind"] == "update" and kinds and kinds[-1] == label):
            kinds.append(label)
    updates = [e for e in evs if e["kind"] == "update"]
    ends = [e["args"] for e in evs if _label(e).startswith("client dragEnd ")]
    downs = [_mouse_down(e) for e in evs if _label(e).startswith("client mouseDown ")]
    return {"kinds": kinds,
            "first_update": updates[0]["args"] if updates else None,
            "last_update_at": updates[-1].get("at") if updates else None,
            "drag_end": ends,
            "mouse_down": downs}


def _mouse_down(e: dict[str, Any]) -> dict[str, Any]:
    """A mouseDown's fields; of its ``hits`` (a GeoGebra list whose other fields are the
    build's internals) only the names."""
    first = e["args"][0] if e.get("args") and isinstance(e["args"][0], dict) else {}
    fields = dict(first.get("$fields", first))
    hits = fields.get("hits")
    if isinstance(hits, dict) and "$array" in hits:
        fields["hits"] = hits["$array"]
    return fields


def differences(probe: Probe, real: dict[str, Any], double: dict[str, Any]) -> list[str]:
    """One line per disagreement: which step (its JS), what GeoGebra gave, what the double gave.

    Events are compared per step, in order (a step's events are those fired while it
    ran or before the next one started; step N = after the last step).
    """
    out: list[str] = []
    if real.get("setup") != double.get("setup"):
        out.append(f"setup {list(probe.setup)}:\n    real   {_show(real.get('setup'))}\n"
                   f"    double {_show(double.get('setup'))}")
    rs, ds = real.get("steps", []), double.get("steps", [])
    for i, step in enumerate(probe.steps):
        r = rs[i] if i < len(rs) else None
        d = ds[i] if i < len(ds) else None
        if r != d:
            out.append(f"step {i} {step}:\n    real   {_show(r)}\n    double {_show(d)}")
        re_, de = _events(real.get("events", []), i), _events(double.get("events", []), i)
        if re_ != de:
            out.append(f"events of step {i} {step}:\n    real   {re_}\n    double {de}")
    n = len(probe.steps)
    if real.get("drag") != double.get("drag"):
        out.append(f"the drag {probe.drag}:\n    real   {_show(real.get('drag'))}\n"
                   f"    double {_show(double.get('drag'))}")
    re_, de = _events(real.get("events", []), n), _events(double.get("events", []), n)
    if re_ != de:
        out.append(f"events after the last step:\n    real   {re_}\n    double {de}")
    return out
