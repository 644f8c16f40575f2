"""Which connections without a hello may stay when another one arrives. Pure; no I/O.

The token is secret, so a flood from another local user can never complete a hello: all
it can do is open connections faster than we close them, hold them silently, or say
something wrong quickly. The browser (through the relay) says hello within milliseconds
of connecting. Evicting the oldest waiting connection, as ggbmagic 0.1 did, gave every
connection a lifetime of ``capacity / rate``: 16 waiting connections renewed 1,650 times
a second evicted the browser before its hello, every time (issue 15). The rules, on an
arrival when :attr:`Admission.capacity` connections already wait:

1. a connection that already failed (a bad hello, now closing) goes first;
2. else the oldest, if it has waited longer than ``protected`` seconds: silent and slow
   connections go before a prompt one, which is never evicted while they exist;
3. else (a flood faster than ``capacity / protected`` per second) a uniformly random one
   of the waiting connections *and the newcomer*: nobody can be targeted, and a
   connection survives each later arrival with probability capacity / (capacity + 1).

The newcomer may thus be the one refused (rule 3 only). Saying garbage quickly helps an
attacker nothing: its connections fail at once and go first (rule 1).

>>> a = Admission(capacity=2, protected=1.0, rng=random.Random(0))
>>> a.arrive("x", now=0.0), a.arrive("y", now=0.1), a.arrive("z", now=2.0)
(None, None, 'x')
>>> a.fail("y"); a.arrive("w", now=2.1)
'y'
>>> a.leave("z"); sorted(a)
['w']
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

__all__ = ["Admission"]

T = TypeVar("T", bound=Hashable)


class Admission(Generic[T]):
    """The waiting room of connections without a hello (docstring of the module)."""

    def __init__(self, capacity: int, protected: float,
                 rng: random.Random | None = None) -> None:
        if capacity < 1:
            raise ValueError("the waiting room needs at least one place")
        self.capacity = capacity
        self.protected = protected
        self._rng = rng or random.SystemRandom()
        self._since: dict[T, float] = {}  # insertion order is arrival order
        self._failed: dict[T, None] = {}

    def __len__(self) -> int:
        return len(self._since)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._since))

    def __contains__(self, conn: object) -> bool:
        return conn in self._since

    def arrive(self, conn: T, now: float) -> T | None:
        """Admit *conn*; return the connection to close now (maybe *conn*), or None."""
        victim: T | None = None
        if len(self._since) >= self.capacity:
            victim = self._choose(now, conn)
            if victim is not conn:
                self.leave(victim)
        if victim is not conn:
            self._since[conn] = now
        return victim

    def progress(self, conn: T, now: float) -> None:
        """*conn* moved a stage on (its HTTP handshake was answered): its waiting time
        starts again, since from now on only its own hello can keep it waiting."""
        if conn in self._since and conn not in self._failed:
            del self._since[conn]
            self._since[conn] = now

    def fail(self, conn: T) -> None:
        """*conn* failed its hello and is closing: it still holds a socket until it has
        closed, but it is the first to go when room is needed."""
        if conn in self._since:
            self._failed[conn] = None

    def leave(self, conn: T) -> None:
        """*conn* said hello, or is gone."""
        self._since.pop(conn, None)
        self._failed.pop(conn, None)

    def _choose(self, now: float, newcomer: T) -> T:
        if self._failed:
            return next(iter(self._failed))
        oldest, since = next(iter(self._since.items()))
        if now - since > self.protected:
            return oldest
        index = self._rng.randrange(len(self._since) + 1)
        return newcomer if index == len(self._since) else list(self._since)[index]
