"""ggbmagic.events: numbering, the bounded buffer, thread safety, and select()."""

from __future__ import annotations

import doctest
import threading
from typing import Any

import pytest

from ggbmagic import events
from ggbmagic.events import Event, EventLog, select
from ggbmagic.protocol import EventItem


def item(kind: str = "add", target: str | None = "A", **extra: Any) -> EventItem:
    base: dict[str, Any] = {"type": kind, "target": target, "argument": None, "time": 1.0}
    return base | extra  # type: ignore[return-value]


# ------------------------------------------------------------------- EventLog

def test_extend_numbers_from_one_and_returns_the_stored_events() -> None:
    log = EventLog()
    stored = log.extend([item("add"), item("update", value="A = (2, 3)")])
    assert [e["seq"] for e in stored] == [1, 2]
    assert stored == log.snapshot()
    assert stored[1]["value"] == "A = (2, 3)"
    assert "value" not in stored[0]
    assert [e["seq"] for e in log.extend([item("remove")])] == [3]
    assert len(log) == 3


@pytest.mark.parametrize(("raw", "expected"), [
    (item("add"), {"type": "add", "target": "A", "argument": None, "time": 1.0}),
    (item("rename", "P", argument="A"),
     {"type": "rename", "target": "P", "argument": "A", "time": 1.0}),
    (item("update", value="A = 1"),
     {"type": "update", "target": "A", "argument": None, "time": 1.0, "value": "A = 1"}),
    (item("update", value=3), {"type": "update", "target": "A", "argument": None, "time": 1.0}),
    ({"type": "clear"}, {"type": "clear", "target": None, "argument": None, "time": 0.0}),
    ({"type": "setMode", "target": None, "argument": {"mode": 1}, "time": 5},
     {"type": "setMode", "target": None, "argument": {"mode": 1}, "time": 5.0}),
], ids=["add", "rename", "update with value", "non-string value dropped", "bare clear",
        "client event with int time"])
def test_extend_normalises_fields(raw: dict[str, Any], expected: dict[str, Any]) -> None:
    (event,) = EventLog().extend([raw])  # type: ignore[list-item]
    assert event == {"seq": 1, **expected}
    assert isinstance(event["time"], float)


def test_maxlen_keeps_the_newest_and_counts_dropped() -> None:
    log = EventLog(maxlen=3)
    log.extend([item(target=str(i)) for i in range(5)])
    assert log.maxlen == 3
    assert [e["seq"] for e in log.snapshot()] == [3, 4, 5]
    assert [e["target"] for e in log.snapshot()] == ["2", "3", "4"]
    assert log.dropped == 2
    log.extend([item()])
    assert [e["seq"] for e in log.snapshot()] == [4, 5, 6]
    assert log.dropped == 3
    assert len(log) == 3


def test_the_buffer_is_bounded_in_bytes_as_well() -> None:
    # Issue 15: a 5,000-point list that follows a slider adds ~75 KB per event; 10,000 of
    # them would be ~0.75 GB. A 1 MiB byte bound keeps the newest 15 such events.
    big = "{" + ", ".join(f"({i}, {i})" for i in range(5000)) + "}"
    assert 60_000 < len(big) < 80_000
    log = EventLog(maxlen=10_000, max_bytes=1 << 20)
    for _ in range(100):
        log.extend([item("update", value=big)])
    assert log.max_bytes == 1 << 20
    assert len(log) == (1 << 20) // events.event_bytes(log.snapshot()[0])
    assert log.nbytes <= 1 << 20
    assert log.dropped == 100 - len(log)
    assert [e["seq"] for e in log.snapshot()] == list(range(101 - len(log), 101))
    # Small events are bounded by count alone, and the byte total follows the drops.
    log.extend([item() for _ in range(50)])
    assert log.nbytes == sum(events.event_bytes(e) for e in log.snapshot())
    log.clear()
    assert log.nbytes == 0


def test_one_event_larger_than_the_byte_bound_is_kept_alone() -> None:
    log = EventLog(max_bytes=1000)
    log.extend([item(), item("update", value="x" * 5000)])
    assert [e.get("value", "")[:1] for e in log.snapshot()] == ["x"]
    assert log.dropped == 1


@pytest.mark.parametrize(("value", "at_least"), [
    ("", 0), ("x" * 1000, 1000), (["ab"] * 100, 200), ({"k" * 50: "v" * 50}, 100),
    ({"a": [{"b": "c" * 300}]}, 300),
])
def test_event_bytes_is_at_least_the_text_it_holds(value: Any, at_least: int) -> None:
    import json
    size = events.event_bytes(value)
    assert size >= at_least
    assert size >= len(json.dumps(value))


def test_maxlen_one() -> None:
    log = EventLog(maxlen=1)
    log.extend([item(), item()])
    assert [e["seq"] for e in log.snapshot()] == [2]
    assert log.dropped == 1


@pytest.mark.parametrize("maxlen", [0, -1])
def test_maxlen_must_be_positive(maxlen: int) -> None:
    with pytest.raises(ValueError, match="at least one event"):
        EventLog(maxlen=maxlen)


def test_clear_returns_count_and_keeps_numbering() -> None:
    log = EventLog()
    log.extend([item(), item()])
    assert log.clear() == 2
    assert log.snapshot() == []
    assert len(log) == 0
    assert [e["seq"] for e in log.extend([item()])] == [3]
    assert log.clear() == 1
    assert log.clear() == 0


def test_clear_does_not_count_as_dropped() -> None:
    log = EventLog(maxlen=2)
    log.extend([item(), item()])
    log.clear()
    log.extend([item(), item()])
    assert log.dropped == 0


def test_snapshot_is_a_copy() -> None:
    log = EventLog()
    log.extend([item()])
    snap = log.snapshot()
    snap.clear()
    assert len(log.snapshot()) == 1


def test_concurrent_extend_gives_unique_contiguous_seqs() -> None:
    threads_n, batches, per_batch = 8, 200, 5
    log = EventLog(maxlen=threads_n * batches * per_batch)
    start = threading.Barrier(threads_n)
    returned: list[list[list[int]]] = [[] for _ in range(threads_n)]

    def worker(index: int) -> None:
        start.wait()
        for _ in range(batches):
            stored = log.extend([item(target=f"t{index}") for _ in range(per_batch)])
            returned[index].append([e["seq"] for e in stored])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    total = threads_n * batches * per_batch
    every_batch = [seqs for batches_of in returned for seqs in batches_of]
    assert len(every_batch) == threads_n * batches
    # One call's events are numbered together: no other thread interleaves.
    assert all(seqs == list(range(seqs[0], seqs[0] + per_batch)) for seqs in every_batch)
    all_seqs = sorted(s for seqs in every_batch for s in seqs)
    assert all_seqs == list(range(1, total + 1))
    assert [e["seq"] for e in log.snapshot()] == list(range(1, total + 1))
    assert log.dropped == 0


def test_concurrent_extend_with_overflow_counts_every_drop() -> None:
    threads_n, per_thread = 6, 500
    log = EventLog(maxlen=100)
    start = threading.Barrier(threads_n)

    def worker() -> None:
        start.wait()
        for _ in range(per_thread):
            log.extend([item()])

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    total = threads_n * per_thread
    assert log.dropped == total - 100
    assert [e["seq"] for e in log.snapshot()] == list(range(total - 99, total + 1))


# ------------------------------------------------------------------- select

def ev(seq: int, kind: str, target: str | None) -> Event:
    return {"seq": seq, "type": kind, "target": target, "argument": None, "time": float(seq)}


EVENTS = [
    ev(1, "add", "A"),
    ev(2, "add", "B"),
    ev(3, "update", "A"),
    ev(4, "update", "B"),
    ev(5, "update", "A"),
    ev(6, "clear", None),
    ev(7, "dragEnd", "A"),
]

SELECT_CASES: list[tuple[str, dict[str, Any], list[int]]] = [
    ("no filter", {}, [1, 2, 3, 4, 5, 6, 7]),
    ("one type", {"types": ["update"]}, [3, 4, 5]),
    ("several types", {"types": ["add", "dragEnd"]}, [1, 2, 7]),
    ("types as a tuple", {"types": ("clear",)}, [6]),
    ("unknown type", {"types": ["remove"]}, []),
    ("empty types means all", {"types": []}, [1, 2, 3, 4, 5, 6, 7]),
    ("target", {"target": "A"}, [1, 3, 5, 7]),
    ("unknown target", {"target": "Z"}, []),
    ("type and target", {"types": ["update"], "target": "B"}, [4]),
    ("tail", {"tail": 2}, [6, 7]),
    ("tail larger than list", {"tail": 50}, [1, 2, 3, 4, 5, 6, 7]),
    ("tail 0 is empty", {"tail": 0}, []),
    ("tail None keeps all", {"tail": None}, [1, 2, 3, 4, 5, 6, 7]),
    ("tail after filtering", {"types": ["update"], "target": "A", "tail": 1}, [5]),
    ("tail 0 with filter", {"types": ["update"], "tail": 0}, []),
]


@pytest.mark.parametrize(("kwargs", "seqs"), [c[1:] for c in SELECT_CASES],
                         ids=[c[0] for c in SELECT_CASES])
def test_select(kwargs: dict[str, Any], seqs: list[int]) -> None:
    assert [e["seq"] for e in select(EVENTS, **kwargs)] == seqs


def test_select_does_not_change_its_input() -> None:
    before = list(EVENTS)
    select(EVENTS, types=["add"], tail=1)
    assert before == EVENTS


def test_select_accepts_a_generator_of_types() -> None:
    assert [e["seq"] for e in select(EVENTS, types=(t for t in ["clear"]))] == [6]


def test_doctests() -> None:
    result = doctest.testmod(events)
    assert result.attempted > 0
    assert result.failed == 0
