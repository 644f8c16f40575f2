"""Starting and stopping the socket thread (issue 20: the start/stop race).

A start that fails used to be reported while the thread was still closing its loop; a
``stop()`` in that window called ``call_soon_threadsafe`` on a closed loop
(``RuntimeError: Event loop is closed``). ``benchmarks/race_start_stop.py`` repeats the
scenario of test_private_dir.py 300 times.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from ggbmagic.channel import Channel
from ggbmagic.errors import GgbError
from ggbmagic.paths import socket_dir

KERNEL_ID = "6e1c2a9e-7b2d-4e4a-9a43-0e7f5b3c9d11"


def nothing(*args: Any) -> None:
    pass


class SlowToClose(asyncio.SelectorEventLoop):
    """A loop whose shutdown waits (boundedly) until the test has looked: it holds the
    window between "start failed" and "loop closed" open, where the race was."""

    looked = threading.Event()

    async def shutdown_asyncgens(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.looked.wait, 0.5)
        await super().shutdown_asyncgens()


def test_a_failed_start_is_reported_after_the_loop_is_closed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    socket_dir(tmp_path).write_text("not a directory")  # the start must fail
    loops: list[SlowToClose] = []

    def new_loop() -> SlowToClose:
        loops.append(SlowToClose())
        return loops[-1]

    SlowToClose.looked.clear()
    monkeypatch.setattr(asyncio, "new_event_loop", new_loop)
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing,
                 use_tcp=True)  # the port file goes into socket_dir(tmp_path), however long
    try:
        with pytest.raises(GgbError, match="not a directory"):
            ch.start()
        (loop,) = loops
        closed = loop.is_closed()
        ch.stop()  # raised "Event loop is closed" when it ran while the loop closed
    finally:
        SlowToClose.looked.set()
    assert closed
