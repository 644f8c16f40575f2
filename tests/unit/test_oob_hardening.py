"""The OOB socket under hostile or broken input (issue 8, findings 3, 5, 6, 8, 9), on a
real server thread and real sockets: the pre-hello limit and the cap on connections
without a hello, every malformed frame refused and counted with the connection kept and
read, warnings rate-limited, event batches all or nothing, the loopback transport."""

from __future__ import annotations

import json
import logging
import socket
import stat
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect, unix_connect

from ggbmagic import oob, protocol
from ggbmagic.channel import Channel
from ggbmagic.oob import ANSWER_BACKLOG, tcp_from_environment
from ggbmagic.paths import port_file_path

KERNEL_ID = "0b5c9e7e-1111-4222-8333-944455556666"
KEY = b"the kernel's connection key"


def nothing(*args: Any) -> None:
    pass


@pytest.fixture
def channel(tmp_path: Path) -> Iterator[Channel]:
    """A channel with the default (16 MiB) frame limit, as in a kernel."""
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing,
                 proof_key=KEY)
    ch.start()
    try:
        yield ch
    finally:
        ch.stop()


def raw(ch: Channel) -> ClientConnection:
    assert ch.socket_path is not None
    return unix_connect(str(ch.socket_path), max_size=None).__enter__()


def authed(ch: Channel) -> ClientConnection:
    ws = raw(ch)
    ws.send(json.dumps({"v": 1, "type": "hello", "token": ch.token}))
    assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
    return ws


def drop(ws: ClientConnection) -> None:
    """Go away as a peer that never reads does: close the transport. ``ws.close()`` would
    wait its close_timeout (10 s) for the kernel's close frame, which sits unread behind
    the answers this peer never read (its reader stops once its queue is full)."""
    ws.socket.shutdown(socket.SHUT_RDWR)
    ws.close()


def settle(ch: Channel) -> None:
    """A full round trip on a new connection: the socket thread has handled everything
    that happened before (a refused connection is counted right after the library
    closed it, a few loop turns before any new connection can complete its hello)."""
    ws = authed(ch)
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 0}))
    assert json.loads(ws.recv(timeout=10))["type"] == "pong"
    ws.close()


def close_code(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed) as info:
        ws.recv(timeout=10)
    return info.value.rcvd.code if info.value.rcvd is not None else None


# --- finding 3: memory before authentication ---------------------------------------------


def test_a_big_first_frame_is_refused_from_its_header(channel: Channel) -> None:
    # A frame header that announces 48 MiB, then 1 KiB of it: the kernel closes at
    # once (1009), without waiting for (and buffering) the rest.
    ws = raw(channel)
    length = 48 * 1024 * 1024
    header = bytes([0x81, 0x80 | 127]) + struct.pack("!Q", length) + b"\0\0\0\0"  # masked
    ws.socket.sendall(header + b"x" * 1024)
    assert close_code(ws) == 1009
    settle(channel)
    assert channel.counters.auth_failures == 1
    assert channel.counters.frame_too_large == 1


def test_the_pre_hello_limit_is_small_and_the_configured_one_follows(channel: Channel) -> None:
    ws = raw(channel)
    ws.send(json.dumps({"v": 1, "type": "hello", "token": channel.token,
                        "pad": "x" * (protocol.PRE_HELLO_MAX_FRAME_BYTES + 1)}))
    assert close_code(ws) == 1009
    # After a valid hello, a 1 MiB frame is read and answered.
    ws = authed(channel)
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 3, "pad": "x" * (1 << 20)}))
    assert json.loads(ws.recv(timeout=10)) == {"v": 1, "type": "pong", "time": 3}
    ws.close()


@pytest.fixture
def small_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Channel]:
    """8 places without hello, none protected by its age: the oldest goes first, as
    transport/admission.py's rule 2 says (its rule 3, the random one, is tested there)."""
    monkeypatch.setattr(oob, "MAX_UNAUTHENTICATED", 8)
    monkeypatch.setattr(oob, "PROTECTED_AGE", -1.0)
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing,
                 proof_key=KEY)
    ch.start()
    try:
        yield ch
    finally:
        ch.stop()


def test_connections_without_hello_are_capped_oldest_first(small_room: Channel) -> None:
    waiting = [raw(small_room) for _ in range(8)]
    newest = raw(small_room)  # one too many
    # The oldest is pushed out with 1013 (try again later); the others still wait.
    assert close_code(waiting[0]) == 1013
    # The ones still waiting may still say hello; then there is room for one more.
    newest.send(json.dumps({"v": 1, "type": "hello", "token": small_room.token}))
    assert json.loads(newest.recv(timeout=5))["type"] == "welcome"
    good = authed(small_room)
    for ws in [*waiting[1:], newest, good]:
        ws.close()
    settle(small_room)
    assert small_room.counters.pushed_out == 1


def closed_by_peer(sock: socket.socket) -> bool:
    sock.settimeout(10)
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:  # closed with our unread bytes in its buffer
        return True


def refused_before(sock: socket.socket, lines: int) -> bool:
    """Whether the kernel closes *sock* before it has sent *lines* 8 KiB header lines."""
    try:
        for _ in range(lines):
            sock.sendall(b"X-Pad: " + b"a" * 8000 + b"\r\n")
    except (BrokenPipeError, ConnectionResetError):
        return True
    return False


def test_unfinished_handshakes_count_and_a_long_one_is_cut(small_room: Channel) -> None:
    # Issue 15: connections still sending their HTTP headers were not counted, and each
    # could send ~1 MiB of them. Eight silent half-handshakes fill the room.
    assert small_room.socket_path is not None
    half: list[socket.socket] = []
    for _ in range(8):
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(str(small_room.socket_path))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        half.append(sock)
    ws = raw(small_room)  # the ninth pushes the oldest half-handshake out
    assert closed_by_peer(half[0])
    # A handshake longer than HANDSHAKE_MAX_BYTES is cut off at once.
    long = half[1]
    long.settimeout(10)
    assert refused_before(long, 100)  # 100 × 8 KiB header lines, ~800 KiB
    ws.close()
    for sock in half:
        sock.close()
    settle(small_room)
    assert small_room.counters.handshakes_too_large == 1
    assert small_room.counters.pushed_out == 1


# --- finding 5: malformed frames refused, counted, the connection kept --------------------

MALFORMED: list[tuple[str, str | bytes, str]] = [
    ("garbage", "not json at all", "malformed"),
    ("deep nesting", "[" * 100_000, "malformed"),
    ("deep nesting inside a message",
     '{"v": 1, "type": "ready", "applet": ' + "[" * 50_000 + "]" * 50_000 + "}", "malformed"),
    ("non-finite heartbeat time", '{"v": 1, "type": "heartbeat", "time": 1e400}', "malformed"),
    ("huge integer", '{"v": 1, "type": "heartbeat", "time": ' + "9" * 5000 + "}", "malformed"),
    ("lone surrogate", '{"v": 1, "type": "closed", "reason": "\\ud800"}', "malformed"),
    ("lone surrogate in a key", '{"v": 1, "type": "ready", "applet": {"\\udfff": 1}}',
     "malformed"),
    ("invalid UTF-8 binary frame", b"\xff\xfe{", "malformed"),
    ("huge type field", json.dumps({"v": 1, "type": "t" * (1 << 20)}), "unknown_type"),
    ("huge version", json.dumps({"v": "v" * (1 << 20), "type": "ready"}), "bad_version"),
    ("NaN", '{"v": 1, "type": "heartbeat", "time": NaN}', "malformed"),
]


@pytest.mark.parametrize(("frame", "code"), [c[1:] for c in MALFORMED],
                         ids=[c[0] for c in MALFORMED])
def test_every_malformed_frame_is_refused_and_the_connection_stays(
        channel: Channel, frame: str | bytes, code: str) -> None:
    ws = authed(channel)
    ws.send(frame)
    answer = json.loads(ws.recv(timeout=10))
    assert answer["type"] == "error" and answer["code"] == code
    # Never an echo of what was received beyond a short prefix.
    assert len(answer["message"]) < 300
    assert getattr(channel.counters, code) == 1
    ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 5}))
    assert json.loads(ws.recv(timeout=10)) == {"v": 1, "type": "pong", "time": 5}
    assert channel.peers == 1
    drop(ws)


@pytest.mark.parametrize("frame", [
    '{"v": 1, "type": "event", "events": [{"type": "add", "target": "A", "time": 1e400}]}',
    '{"v": 1, "type": "ready", "applet": {"zoom": -1e999}}',
    '{"v": 1, "type": "reply", "id": "x", "ok": true, "result": [1e309]}',
], ids=["event time", "nested in ready", "in a reply"])
def test_non_finite_numbers_are_refused_wherever_they_are(frame: str) -> None:
    # Not only where an answer would fail to encode: a stored event or a reply must not
    # carry inf either (display, pandas, the next encode).
    with pytest.raises(protocol.ProtocolError) as info:
        protocol.decode(frame)
    assert info.value.code == "malformed" and "out of range" in info.value.message


def test_a_browser_error_frame_is_counted_not_echoed(channel: Channel,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    ws = authed(channel)
    with caplog.at_level(logging.WARNING, logger="ggbmagic"):
        ws.send(json.dumps({"v": 1, "type": "error", "code": "c" * 100_000,
                            "message": "m" * 1_000_000}))
        ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 1}))
        ws.recv(timeout=10)
    assert channel.counters.browser_errors == 1
    assert caplog.records and all(len(r.getMessage()) < 400 for r in caplog.records)
    ws.close()


def test_bad_hellos_of_every_kind_count_as_auth_failures(channel: Channel) -> None:
    for frame in ["[" * 3000, '{"v": 1, "type": "hello", "token": "\\ud800"}',
                  '{"v": 1, "type": "hello", "token": 1e400}']:
        ws = raw(channel)
        ws.send(frame)
        assert close_code(ws) == 4001
    settle(channel)
    assert channel.counters.auth_failures == 3


def test_a_peer_that_never_reads_is_still_read_at_full_speed(channel: Channel) -> None:
    # 20,000 refused frames whose error answers are never read (~3 MB of answers, far
    # more than the socket buffers hold): the kernel must keep reading, so the `ready`
    # sent last is handled. Before, the read loop waited on the unread answers forever.
    ws = authed(channel)

    def flood() -> None:
        # On a thread: if the kernel stops reading, these sends block, and the wait
        # below fails after its timeout instead of the test hanging.
        try:
            for i in range(20_000):
                ws.send(f"garbage {i}")
            ws.send(json.dumps({"v": 1, "type": "ready", "applet": {"version": "t"}}))
        except (ConnectionClosed, OSError):  # the socket shut down below
            pass

    sender = threading.Thread(target=flood, daemon=True)
    sender.start()
    try:
        channel.wait_ready(ready_timeout=60, connect_timeout=60)
    finally:
        if sender.is_alive():
            # The raw socket, not ws.close(): that would wait for the blocked send.
            ws.socket.shutdown(socket.SHUT_RDWR)
        sender.join(10)
    assert channel.counters.malformed == 20_000
    assert channel.counters.answers_dropped > 0
    assert channel.peers == 1
    drop(ws)


def test_answer_backlog_stays_below_the_write_high_water_mark() -> None:
    # websockets pauses writing (and so our read loop) past 32 KiB unsent.
    assert ANSWER_BACKLOG < 32 * 1024


# --- finding 6: logs flood the notebook --------------------------------------------------


def test_refusals_log_a_few_lines_without_tracebacks(channel: Channel,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    ws = authed(channel)
    with caplog.at_level(logging.DEBUG, logger="ggbmagic"):
        for i in range(2_000):
            ws.send(f"bad {i}")
        # Handled after all of them (the answers are not read: some are dropped).
        ws.send(json.dumps({"v": 1, "type": "ready", "applet": {}}))
        channel.wait_ready(30, 30)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert 1 <= len(warnings) <= 4
    assert all(r.exc_info is None for r in warnings)
    assert channel.counters.malformed == 2_000
    drop(ws)


# --- finding 8: event batches ------------------------------------------------------------


@pytest.mark.parametrize("bad", [
    {"type": "add", "target": 5, "argument": None, "time": 1.0},
    {"type": "add", "target": "B", "argument": None, "time": "soon"},
    {"type": 3, "target": "B"},
    "not an event",
], ids=["numeric target", "text time", "numeric type", "not an object"])
def test_a_bad_event_refuses_the_whole_batch(channel: Channel, bad: Any) -> None:
    seen: list[Any] = []
    channel.add_event_sink(seen.append)
    ws = authed(channel)
    ws.send(json.dumps({"v": 1, "type": "event", "events": [
        {"type": "add", "target": "A", "argument": None, "time": 1.0}, bad]}))
    answer = json.loads(ws.recv(timeout=10))
    assert answer["code"] == "malformed" and "event #1" in answer["message"]
    assert channel.events.snapshot() == []
    assert seen == []
    assert channel.counters.events == 0
    ws.close()


# --- finding 9 and issue 12: the loopback (TCP) transport, on POSIX too ------------------


def test_transport_choice_from_the_environment() -> None:
    assert tcp_from_environment({}, "posix") is False
    assert tcp_from_environment({"GGBMAGIC_TRANSPORT": "unix"}, "posix") is False
    assert tcp_from_environment({"GGBMAGIC_TRANSPORT": " TCP "}, "posix") is True
    assert tcp_from_environment({"GGBMAGIC_TRANSPORT": "unix"}, "nt") is True


def test_the_loopback_channel_works_and_writes_a_private_port_file(tmp_path: Path) -> None:
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing,
                 use_tcp=True)
    ch.start()
    try:
        port_file = port_file_path(KERNEL_ID, tmp_path)
        assert ch.socket_path is None and ch.port is not None
        assert port_file.read_text() == str(ch.port)
        assert stat.S_IMODE(port_file.stat().st_mode) == 0o600
        with connect(f"ws://127.0.0.1:{ch.port}/") as ws:
            ws.send(json.dumps({"v": 1, "type": "hello", "token": "wrong"}))
            assert close_code(ws) == 4001
        with connect(f"ws://127.0.0.1:{ch.port}/") as ws:
            ws.send(json.dumps({"v": 1, "type": "hello", "token": ch.token}))
            assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
            ws.send(json.dumps({"v": 1, "type": "ready", "applet": {}}))
            ch.wait_ready(5, 5)
    finally:
        ch.stop()
    assert not port_file.exists()


def test_the_loopback_port_has_the_same_pre_hello_limits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows any local user can reach the port: the same limits as the socket.
    monkeypatch.setattr(oob, "MAX_UNAUTHENTICATED", 8)
    monkeypatch.setattr(oob, "PROTECTED_AGE", -1.0)
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing,
                 use_tcp=True)
    ch.start()
    url = f"ws://127.0.0.1:{ch.port}/"
    try:
        with connect(url) as ws:
            ws.send("x" * (protocol.PRE_HELLO_MAX_FRAME_BYTES + 1))
            assert close_code(ws) == 1009
        waiting = [connect(url).__enter__() for _ in range(9)]
        assert close_code(waiting[0]) == 1013
        for ws in waiting[1:]:
            ws.close()
    finally:
        ch.stop()


def test_the_port_file_is_created_never_followed(tmp_path: Path) -> None:
    # O_EXCL: a link planted where the port file goes is not written through.
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    port_file = port_file_path(KERNEL_ID, tmp_path)
    port_file.parent.mkdir(mode=0o700)
    port_file.symlink_to(victim)
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing,
                 use_tcp=True)
    ch.start()
    try:
        assert victim.read_text() == "precious"
        assert not port_file.is_symlink()
        assert port_file.read_text() == str(ch.port)
    finally:
        ch.stop()


def test_the_listener_proves_itself_to_the_relay(channel: Channel) -> None:
    assert channel.socket_path is not None
    challenge = "c0ffee" * 4
    with unix_connect(str(channel.socket_path),
                      additional_headers={protocol.RELAY_CHALLENGE_HEADER: challenge}) as ws:
        assert ws.response is not None
        proof = ws.response.headers.get(protocol.RELAY_PROOF_HEADER)
    assert proof == protocol.relay_proof(KEY, KERNEL_ID, challenge)
    # Without a challenge there is nothing to prove.
    with unix_connect(str(channel.socket_path)) as ws:
        assert ws.response is not None
        assert protocol.RELAY_PROOF_HEADER not in ws.response.headers


def test_a_stale_socket_of_the_same_kernel_is_replaced(tmp_path: Path) -> None:
    first = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing)
    first.start()
    assert first.socket_path is not None
    path = first.socket_path
    # Simulate a kernel that died: its socket file stays, nobody listens.
    first._server._remove_files = lambda: None  # type: ignore[method-assign]
    first.stop()
    assert path.exists()
    second = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=nothing, hello=nothing)
    second.start()
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(path))  # listening again
    finally:
        second.stop()


def test_several_clients_each_get_their_own_answers_in_order(channel: Channel) -> None:
    # Many clients, each refusing frames and sending heartbeats: every client gets its
    # own answers, in order.
    errors: list[BaseException] = []

    def client(n: int) -> None:
        try:
            ws = authed(channel)
            for i in range(50):
                ws.send("bad")
                assert json.loads(ws.recv(timeout=10))["type"] == "error"
                ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": n * 1000 + i}))
                assert json.loads(ws.recv(timeout=10))["time"] == n * 1000 + i
            ws.close()
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert channel.counters.malformed == 200
