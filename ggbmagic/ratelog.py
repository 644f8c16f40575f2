"""Warnings that cannot flood the notebook. No I/O of its own (it calls a logger).

In a kernel, ggbmagic's warnings land in the output of the ``%load_ext`` cell and so in
the saved ``.ipynb``: a browser (or anyone who reaches the socket) sending thousands of
bad frames must not write thousands of lines. :class:`RateLimitedLog` lets a few
warnings through per window, counts the rest and says how many it held back with the
next warning after the window; the counters in ``%ggb`` status have the full story.
Tracebacks only ever go to the debug level.

>>> import logging
>>> clock = iter([0.0, 1.0, 2.0, 3.0, 61.0]).__next__
>>> limited = RateLimitedLog(logging.getLogger("doctest"), burst=2, window=60.0, clock=clock)
>>> [limited.warning("bad frame") for _ in range(4)]
[True, True, False, False]
>>> limited.suppressed
2
>>> limited.warning("bad frame"), limited.suppressed   # a new window: summary, then this
(True, 0)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["RateLimitedLog"]


class RateLimitedLog:
    """At most *burst* warnings (plus one summary line) per *window* seconds."""

    def __init__(self, logger: logging.Logger, *, burst: int = 3, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._log = logger
        self._burst = burst
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._start: float | None = None
        self._sent = 0
        self.suppressed = 0

    def warning(self, msg: str, *args: Any, exc_info: bool = False) -> bool:
        """Log *msg* at WARNING if the window allows it, else only at DEBUG.

        Returns whether it went out as a warning. With *exc_info* the traceback goes to
        the debug level in either case.
        """
        now = self._clock()
        with self._lock:
            held = 0
            if self._start is None or now - self._start >= self._window:
                held, self.suppressed = self.suppressed, 0
                self._start, self._sent = now, 0
            allowed = self._sent < self._burst
            if allowed:
                self._sent += 1
            else:
                self.suppressed += 1
        if held:
            self._log.warning(
                "ggbmagic: %d more warning(s) like these were not shown in the last %g s "
                "(`%%ggb` shows the counters)", held, self._window)
        if allowed:
            self._log.warning(msg, *args)
        else:
            self._log.debug(msg, *args)
        if exc_info:
            self._log.debug("ggbmagic: traceback of the warning above", exc_info=True)
        return allowed
