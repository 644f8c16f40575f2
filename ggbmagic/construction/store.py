"""The authoritative copy of the notebook's construction (a base64 ``.ggb``).

Pure state, safe from any thread: the socket thread says that something changed (an
applet event), the main thread copies the construction when it is stale. A copy is
stamped with the change count seen when it was asked for, so a change that lands while
a copy is on its way keeps the store stale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["ConstructionStore", "CopyCost"]

#: Applet events that change nothing a ``.ggb`` file holds (pure user-interface news).
UI_ONLY_EVENTS = frozenset({
    "select", "deselect", "mouseDown", "openMenu", "editorStart", "editorStop",
    "editorKeyTyped", "setMode", "perspectiveChange", "dragEnd",
})


@dataclass
class CopyCost:
    """What keeping the copy has cost so far (``%ggb`` status shows it)."""

    copies: int = 0
    total_ms: float = 0.0
    last_ms: float = 0.0
    last_bytes: int = 0


class ConstructionStore:
    """The kernel's copy of the construction and whether it is stale.

    >>> s = ConstructionStore()
    >>> s.stale, s.b64
    (True, None)
    >>> s.take("UEs=", s.stamp(), 1.5)
    True
    >>> s.stale
    False
    >>> s.changed(["select"]), s.stale
    (False, False)
    >>> s.changed(["add", "update"]), s.stale
    (True, True)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._b64: str | None = None
        #: Changes seen (events that change the file); starts at 1: nothing copied yet.
        self._changes = 1
        #: The change count the current copy reflects.
        self._copied = 0
        self.cost = CopyCost()

    @property
    def b64(self) -> str | None:
        """The last copy, or None before the first."""
        return self._b64

    @property
    def stale(self) -> bool:
        """Something changed since the last copy (or nothing was copied yet)."""
        return self._changes != self._copied

    def changed(self, types: list[str] | None = None) -> bool:
        """Note applet events of these *types* (None: a change of unknown kind).

        Returns whether they made the copy stale.
        """
        if types is not None and all(t in UI_ONLY_EVENTS for t in types):
            return False
        with self._lock:
            self._changes += 1
        return True

    def stamp(self) -> int:
        """The change count now: pass it to :meth:`take` with the copy asked for now."""
        return self._changes

    def take(self, b64: str, stamp: int, ms: float = 0.0) -> bool:
        """Store a copy asked for at *stamp*; returns whether it differs from the last."""
        with self._lock:
            if stamp < self._copied:
                return False  # an older copy arrived after a newer one
            differs = b64 != self._b64
            self._b64, self._copied = b64, stamp
            self.cost.copies += 1
            self.cost.total_ms += ms
            self.cost.last_ms = ms
            self.cost.last_bytes = len(b64)
        return differs

    def seed(self, b64: str) -> None:
        """Take a copy handed over whole (a saved output's, a browser's): current now."""
        with self._lock:
            self._b64 = b64
            self._copied = self._changes
