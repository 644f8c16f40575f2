"""Compare one probe's answers on the double with the recorded real answers, readably."""

from __future__ import annotations

import json
from typing import Any

from .probes import Probe

__all__ = ["differences"]


def _show(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def _events(events: list[dict[str, Any]], step: int) -> list[str]:
    return [f"{e['kind']}{_show(e['args'])}" for e in events if e["step"] == step]


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
    re_, de = _events(real.get("events", []), n), _events(double.get("events", []), n)
    if re_ != de:
        out.append(f"events after the last step:\n    real   {re_}\n    double {de}")
    return out
