"""A bounded, numbered log of applet events. Thread-safe; no I/O.

The socket thread appends; the kernel's main thread reads. When the buffer is full the
oldest events go, and ``dropped`` says how many.

>>> log = EventLog(maxlen=2)
>>> [e["seq"] for e in log.extend([{"type": "add", "target": "A", "argument": None,
...                                 "time": 1.0}] * 3)]
[1, 2, 3]
>>> [e["seq"] for e in log.snapshot()], log.dropped
([2, 3], 1)
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any, TypedDict

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # pragma: no cover - Python 3.10
    from typing_extensions import NotRequired

from .protocol import EventItem

__all__ = ["Event", "EventLog", "select"]


class Event(TypedDict):
    """One stored event: the browser's fields plus the kernel's sequence number."""

    seq: int
    type: str
    target: str | None
    argument: Any
    time: float
    value: NotRequired[str]
    targets: NotRequired[list[str]]
    fields: NotRequired[dict[str, Any]]


class EventLog:
    """Bounded event buffer with sequence numbers and a dropped count."""

    def __init__(self, maxlen: int = 10_000) -> None:
        if maxlen < 1:
            raise ValueError("the event buffer needs room for at least one event")
        self._events: deque[Event] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._seq = 0
        self.dropped = 0

    @property
    def maxlen(self) -> int:
        return self._events.maxlen or 0

    def extend(self, items: Iterable[EventItem]) -> list[Event]:
        """Store *items* in order; return them as numbered events.

        All or nothing: every item is converted before any is stored, so an item that
        cannot be converted (``protocol.decode`` refuses those first) stores none.
        """
        converted = [_convert(item) for item in items]
        with self._lock:
            for event in converted:
                self._seq += 1
                event["seq"] = self._seq
                if len(self._events) == self._events.maxlen:
                    self.dropped += 1
                self._events.append(event)
        return converted

    def snapshot(self) -> list[Event]:
        """A copy of the stored events, oldest first."""
        with self._lock:
            return list(self._events)

    def clear(self) -> int:
        """Forget the stored events (sequence numbers go on); return how many there were."""
        with self._lock:
            count = len(self._events)
            self._events.clear()
            return count

    def __len__(self) -> int:
        return len(self._events)


def _convert(item: EventItem) -> Event:
    event: Event = {
        "seq": 0,
        "type": str(item.get("type")),
        "target": item.get("target"),
        "argument": item.get("argument"),
        "time": float(item.get("time") or 0.0),
    }
    if isinstance(item.get("value"), str):
        event["value"] = item["value"]
    targets = item.get("targets")
    if isinstance(targets, list):
        event["targets"] = [str(t) for t in targets]
    fields = item.get("fields")
    if isinstance(fields, dict) and fields:
        event["fields"] = fields
    return event


def select(events: list[Event], *, types: Iterable[str] = (), target: str | None = None,
           tail: int | None = None) -> list[Event]:
    """Filter events by type(s) and target, then keep the last *tail* ones.

    >>> evs = [{"seq": i, "type": t, "target": "A", "argument": None, "time": 0.0}
    ...        for i, t in enumerate(["add", "update", "update"], 1)]
    >>> [e["seq"] for e in select(evs, types=["update"], tail=1)]
    [3]
    """
    wanted = set(types)
    out = [e for e in events
           if (not wanted or e["type"] in wanted) and (target is None or e["target"] == target)]
    if tail is not None:
        out = out[-tail:] if tail > 0 else []
    return out
