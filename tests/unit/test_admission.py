"""transport/admission.py: who of the connections without a hello goes when one arrives."""

from __future__ import annotations

import doctest
import random

import pytest

from ggbmagic.transport import admission
from ggbmagic.transport.admission import Admission


def test_doctests() -> None:
    assert doctest.testmod(admission).failed == 0


def test_below_capacity_nobody_goes() -> None:
    room: Admission[str] = Admission(3, protected=1.0)
    assert [room.arrive(c, 0.0) for c in "abc"] == [None, None, None]
    assert len(room) == 3 and "b" in room


def test_a_failed_connection_goes_first_even_if_young() -> None:
    room: Admission[str] = Admission(3, protected=1.0)
    room.arrive("old", 0.0)
    room.arrive("bad", 5.0)
    room.arrive("c", 5.0)
    room.fail("bad")
    assert room.arrive("new", 5.1) == "bad"
    assert sorted(room) == ["c", "new", "old"]


def test_the_oldest_goes_once_past_the_protected_age() -> None:
    room: Admission[str] = Admission(2, protected=0.5)
    room.arrive("silent", 0.0)
    room.arrive("b", 0.4)
    assert room.arrive("c", 0.6) == "silent"


def test_progress_restarts_the_wait() -> None:
    # Answered at 0.9 s: from then on only its own hello can keep it waiting.
    room: Admission[str] = Admission(2, protected=0.5)
    room.arrive("a", 0.0)
    room.arrive("b", 0.1)
    room.progress("a", 0.9)
    assert room.arrive("c", 1.0) == "b"


def test_in_a_flood_the_victim_is_random_and_may_be_the_newcomer() -> None:
    rng = random.Random(1)
    victims = set()
    for i in range(200):
        room: Admission[str] = Admission(3, protected=10.0, rng=rng)
        for c in "abc":
            room.arrive(c, 0.0)
        victim = room.arrive("new", 0.1)
        victims.add(victim)
        assert victim is not None and victim not in room and len(room) == 3
        assert ("new" in room) == (victim != "new"), i
    assert victims == {"a", "b", "c", "new"}


@pytest.mark.parametrize(("capacity", "rate", "hello_after", "at_least"), [
    (128, 1650.0, 0.010, 0.85),   # the flood rate, against a prompt browser
    (128, 5000.0, 0.010, 0.60),   # three times that
])
def test_a_prompt_browser_mostly_survives_a_flood_simulated(
        capacity: int, rate: float, hello_after: float, at_least: float) -> None:
    # An attacker that opens `rate` connections a second and never says hello; a browser
    # arrives among them and says hello `hello_after` seconds later. Evicting the oldest
    # (ggbmagic 0.1, capacity 8) lost it every time at 1,650/s.
    rng = random.Random(7)
    survived = 0
    trials = 300
    for _ in range(trials):
        room: Admission[object] = Admission(capacity, protected=0.5, rng=rng)
        now = 0.0
        for _ in range(capacity * 3):  # the room is full of the attacker's connections
            room.arrive(object(), now)
            now += 1 / rate
        browser = object()
        room.arrive(browser, now)
        hello_at = now + hello_after
        while now + 1 / rate < hello_at and browser in room:
            now += 1 / rate
            room.arrive(object(), now)
        survived += browser in room
    assert survived / trials >= at_least
