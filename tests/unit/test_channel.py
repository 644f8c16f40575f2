"""The channel without a kernel: a real OOB server thread on a real Unix socket, a real
websockets client; the comm side is a list that records what would be sent."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, unix_connect

from ggbmagic import protocol
from ggbmagic.channel import Channel, ChannelState
from ggbmagic.errors import (
    GgbError,
    GgbTimeoutError,
    LoadFailedError,
    NoFrontendError,
    PanelClosedError,
)

KERNEL_ID = "0b5c9e7e-1111-4222-8333-944455556666"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.hellos = 0
        self.sent_event = threading.Event()

    def send(self, msg: dict[str, Any]) -> None:
        self.sent.append(msg)
        self.sent_event.set()

    def hello(self) -> None:
        self.hellos += 1


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def channel(tmp_path: Path, rec: Recorder) -> Iterator[Channel]:
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=rec.send, hello=rec.hello,
                 max_frame_bytes=2048)
    ch.start()
    try:
        yield ch
    finally:
        ch.stop()


def connect(ch: Channel, token: str | None = None) -> ClientConnection:
    assert ch.socket_path is not None
    ws = unix_connect(str(ch.socket_path)).__enter__()
    ws.send(json.dumps({"v": 1, "type": "hello", "token": token or ch.token}))
    return ws


def ready(ch: Channel) -> ClientConnection:
    ws = connect(ch)
    assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
    ws.send(json.dumps({"v": 1, "type": "ready", "applet": {"version": "t"}}))
    ch.wait_ready(5, 5)
    return ws


def test_socket_is_private(channel: Channel) -> None:
    assert channel.socket_path is not None
    assert stat.S_IMODE(channel.socket_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(channel.socket_path.parent.stat().st_mode) == 0o700


def test_stop_is_idempotent_and_removes_the_socket(channel: Channel) -> None:
    path = channel.socket_path
    assert path is not None and path.exists()
    channel.stop()
    channel.stop()
    assert not path.exists()
    assert not channel.running
    with pytest.raises(GgbError, match="load_ext"):
        channel.wait_ready(1, 1)


@pytest.mark.parametrize("first", [
    json.dumps({"v": 1, "type": "hello", "token": "wrong"}),
    json.dumps({"v": 1, "type": "hello"}),
    json.dumps({"v": 2, "type": "hello", "token": "x"}),
    json.dumps({"v": 1, "type": "ready", "applet": {}}),
    "{",
])
def test_first_frame_must_carry_the_token(channel: Channel, first: str) -> None:
    assert channel.socket_path is not None
    with unix_connect(str(channel.socket_path)) as ws:
        ws.send(first)
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=5)
    assert info.value.rcvd is not None and info.value.rcvd.code == 4001
    assert channel.counters.auth_failures == 1
    assert channel.peers == 0


def test_request_and_reply_through_a_future(channel: Channel, rec: Recorder) -> None:
    ws = ready(channel)
    msg = protocol.call("getValue", ["d"])

    def answer() -> None:
        rec.sent_event.wait(5)
        ws.send(json.dumps({"v": 1, "type": "reply", "id": msg["id"], "ok": True,
                            "result": 5}))

    threading.Thread(target=answer).start()
    assert channel.request(msg, 5) == 5
    assert rec.sent == [msg]
    assert channel.pending == 0
    ws.close()


def test_refused_request_raises_with_the_browser_reason(channel: Channel, rec: Recorder) -> None:
    ws = ready(channel)
    msg = protocol.call("nope", [])
    fut = channel.submit(msg)
    ws.send(json.dumps({"v": 1, "type": "reply", "id": msg["id"], "ok": False,
                        "error": "nope is not a GeoGebra API method"}))
    with pytest.raises(GgbError, match="nope is not a GeoGebra API method"):
        fut.result(5)
    ws.close()


def test_timeout_then_late_reply_is_counted(channel: Channel) -> None:
    ws = ready(channel)
    msg = protocol.command("A = (1, 2)")
    with pytest.raises(GgbTimeoutError, match=r"did not answer within 0\.2 s"):
        channel.request(msg, 0.2)
    ws.send(json.dumps({"v": 1, "type": "reply", "id": msg["id"], "ok": True}))
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 7}))
    assert json.loads(ws.recv(timeout=5)) == {"v": 1, "type": "pong", "time": 7}
    assert channel.counters.unknown_ids == 1
    ws.close()


def test_no_browser_asks_hello_then_says_how_to_fix(channel: Channel, rec: Recorder) -> None:
    with pytest.raises(NoFrontendError, match="jupyter labextension list"):
        channel.wait_ready(ready_timeout=5, connect_timeout=0.2)
    assert rec.hellos == 1


def test_connected_but_not_loaded_times_out(channel: Channel) -> None:
    ws = connect(channel)
    ws.recv(timeout=5)
    with pytest.raises(GgbTimeoutError, match=r"did not finish loading within 0\.3 s"):
        channel.wait_ready(ready_timeout=0.3, connect_timeout=5)
    ws.close()


def _wait_in_thread(ch: Channel, msg: protocol.Request, timeout: float
                    ) -> tuple[threading.Thread, list[BaseException]]:
    """``ch.request(msg, timeout)`` on a thread, as a blocked cell would call it."""
    raised: list[BaseException] = []

    def wait() -> None:
        try:
            ch.request(msg, timeout)
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=wait)
    thread.start()
    return thread, raised


def _until_waiting(ch: Channel, rec: Recorder) -> None:
    # The request is registered before it is sent: once sent, it waits for its reply.
    assert rec.sent_event.wait(5), "the request was never sent"
    assert ch.pending == 1


def test_load_failed_fails_a_waiting_request_at_once(channel: Channel, rec: Recorder) -> None:
    ws = ready(channel)
    thread, raised = _wait_in_thread(channel, protocol.command("A = (1, 2)"), 60)
    _until_waiting(channel, rec)
    ws.send(json.dumps({"v": 1, "type": "load_failed", "url": "https://x/deployggb.js",
                        "message": "offline"}))
    # At once: the request would otherwise wait 60 s for its reply.
    thread.join(10)
    assert not thread.is_alive(), "the waiting request did not fail when loading failed"
    assert len(raised) == 1 and isinstance(raised[0], LoadFailedError), raised
    assert "GeoGebra could not be loaded from https://x/deployggb.js: offline" in str(raised[0])
    assert channel.pending == 0
    with pytest.raises(LoadFailedError):
        channel.wait_ready(5, 5)
    channel.reopen()
    ws.send(json.dumps({"v": 1, "type": "ready", "applet": {}}))
    channel.wait_ready(5, 5)
    ws.close()


def test_closed_panel_fails_a_waiting_request_at_once(channel: Channel, rec: Recorder) -> None:
    ws = ready(channel)
    thread, raised = _wait_in_thread(channel, protocol.command("A = (1, 2)"), 60)
    _until_waiting(channel, rec)
    ws.send(json.dumps({"v": 1, "type": "closed", "reason": "panel closed"}))
    thread.join(10)
    assert not thread.is_alive(), "the waiting request did not fail when the panel closed"
    assert len(raised) == 1 and isinstance(raised[0], PanelClosedError), raised
    assert str(raised[0]) == (
        "The GeoGebra panel of this notebook was closed (panel closed). "
        "Run `%ggb --open` (or `ggb.open()`) to open the panel again.")
    assert channel.pending == 0
    assert channel.state is ChannelState.CLOSED
    # Later requests fail at once too, with the same advice.
    with pytest.raises(PanelClosedError, match="%ggb --open"):
        channel.wait_ready(5, 5)
    with pytest.raises(PanelClosedError, match="%ggb --open"):
        channel.submit(protocol.command("B = (1, 2)"))
    ws.close()


def test_disconnect_fails_pending_requests(channel: Channel) -> None:
    ws = ready(channel)
    fut = channel.submit(protocol.command("A = (1, 2)"))
    ws.close()
    with pytest.raises(GgbError, match="browser disconnected"):
        fut.result(5)
    assert channel.state is ChannelState.DISCONNECTED


def test_oversized_frame_is_refused_and_the_connection_survives(channel: Channel) -> None:
    ws = ready(channel)
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 1, "pad": "x" * 4000}))
    err = json.loads(ws.recv(timeout=5))
    assert err["type"] == "error" and err["code"] == "frame_too_large"
    assert "2048" in err["message"]
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 2}))
    assert json.loads(ws.recv(timeout=5))["time"] == 2
    assert channel.counters.frame_too_large == 1
    ws.close()


def test_events_are_numbered_and_passed_to_sinks(channel: Channel) -> None:
    got: list[list[Any]] = []
    done = threading.Event()

    def sink(events: list[Any]) -> None:
        got.append(events)
        done.set()

    channel.add_event_sink(sink)
    ws = ready(channel)
    ws.send(json.dumps({"v": 1, "type": "event", "events": [
        {"type": "add", "target": "A", "argument": None, "time": 1.0},
        {"type": "rename", "target": "P", "argument": "A", "time": 2.0}]}))
    assert done.wait(5)
    assert [(e["seq"], e["type"], e["target"]) for e in got[0]] == [
        (1, "add", "A"), (2, "rename", "P")]
    assert channel.counters.events == 2
    ws.close()


def test_a_reader_never_sees_events_whose_sinks_have_not_run(channel: Channel) -> None:
    # The socket thread stores a batch and then hands it to the sinks (callbacks are
    # queued there). A cell reading ggb.events in between saw the events without their
    # callbacks (a marimo test: updates=2 callbacks=0). The reader now waits for the batch.
    in_sink = threading.Event()
    release = threading.Event()
    sunk: list[int] = []

    def slow_sink(events: list[Any]) -> None:
        in_sink.set()
        assert release.wait(5)
        sunk.extend(e["seq"] for e in events)

    channel.add_event_sink(slow_sink)
    ws = ready(channel)
    ws.send(json.dumps({"v": 1, "type": "event", "events": [
        {"type": "add", "target": "A", "argument": None, "time": 1.0}]}))
    assert in_sink.wait(5)  # the batch is stored; its sink is running
    seen: list[list[int]] = []
    reader = threading.Thread(
        target=lambda: seen.append([e["seq"] for e in channel.delivered_events()]))
    reader.start()
    reader.join(0.2)
    assert reader.is_alive(), "the reader saw a batch still being delivered"
    release.set()
    reader.join(5)
    assert seen == [[1]] and sunk == [1]
    ws.close()
