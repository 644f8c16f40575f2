"""Callbacks wait in one bounded queue drained by one posted callback (issue 8, finding 4),
on a real asyncio loop blocked the way a running cell blocks the kernel's."""

from __future__ import annotations

import asyncio
import doctest
import threading
from typing import Any

import pytest

from ggbmagic import dispatch
from ggbmagic.dispatch import MainThreadDispatcher


def test_a_flood_while_the_loop_is_blocked_stays_bounded() -> None:
    ran: list[int] = []
    posted_to_loop: list[Any] = []

    async def cell() -> None:
        loop = asyncio.get_running_loop()
        d = MainThreadDispatcher(maxlen=1000)
        real = loop.call_soon_threadsafe

        def spy(*args: Any) -> Any:
            posted_to_loop.append(args)
            return real(*args)

        loop.call_soon_threadsafe = spy  # type: ignore[method-assign]
        # The socket thread posts 300,000 callbacks while the "cell" blocks the loop
        # (join() without awaiting), as a long cell blocks the kernel.
        done = asyncio.Event()

        def flood() -> None:
            for i in range(300_000):
                d.post(ran.append, i)
            d.post(lambda _: done.set(), None)  # the last one: tells us the drain ran

        thread = threading.Thread(target=flood)
        thread.start()
        thread.join()
        assert len(d) == 1000
        assert d.dropped == 299_001
        assert len(posted_to_loop) == 1  # one drain, not one call per event
        assert ran == []  # nothing ran on the socket thread
        await asyncio.wait_for(done.wait(), 10)  # the cell ends: the loop drains

    asyncio.run(cell())
    assert ran == list(range(299_001, 300_000))  # the newest, in order


def test_posts_after_a_drain_schedule_a_new_one() -> None:
    ran: list[int] = []

    async def main() -> None:
        d = MainThreadDispatcher()
        done = asyncio.Event()
        d.post(ran.append, 1)
        d.post(lambda _: done.set(), None)
        await asyncio.wait_for(done.wait(), 5)
        done.clear()
        threading.Thread(target=lambda: (d.post(ran.append, 2),
                                         d.post(lambda _: done.set(), None))).start()
        await asyncio.wait_for(done.wait(), 5)

    asyncio.run(main())
    assert ran == [1, 2]


def test_without_a_loop_the_queue_waits_for_drain() -> None:
    d = MainThreadDispatcher(maxlen=3)
    ran: list[int] = []
    for i in range(5):
        d.post(ran.append, i)
    assert ran == []
    other = threading.Thread(target=d.drain)  # another thread never runs them
    other.start()
    other.join()
    assert ran == []
    d.drain()
    assert ran == [2, 3, 4] and d.dropped == 2


def test_a_failing_call_does_not_stop_the_queue(caplog: pytest.LogCaptureFixture) -> None:
    d = MainThreadDispatcher()
    ran: list[int] = []

    def boom(_: Any) -> None:
        raise RuntimeError("boom")

    d.post(boom, None)
    d.post(ran.append, 1)
    d.drain()
    assert ran == [1]
    assert "a queued callback failed" in caplog.text


def test_maxlen_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one"):
        MainThreadDispatcher(maxlen=0)


def test_doctests() -> None:
    result = doctest.testmod(dispatch)
    assert result.attempted > 0 and result.failed == 0


def test_sigint_interrupts_a_callback_even_where_the_kernel_ignores_it() -> None:
    # ipykernel ignores SIGINT between its message handlers, where callbacks run. The
    # callback gets Python's own handler: a real SIGINT raises KeyboardInterrupt in it,
    # which ends that callback only; the next one runs, and the kernel's handler is back.
    import signal

    ran: list[str] = []

    def blocked(_: Any) -> None:
        signal.raise_signal(signal.SIGINT)  # Kernel ▸ Interrupt, while it "blocks"
        ran.append("not interrupted")

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        d = MainThreadDispatcher()
        d.post(blocked, None)
        d.post(ran.append, "later")
        d.drain()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert ran == ["later"]
    assert d.interrupted == 1
