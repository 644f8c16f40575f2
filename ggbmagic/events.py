"""A bounded, numbered log of applet events. Thread-safe; no I/O.

The socket thread appends; the kernel's main thread reads. The buffer is bounded by
count and by (estimated) bytes: a 5,000-point list that follows a slider sends ~75 KB per
event, so 10,000 of them would be ~0.75 GB. When either bound is reached the oldest
events go, and ``dropped`` says how many. The newest event always stays, so one event
larger than the byte bound (at most a frame, ``GgbMagics.max_frame_bytes``) is kept alone.

>>> log = EventLog(maxlen=2)
>>> [e["seq"] for e in log.extend([{"type": "add", "target": "A", "argument": None,
...                                 "time": 1.0}] * 3)]
[1, 2, 3]
>>> [e["seq"] for e in log.snapshot()], log.dropped
([2, 3], 1)
>>> item = {"type": "update", "target": "A", "argument": None, "time": 1.0, "value": "x" * 99}
>>> one = EventLog()
>>> _ = one.extend([item])
>>> small = EventLog(maxlen=100, max_bytes=2 * one.nbytes)
>>> _ = small.extend([item] * 5)
>>> len(small), small.dropped
(2, 3)
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

__all__ = ["DEFAULT_MAX_BYTES", "Event", "EventLog", "event_bytes", "select"]

#: The byte bound of the buffer by default (``GgbMagics.event_buffer_bytes``).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: What one stored value costs beyond its text: object headers, references, the dict slot.
_OVERHEAD = 64


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

    def __init__(self, maxlen: int = 10_000, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if maxlen < 1:
            raise ValueError("the event buffer needs room for at least one event")
        if max_bytes < 1:
            raise ValueError("the event buffer needs room for at least one byte")
        self._events: deque[Event] = deque()
        self._sizes: deque[int] = deque()
        self._maxlen = maxlen
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self._seq = 0
        self.dropped = 0

    @property
    def maxlen(self) -> int:
        return self._maxlen

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    @property
    def nbytes(self) -> int:
        """The estimated size of the stored events (:func:`event_bytes`)."""
        return self._bytes

    def extend(self, items: Iterable[EventItem]) -> list[Event]:
        """Store *items* in order; return them as numbered events.

        All or nothing: every item is converted before any is stored, so an item that
        cannot be converted (``protocol.decode`` refuses those first) stores none.
        """
        converted = [_convert(item) for item in items]
        sizes = [event_bytes(event) for event in converted]
        with self._lock:
            for event, size in zip(converted, sizes, strict=True):
                self._seq += 1
                event["seq"] = self._seq
                self._events.append(event)
                self._sizes.append(size)
                self._bytes += size
                while len(self._events) > 1 and (len(self._events) > self._maxlen
                                                 or self._bytes > self._max_bytes):
                    self._events.popleft()
                    self._bytes -= self._sizes.popleft()
                    self.dropped += 1
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
            self._sizes.clear()
            self._bytes = 0
            return count

    def __len__(self) -> int:
        return len(self._events)


def event_bytes(value: Any) -> int:
    """An estimate of what *value* (a stored event, or any JSON value) holds in memory:
    its text plus a fixed overhead per value. Cheap (no encoding), and never below the
    JSON text's length, which the bound is about.

    >>> event_bytes("abc"), event_bytes(["abc", 1]), event_bytes({"k": None})
    (67, 195, 193)
    """
    if isinstance(value, str):
        return _OVERHEAD + len(value)
    if isinstance(value, dict):
        return _OVERHEAD + sum(event_bytes(k) + event_bytes(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return _OVERHEAD + sum(event_bytes(v) for v in value)
    return _OVERHEAD


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
