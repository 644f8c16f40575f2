"""Kernel ▸ Interrupt reaches an event callback that blocks (issue 15), in a real
ipykernel through jupyter_client: ipykernel ignores SIGINT between its message handlers,
which is where the callbacks run, so a blocked callback used to ignore the interrupt."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .rawkernel import RawKernel

pytestmark = pytest.mark.kernel


@pytest.fixture
def kernel() -> Iterator[RawKernel]:
    runtime = Path(tempfile.mkdtemp(prefix="ggbi", dir="/tmp"))
    k = RawKernel(runtime)
    try:
        yield k
    finally:
        k.close()
        shutil.rmtree(runtime, ignore_errors=True)


def update(value: str) -> str:
    return json.dumps({"v": 1, "type": "event", "events": [
        {"type": "update", "target": "A", "argument": None, "time": 1.0, "value": value}]})


def test_an_interrupt_ends_a_blocked_callback_and_later_events_still_arrive(
        kernel: RawKernel) -> None:
    kernel.run("%load_ext ggbmagic")
    kernel.run(
        "import time\n"
        "seen = []\n"
        "def cb(e):\n"
        "    seen.append(e['value'])\n"
        "    if e['value'] == 'block':\n"
        "        print('blocking', flush=True)\n"
        "        time.sleep(600)\n"
        "        seen.append('not interrupted')\n"
        "ggb.on('update', cb)\n")
    # The callback's output goes to the last cell's output, as between cells in a notebook.
    msg_id = kernel.last[0]["parent_header"]["msg_id"]
    ws = kernel.connect()
    ws.send(update("block"))
    kernel.wait_stdout(msg_id, "blocking")  # the callback runs on the kernel's thread
    start = time.monotonic()
    kernel.km.interrupt_kernel()  # what Kernel ▸ Interrupt does (signal mode)
    assert kernel.run("print('after')", timeout=120).strip() == "after"
    interrupted_after = time.monotonic() - start
    print(f"interrupt ended the callback after {interrupted_after:.2f} s")
    # Later events still reach their callbacks.
    ws.send(update("later"))
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 1}))
    assert json.loads(ws.recv(timeout=60))["type"] == "pong"  # "later" was read
    # Callbacks run from the kernel's loop between cells: let it run what is queued.
    kernel.run("import asyncio\n_loop = asyncio.get_running_loop()\n"
               "_turn = _loop.create_future()\n_loop.call_soon(_turn.set_result, None)\n"
               "await _turn")
    assert json.loads(kernel.run("import json; print(json.dumps(seen))")) == ["block", "later"]
    assert interrupted_after < 120  # far below the 600 s the callback would block
    ws.close()
