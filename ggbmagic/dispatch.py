"""Event callbacks run on the kernel's main thread, from one bounded queue.

The socket thread must never run user code, and must not flood the kernel's loop
either: 300,000 events arriving while a cell runs would otherwise post 300,000
callbacks (and keep them all in memory). So callbacks wait in one bounded queue (the
oldest go first when it is full, counted in ``dropped``), and at most one drain is
posted to the kernel's asyncio loop at a time. Without a running loop (plain IPython)
the queue waits for :meth:`MainThreadDispatcher.drain`, which every API call runs.

Kernel ▸ Interrupt must reach a callback that blocks. ipykernel sends SIGINT, but it
ignores SIGINT outside its message handlers, and a drain runs between them: a blocked
callback ignored the interrupt (30 s, issue 15). So on the main thread each callback runs
with Python's own SIGINT handler: the interrupt raises KeyboardInterrupt in it, which
ends that callback only (reported once); the queue goes on, so later events still arrive.

>>> d = MainThreadDispatcher(maxlen=2)
>>> ran = []
>>> for i in range(3):
...     d.post(ran.append, i)
>>> d.drain(); ran, d.dropped
([1, 2], 1)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["DEFAULT_MAXLEN", "MainThreadDispatcher"]

log = logging.getLogger("ggbmagic")

#: Callbacks that may wait at once; older ones are dropped past this.
DEFAULT_MAXLEN = 10_000


class MainThreadDispatcher:
    """A bounded queue of calls for the thread (and asyncio loop) that created it."""

    def __init__(self, maxlen: int = DEFAULT_MAXLEN) -> None:
        if maxlen < 1:
            raise ValueError("the callback queue needs room for at least one callback")
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        self._thread = threading.get_ident()
        self._queue: deque[tuple[Callable[[Any], Any], Any]] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._scheduled = False
        self.dropped = 0
        #: Callbacks that Kernel ▸ Interrupt (SIGINT) ended.
        self.interrupted = 0

    @property
    def maxlen(self) -> int:
        return self._queue.maxlen or 0

    def __len__(self) -> int:
        return len(self._queue)

    def post(self, fn: Callable[[Any], Any], arg: Any) -> None:
        """Queue ``fn(arg)`` (any thread); schedule one drain on the loop if none is."""
        with self._lock:
            if len(self._queue) == self._queue.maxlen:
                self.dropped += 1
            self._queue.append((fn, arg))
            schedule = not self._scheduled
            self._scheduled = True
        if not schedule:
            return
        loop = self._loop
        try:
            if loop is None or loop.is_closed():
                raise RuntimeError("no loop")
            loop.call_soon_threadsafe(self._drain_on_loop)
        except RuntimeError:  # no loop, or it closed: drain() will run them
            with self._lock:
                self._scheduled = loop is None or loop.is_closed()

    def _drain_on_loop(self) -> None:
        self._run_queued()

    def drain(self) -> None:
        """Without a usable loop: run every queued call now, if on the owning thread.

        With a loop (in a kernel) this does nothing: callbacks then run between cells,
        from the loop, never inside the API call of a running cell (whose output they
        would join).
        """
        loop = self._loop
        if threading.get_ident() == self._thread and (loop is None or loop.is_closed()):
            self._run_queued()

    def _run_queued(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    # Cleared under the lock: a post() after this schedules a new drain.
                    self._scheduled = False
                    return
                fn, arg = self._queue.popleft()
            try:
                with _interruptible():
                    fn(arg)
            except KeyboardInterrupt:
                self.interrupted += 1
                log.warning("ggbmagic: an event callback was interrupted (Kernel ▸ Interrupt)")
            except Exception:  # callers catch their own; this keeps the queue alive
                log.exception("ggbmagic: a queued callback failed")


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt inside the block (main thread only: elsewhere
    Python delivers no signal, and ``signal.signal`` would raise)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        # None: a handler set outside Python, which cannot be put back; Python's own is
        # the safe choice (an interrupt raises instead of killing the kernel).
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None
                      else previous)
