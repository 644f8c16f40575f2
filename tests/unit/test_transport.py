"""The transport ladder without a browser: a real Channel with its real OOB socket
thread, links plugged in as another shell would (transport/link.py), the up-comm
handlers fed comm messages as ipykernel delivers them, and the doctor's table."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import unix_connect

from ggbmagic import protocol
from ggbmagic.applet import DefaultSettings, GeoGebra
from ggbmagic.channel import Channel, ChannelState
from ggbmagic.errors import AfterCellError, GgbTimeoutError
from ggbmagic.transport.doctor import DoctorFacts, diagnose
from ggbmagic.transport.link import Link, LinkPath
from ggbmagic.transport.upcomm import UpComms

KERNEL_ID = "0b5c9e7e-1111-4222-8333-944455556677"


class FakeLink:
    """A link as another shell (a widget) would plug in; records what it carried."""

    def __init__(self, path: LinkPath, carries: bool = True) -> None:
        self.path = path
        self.answers_during_cell = path is not LinkPath.AFTER_CELL
        self.carries = carries
        self.sent: list[str] = []

    def send_text(self, text: str) -> bool:
        if self.carries:
            self.sent.append(text)
        return self.carries

    def describe(self) -> str:
        return f"fake {self.path}"


@pytest.fixture
def comm_sent() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def channel(tmp_path: Path, comm_sent: list[dict[str, Any]]) -> Iterator[Channel]:
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=tmp_path, send=comm_sent.append,
                 hello=lambda: None)
    ch.start()
    try:
        yield ch
    finally:
        ch.stop()


def frame(**fields: Any) -> str:
    return json.dumps({"v": 1, **fields})


def test_a_fake_link_is_a_link() -> None:
    assert isinstance(FakeLink(LinkPath.LOOPBACK), Link)


def test_best_link_by_rank_and_requests_go_on_it(channel: Channel,
                                                  comm_sent: list[dict[str, Any]]) -> None:
    after = FakeLink(LinkPath.AFTER_CELL, carries=False)
    sub = FakeLink(LinkPath.SUBSHELL, carries=False)
    loop = FakeLink(LinkPath.LOOPBACK)
    assert channel.path is None and not channel.answers_during_cell()
    channel.link_up(after)
    assert channel.path is LinkPath.AFTER_CELL and not channel.answers_during_cell()
    channel.link_up(sub)
    assert channel.path is LinkPath.SUBSHELL and channel.answers_during_cell()
    # The subshell link cannot carry requests: they go on the comm.
    fut = channel.submit(protocol.ping("r1"))
    assert comm_sent[-1]["id"] == "r1"
    channel.receive(sub, frame(type="reply", id="r1", ok=True, result={"objects": 3}))
    assert fut.result(1) == {"objects": 3}
    # A loopback link outranks the subshell and carries the request itself.
    channel.link_up(loop)
    before = len(comm_sent)
    fut = channel.submit(protocol.ping("r2"))
    assert len(comm_sent) == before and json.loads(loop.sent[-1])["id"] == "r2"
    channel.receive(loop, frame(type="reply", id="r2", ok=True, result=1))
    assert fut.result(1) == 1
    channel.link_down(loop)
    channel.link_down(sub)
    assert channel.path is LinkPath.AFTER_CELL


def test_a_timeout_names_the_path_it_waited_on(channel: Channel) -> None:
    channel.link_up(FakeLink(LinkPath.SUBSHELL, carries=False))
    with pytest.raises(GgbTimeoutError, match="on the subshell path"):
        channel.request(protocol.ping(), 0.05)


def test_requests_over_the_open_socket(channel: Channel,
                                        comm_sent: list[dict[str, Any]]) -> None:
    assert channel.socket_path is not None
    with unix_connect(str(channel.socket_path)) as ws:
        ws.send(frame(type="hello", token=channel.token))
        assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
        # Before the page says it takes requests on the socket, they go on the comm.
        channel.submit(protocol.ping("c1"))
        assert comm_sent[-1]["id"] == "c1"
        ws.send(frame(type="ladder", path="relay", requests=True, relay=""))
        # The ladder frame is handled on the socket thread; wait for its effect.
        deadline = threading.Event()
        for _ in range(100):
            if channel.links and getattr(channel.links[0], "carries_requests", False):
                break
            deadline.wait(0.02)
        before = len(comm_sent)
        fut = channel.submit(protocol.ping("s1"))
        got = json.loads(ws.recv(timeout=5))
        assert got["type"] == "ping" and got["id"] == "s1" and len(comm_sent) == before
        ws.send(frame(type="reply", id="s1", ok=True, result={"objects": 0}))
        assert fut.result(5) == {"objects": 0}
        assert channel.path is LinkPath.RELAY
        assert channel.ladder["path"] == "relay"


def test_after_cell_commands_defer_and_values_raise_at_once(channel: Channel) -> None:
    channel.link_up(FakeLink(LinkPath.AFTER_CELL, carries=False))
    channel.ladder = {"relay": "HTTP 503: no local connection file",
                      "comms_over_subshells": "disabled", "supports_subshells": True}
    ggb = GeoGebra(channel, settings=DefaultSettings(timeout=0.5, connect_timeout=0.5))
    with pytest.raises(AfterCellError, match=r"ggb.value\('d'\).*after-cell path.*disabled"):
        ggb.value("d")
    with pytest.raises(AfterCellError, match="Split the cell"):
        ggb.call("getValue", "d")
    assert channel.pending == 0  # nothing was sent for them
    assert channel.state is ChannelState.CONNECTED  # no wait for `ready` either


def test_after_cell_placeholder_is_updated_with_the_answer(
        channel: Channel, comm_sent: list[dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from IPython import display as ipd

    shown: list[tuple[str, Any, str]] = []
    monkeypatch.setattr(ipd, "display",
                        lambda obj, display_id: shown.append(("display", obj, display_id)))
    monkeypatch.setattr(ipd, "update_display",
                        lambda obj, display_id: shown.append(("update", obj, display_id)))
    link = FakeLink(LinkPath.AFTER_CELL, carries=False)
    channel.link_up(link)
    ggb = GeoGebra(channel, settings=DefaultSettings(timeout=0.5, connect_timeout=0.5))
    deferred = ggb.command("A = (1, 2)")
    assert shown[0][0] == "display" and "after-cell" in shown[0][1].text
    request = comm_sent[-1]
    assert request["type"] == "command" and not deferred.done()
    result = {"labels": ["A"], "objects": [{"name": "A", "type": "point", "value": "A = (1, 2)",
                                            "x": 1.0, "y": 2.0}], "ok": True}
    channel.receive(link, frame(type="reply", id=request["id"], ok=True, result=result))
    assert deferred.done() and deferred.value().labels == ["A"]
    kind, obj, display_id = shown[-1]
    assert kind == "update" and display_id == shown[0][2] and obj.labels == ["A"]
    # A refused command becomes the error text in the same output.
    bad = ggb.command("Foo(")
    request = comm_sent[-1]
    channel.receive(link, frame(type="reply", id=request["id"], ok=True,
                                result={"labels": [], "objects": [], "ok": False,
                                        "error": "Unbalanced brackets"}))
    kind, obj, _ = shown[-1]
    assert kind == "update" and "could not run 'Foo('" in obj.text and bad.done()


class FakeComm:
    _n = 0

    def __init__(self) -> None:
        FakeComm._n += 1
        self.comm_id = f"c{FakeComm._n}"
        self.closed = False
        self.msg_cb: Any = None
        self.close_cb: Any = None

    def on_msg(self, cb: Any) -> None:
        self.msg_cb = cb

    def on_close(self, cb: Any) -> None:
        self.close_cb = cb

    def close(self) -> None:
        self.closed = True


def comm_msg(text: str, subshell: str | None) -> dict[str, Any]:
    header = {"msg_type": "comm_msg"} | ({"subshell_id": subshell} if subshell else {})
    return {"header": header, "content": {"data": {"f": text}}}


@pytest.mark.parametrize(("subshell", "path"), [("sub-1", LinkPath.SUBSHELL),
                                                (None, LinkPath.AFTER_CELL)])
def test_up_comm_path_comes_from_the_message_header(channel: Channel, subshell: str | None,
                                                    path: LinkPath) -> None:
    up = UpComms(channel, lambda: channel.token, lambda: channel.max_frame_bytes)
    comm = FakeComm()
    up._on_open(comm, comm_msg(frame(type="hello", token=channel.token), subshell))
    assert channel.path is path and not comm.closed
    comm.msg_cb(comm_msg(frame(type="ready", applet={"version": "t"}), subshell))
    assert channel.state is ChannelState.READY
    comm.close_cb({})
    assert channel.path is None and channel.state is ChannelState.DISCONNECTED


def test_up_comm_refuses_a_wrong_token(channel: Channel) -> None:
    up = UpComms(channel, lambda: channel.token, lambda: channel.max_frame_bytes)
    comm = FakeComm()
    up._on_open(comm, comm_msg(frame(type="hello", token="wrong"), "sub-1"))
    assert comm.closed and up.refused == 1 and channel.path is None


ROWS: list[tuple[DoctorFacts, dict[str, str], str]] = [
    (DoctorFacts(path=LinkPath.RELAY, kernel_subshells=True, ipykernel="7.4.0",
                 browser={"path": "relay", "relay": ""}, rtt_ms=1.2),
     {"relay": "in use", "subshell": "not needed", "after-cell": "not needed"}, ""),
    (DoctorFacts(path=LinkPath.SUBSHELL, kernel_subshells=True, ipykernel="7.4.0",
                 browser={"path": "subshell", "relay": "HTTP 503: no local connection file",
                          "comms_over_subshells": "perCommTarget"}),
     {"relay": "unavailable", "subshell": "in use", "after-cell": "not needed"}, "gateway"),
    (DoctorFacts(path=LinkPath.AFTER_CELL, kernel_subshells=True, ipykernel="7.4.0",
                 browser={"path": "after-cell", "relay": "HTTP 503",
                          "comms_over_subshells": "disabled"}),
     {"relay": "unavailable", "subshell": "unavailable", "after-cell": "in use"},
     "Kernel Comms over subshells"),
    (DoctorFacts(path=LinkPath.AFTER_CELL, kernel_subshells=False, ipykernel="6.29.5",
                 browser={"path": "after-cell", "relay": "HTTP 503",
                          "comms_over_subshells": "perCommTarget"}),
     {"relay": "unavailable", "subshell": "unavailable", "after-cell": "in use"},
     "ipykernel>=7"),
    (DoctorFacts(path=None, kernel_subshells=True, ipykernel="7.4.0"),
     {"relay": "unknown", "subshell": "unknown", "after-cell": "—"}, "%ggb --open"),
]


@pytest.mark.parametrize(("facts", "verdicts", "fix"), ROWS)
def test_doctor_table(facts: DoctorFacts, verdicts: dict[str, str], fix: str) -> None:
    rows = diagnose(facts)
    assert {r.path: r.verdict for r in rows} == verdicts
    assert fix in " ".join(r.fix + r.why for r in rows)


def test_a_new_page_comm_replaces_the_stale_one(channel: Channel) -> None:
    up = UpComms(channel, lambda: channel.token, lambda: channel.max_frame_bytes)
    old, new = FakeComm(), FakeComm()
    up._on_open(old, comm_msg(frame(type="hello", token=channel.token), "sub-1"))
    up._on_open(new, comm_msg(frame(type="hello", token=channel.token), "sub-2"))
    assert old.closed and not new.closed and len(channel.links) == 1
