"""Keeping the kernel's copy of the construction fresh, at a cost paid only for changes.

* after every cell that changed something (``post_run_cell``; GeoGebra calls a listener
  for every change, and the browser sends those events before a command's reply, so a
  cell's changes are known when it ends): one ``getBase64`` round trip;
* between cells, when the user changes the applet (a drag, a tool): the same copy,
  asked for without blocking from the kernel's event loop once the events stop for
  :data:`IDLE_DELAY` seconds;
* a browser whose applet was built from a saved notebook's output (a reopened notebook,
  a new kernel) hands that construction over in its ``ready`` frame.

The copy goes to every applet built for the notebook: in ``hello`` (a reloaded or new
page) and in ``open`` (the panel reopened, another app). See docs/architecture.md,
"Keeping the construction".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .store import ConstructionStore

__all__ = ["IDLE_DELAY", "Keeper"]

log = logging.getLogger("ggbmagic")

#: Seconds without applet events before a copy is taken between cells.
IDLE_DELAY = 0.4


class Keeper:
    """Keeps :attr:`store` fresh from the applet.

    *answers_now* says whether an applet is ready (a copy never waits for a browser);
    *copy* asks for ``getBase64`` and blocks (main thread, between cells' end and the
    next); *copy_async* sends the same request and returns its future (any thread).
    """

    def __init__(self, answers_now: Callable[[], bool], copy: Callable[[], Any],
                 copy_async: Callable[[], concurrent.futures.Future[Any]]) -> None:
        self.store = ConstructionStore()
        self._answers_now = answers_now
        self._copy = copy
        self._copy_async = copy_async
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # plain IPython: copies happen after cells only
            self._loop = None
        self._timer: asyncio.TimerHandle | None = None
        self._in_flight = False

    # --- news from the socket thread -----------------------------------------------

    def on_events(self, events: Sequence[Mapping[str, Any]]) -> None:
        """An event sink of the channel: changes make the copy stale."""
        types = [str(e.get("type")) for e in events]
        if self.store.changed(types):
            self._arm()

    def on_ready(self, msg: dict[str, Any]) -> None:
        """An applet is ready; it may hand over the construction it was built from."""
        handed = msg.get("construction")
        if isinstance(handed, str) and handed and self.store.b64 is None:
            self.store.seed(handed)
        elif self.store.stale:
            self._arm()

    # --- copies ---------------------------------------------------------------------

    def refresh(self) -> bool:
        """Copy the construction now if it is stale; returns whether the copy changed.

        Never raises: it runs after every cell.
        """
        if not self.store.stale or not self._answers_now():
            return False
        stamp = self.store.stamp()
        start = time.perf_counter()
        try:
            b64 = self._copy()
        except Exception as exc:  # the browser went away, or the panel was closed
            log.debug("ggbmagic: could not copy the construction: %s", exc)
            return False
        if not isinstance(b64, str) or not b64:
            return False
        return self.store.take(b64, stamp, (time.perf_counter() - start) * 1000)

    def _arm(self) -> None:
        """(Any thread.) Take a copy on the kernel's loop once the events stop."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._restart_timer)

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        assert self._loop is not None
        self._timer = self._loop.call_later(IDLE_DELAY, self._copy_idle)

    def _copy_idle(self) -> None:
        self._timer = None
        if self._in_flight or not self.store.stale or not self._answers_now():
            return
        stamp = self.store.stamp()
        start = time.perf_counter()
        try:
            fut = self._copy_async()
        except Exception as exc:
            log.debug("ggbmagic: could not ask for the construction: %s", exc)
            return
        self._in_flight = True

        def done(f: concurrent.futures.Future[Any]) -> None:
            self._in_flight = False
            try:
                b64 = f.result()
            except Exception as exc:
                log.debug("ggbmagic: copying the construction failed: %s", exc)
                return
            if isinstance(b64, str) and b64:
                self.store.take(b64, stamp, (time.perf_counter() - start) * 1000)
            if self.store.stale:
                self._arm()  # changed again while the copy travelled

        fut.add_done_callback(done)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
