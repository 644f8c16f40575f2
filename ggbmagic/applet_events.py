"""``GeoGebra``'s applet events: the stored log and the callbacks.

A mixin of :class:`ggbmagic.applet.GeoGebra`. The OOB thread hands each batch to
``_on_events``, which only matches and queues; the callbacks run on the kernel's main
thread (``dispatch.MainThreadDispatcher``), and a failing one prints its traceback.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from .channel import Channel
from .dispatch import MainThreadDispatcher
from .display import EventTable
from .events import Event, select

__all__ = ["Callback", "EventsAndCallbacks"]

Callback = Callable[[Event], Any]


def _show_callback_error(callback: Callback, event: Event) -> None:
    name = getattr(callback, "__qualname__", repr(callback))
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is a dependency
        shell = None
    header = f"ggbmagic: the callback {name} failed on {event['type']} event #{event['seq']}:"
    print(header, file=sys.stderr)
    if shell is not None:
        shell.showtraceback()
    else:
        traceback.print_exc()


class EventsAndCallbacks:
    """The event and callback methods of :class:`~ggbmagic.applet.GeoGebra`."""

    _channel: Channel
    _main: MainThreadDispatcher
    _callbacks: list[tuple[str | None, str | None, Callback]]
    _callbacks_lock: threading.Lock

    @property
    def events(self) -> list[Event]:
        """Recent applet events, oldest first (a copy); the callbacks of every one of
        them have run by the time it is returned (where this thread runs callbacks)."""
        stored = self._channel.delivered_events()
        self._main.drain()
        return stored

    def event_table(self, *, types: Iterable[str] = (), target: str | None = None,
                    tail: int | None = None) -> EventTable:
        """Recent events as a table, filtered by type and target, the last *tail* ones."""
        chosen = select(self.events, types=types, target=target, tail=tail)
        return EventTable(chosen, dropped=self._channel.events.dropped)

    def clear_events(self) -> int:
        """Forget the stored events; return how many there were."""
        return self._channel.events.clear()

    def on(self, event_type: str | None, callback: Callback, *,
           target: str | None = None) -> None:
        """Call ``callback(event)`` for each applet event of *event_type* (None: all),
        optionally only for one object. Callbacks run on the kernel's main thread.

            >>> ggb.on("update", lambda e: print(e["target"], e.get("value")), target="P")
            ... # doctest: +SKIP
        """
        if not callable(callback):
            raise TypeError("callback must be callable, e.g. a function taking one event")
        with self._callbacks_lock:
            self._callbacks.append((event_type, target, callback))
        # Returns nothing: as a cell's last line it must not echo <function …>; remove
        # it again with ggb.off(callback).

    def off(self, callback: Callback | None = None, event_type: str | None = None) -> int:
        """Remove callbacks (all, one, or those of one type); return how many."""
        with self._callbacks_lock:
            keep = [c for c in self._callbacks
                    if not ((callback is None or c[2] is callback)
                            and (event_type is None or c[0] == event_type))]
            removed = len(self._callbacks) - len(keep)
            self._callbacks = keep
        return removed

    def _on_events(self, events: list[Event]) -> None:
        # On the socket thread: only match and post, never run user code here.
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
        for event in events:
            for kind, target, callback in callbacks:
                if (kind is None or kind == event["type"]) and (
                        target is None or target == event["target"]):
                    self._main.post(self._invoke, (callback, event))

    @property
    def callbacks_dropped(self) -> int:
        """Callbacks dropped because more were waiting than ``GgbMagics.callback_queue``."""
        return self._main.dropped

    @staticmethod
    def _invoke(job: tuple[Callback, Event]) -> None:
        callback, event = job
        try:
            callback(event)
        except Exception:
            _show_callback_error(callback, event)
