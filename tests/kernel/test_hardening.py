"""Hardening in a real kernel (issue 8): a shared runtime directory, a flood of bad
frames that must neither close the connection nor flood the notebook, callbacks that
stay bounded while a cell runs, the loopback transport."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ggbmagic.paths import socket_dir, socket_path

from .rawkernel import RawKernel

pytestmark = pytest.mark.kernel

NOBODY = pwd.getpwnam("nobody")


@pytest.fixture
def runtime() -> Iterator[Path]:
    # Short: the socket must fit a Unix socket address without the /tmp fallback.
    path = Path(tempfile.mkdtemp(prefix="ggbk", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def kernel(runtime: Path) -> Iterator[RawKernel]:
    k = RawKernel(runtime)
    try:
        yield k
    finally:
        k.close()


def test_a_shared_runtime_dir_does_not_lock_us_out(runtime: Path) -> None:
    # A world-writable runtime dir where another user (nobody) loaded ggbmagic first.
    os.chmod(runtime, 0o1777)
    for name in ("ggbmagic", f"ggbmagic-{NOBODY.pw_uid}"):
        (runtime / name).mkdir(mode=0o700)
        os.chown(runtime / name, NOBODY.pw_uid, NOBODY.pw_gid)
    k = RawKernel(runtime)
    try:
        k.run("%load_ext ggbmagic")
        path = socket_path(k.kernel_id, runtime)
        assert path.parent == socket_dir(runtime) and path.exists()
        assert path.parent.stat().st_uid == os.getuid()
        ws = k.connect()
        ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 1}))
        assert json.loads(ws.recv(timeout=10))["type"] == "pong"
        ws.close()
    finally:
        k.close()


def test_bad_frames_keep_the_connection_and_stay_out_of_the_notebook(
        kernel: RawKernel) -> None:
    kernel.run("%load_ext ggbmagic")
    before = kernel.stream_bytes()
    ws = kernel.connect()
    kinds = ["garbage", "[" * 5000, '{"v":1,"type":"heartbeat","time":1e400}',
             '{"v":1,"type":"closed","reason":"\\ud800"}',
             json.dumps({"v": 1, "type": "t" * 100_000}),
             json.dumps({"v": 1, "type": "reply", "id": "nobody-waits", "ok": True}),
             json.dumps({"v": 1, "type": "error", "code": "x", "message": "m" * 100_000})]
    for i in range(3000):
        ws.send(kinds[i % len(kinds)])  # answers never read: the kernel must not wait
    ws.send(json.dumps({"v": 1, "type": "ready", "applet": {"version": "t"}}))
    # wait_ready returns once the OOB thread has read everything up to `ready`.
    counters = json.loads(kernel.run(
        "import json; ggb.channel.wait_ready(60, 60)\n"
        "print(json.dumps(ggb.channel.counters.as_dict()))"))
    refused = sum(1 for i in range(3000) if i % len(kinds) < 5)  # the first five kinds
    assert counters["malformed"] + counters["unknown_type"] == refused
    assert counters["unknown_ids"] > 0 and counters["browser_errors"] > 0
    assert counters["connections"] == 1  # never closed and reconnected
    # A few warning lines at most, not 3000 (and no traceback).
    written = kernel.stream_bytes() - before
    assert written < 4096, written
    assert "Traceback" not in "".join(
        m["content"]["text"] for m in kernel.iopub if m["msg_type"] == "stream")
    assert kernel.run("print(1)").strip() == "1"
    # Go away as a peer that never reads does: close the transport. ws.close() would
    # wait its close_timeout (10 s) for the kernel's close frame, which sits unread
    # behind the answers this peer never read.
    ws.socket.shutdown(socket.SHUT_RDWR)
    ws.close()


def test_callbacks_stay_bounded_while_a_cell_runs(kernel: RawKernel) -> None:
    kernel.run("%config GgbMagics.callback_queue = 100\n%load_ext ggbmagic")
    n = 20_000
    kernel.run(
        "import threading\n"
        "calls = []\n"
        "ggb.on('update', lambda e: calls.append(e['seq']))\n"
        "enough = threading.Event()\n"
        f"ggb.channel.add_event_sink(lambda evs: ggb.channel.counters.events >= {n}"
        " and enough.set())\n")
    ws = kernel.connect()
    # A cell that blocks the kernel's loop until every event has arrived; the events
    # go out only once it runs (else the loop would drain the first ones between cells).
    msg_id = kernel.kc.execute("print('blocking', flush=True)\nassert enough.wait(120)")
    kernel.wait_stdout(msg_id, "blocking")
    for start in range(0, n, 500):
        ws.send(json.dumps({"v": 1, "type": "event", "events": [
            {"type": "update", "target": "A", "argument": None, "time": float(i),
             "value": f"A = {i}"} for i in range(start, start + 500)]}))
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 1}))
    assert json.loads(ws.recv(timeout=60))["type"] == "pong"
    # Callbacks run from the kernel's loop between cells: let it run what is queued
    # (call_soon after the drain that was posted while the cell blocked).
    kernel.run("import asyncio\n_loop = asyncio.get_running_loop()\n"
               "_turn = _loop.create_future()\n_loop.call_soon(_turn.set_result, None)\n"
               "await _turn")
    shown = kernel.run("print(len(calls), ggb.callbacks_dropped, calls[-1])\n"
                       "print(repr(ggb.status()))")
    first, status = shown.split("\n", 1)
    assert first.split() == ["100", str(n - 100), str(n)]
    (row,) = [line for line in status.splitlines() if "callbacks dropped" in line]
    assert str(n - 100) in row
    blocked_errors = [m for m in kernel.iopub if m["msg_type"] == "error"
                      and m["parent_header"].get("msg_id") == msg_id]
    assert blocked_errors == []  # the blocking cell saw all n events arrive
    ws.close()


def test_the_event_buffer_is_bounded_in_bytes_and_says_so(kernel: RawKernel) -> None:
    # Issue 15: a long list that follows a slider sends ~75 KB per event.
    kernel.run("%config GgbMagics.event_buffer_bytes = 1_000_000\n%load_ext ggbmagic")
    big = "{" + ", ".join(f"({i}, {i})" for i in range(5000)) + "}"
    ws = kernel.connect()
    for i in range(40):
        ws.send(json.dumps({"v": 1, "type": "event", "events": [
            {"type": "update", "target": "l1", "argument": None, "time": float(i),
             "value": big}]}))
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 1}))
    assert json.loads(ws.recv(timeout=60))["type"] == "pong"  # all 40 were read
    shown = kernel.run("log = ggb.channel.events\n"
                       "print(len(log), log.dropped, log.nbytes, log.max_bytes)\n"
                       "print(repr(ggb.status()))")
    first, status = shown.split("\n", 1)
    kept, dropped, nbytes, max_bytes = map(int, first.split())
    assert max_bytes == 1_000_000 and nbytes <= max_bytes
    assert 0 < kept < 40 and kept + dropped == 40
    (row,) = [line for line in status.splitlines() if "events dropped" in line]
    assert str(dropped) in row
    ws.close()


def test_event_text_is_text_in_the_cells_html(kernel: RawKernel) -> None:
    # A shared .ggb file's object names and texts reach the events table: in the
    # notebook's HTML they must be text, never markup.
    img = '[link=x"><img/src="x"/onerror="alert(document.domain)">]A[/link]'
    kernel.run("%load_ext ggbmagic")
    ws = kernel.connect()
    ws.send(json.dumps({"v": 1, "type": "event", "events": [
        {"type": "update", "target": img, "argument": None, "time": 1.0,
         "value": "[link=javascript:alert(1)]x[/link]"},
        {"type": "select", "target": "[/oops]", "argument": "Circle[a, 2]", "time": 2.0}]}))
    ws.send(json.dumps({"v": 1, "type": "ready", "applet": {"version": "t"}}))
    kernel.run("ggb.channel.wait_ready(30, 30)")
    kernel.run("%ggb_events")
    (html,) = kernel.data("text/html")
    (plain,) = kernel.data("text/plain")
    assert "<img" not in html and "href" not in html
    assert "&lt;img/src=" in html
    assert "Circle[a, 2]" in plain and "[/oops]" in plain
    ws.close()


def test_the_loopback_transport_in_a_kernel(runtime: Path) -> None:
    k = RawKernel(runtime, env={"GGBMAGIC_TRANSPORT": "tcp"})
    try:
        k.run("%load_ext ggbmagic")
        assert not socket_path(k.kernel_id, runtime).exists()
        ws = k.connect()
        ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 3}))
        assert json.loads(ws.recv(timeout=10)) == {"v": 1, "type": "pong", "time": 3}
        ws.close()
        k.run("%unload_ext ggbmagic")
        assert list(socket_dir(runtime).iterdir()) == []  # port file removed
    finally:
        k.close()
