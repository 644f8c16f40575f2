"""The widget's kernel side with a Python stand-in for the browser: the loopback socket's
locks (Origin, token, pre-hello bound), a request answered inside a call, and the
after-the-cell mode fed through the widget's custom messages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from ggbmagic import protocol
from ggbmagic.widget import GeoGebraWidget
from ggbmagic.widget.doctor import WidgetDoctor
from ggbmagic.widget.link import FRAME_KEY
from ggbmagic.widget.origins import origin_allowed
from ggbmagic.widget.pending import AfterTheCellError, PendingResult

LOCAL = "http://127.0.0.1:2718"


@pytest.fixture
def ggb(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[GeoGebraWidget]:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    w = GeoGebraWidget()
    sent: list[dict[str, Any]] = []
    w.sent = sent  # type: ignore[attr-defined]
    w.widget.send = lambda msg, buffers=None: sent.append(msg)
    yield w
    w.close()


def _url(ggb: GeoGebraWidget) -> str:
    return f"ws://127.0.0.1:{ggb.widget.loopback_port}/"


def _hello(ws: ClientConnection, token: str) -> dict[str, Any]:
    ws.send(json.dumps({"v": 1, "type": "hello", "token": token, "client": "test"}))
    return dict(json.loads(ws.recv(timeout=10)))


@pytest.mark.parametrize(("origin", "allowed"), [
    (None, True), ("http://127.0.0.1:2718", True), ("http://localhost:8888", True),
    ("http://[::1]:8888", True), ("https://lab.localhost", True),
    ("vscode-webview://abc123", True), ("https://evil.example", False),
    ("http://127.0.0.1.evil.example", False), ("null", False), ("file://", False),
    ("http://localhost:99999", False), ("http://notebook.test:2718", False),
])
def test_which_origins_may_open_the_loopback_socket(origin: str | None, allowed: bool) -> None:
    assert origin_allowed(origin) is allowed


def test_a_foreign_origin_is_refused_before_the_token(ggb: GeoGebraWidget) -> None:
    with pytest.raises(InvalidStatus) as info:
        connect(_url(ggb), origin="https://evil.example", open_timeout=10)  # type: ignore[arg-type]
    assert info.value.response.status_code == 403
    assert ggb.channel.counters.auth_failures == 1
    assert ggb.mode == "not connected"


def test_a_wrong_token_is_closed_with_4001(ggb: GeoGebraWidget) -> None:
    with connect(_url(ggb), origin=LOCAL, open_timeout=10) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"v": 1, "type": "hello", "token": "wrong", "client": "t"}))
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=15)
    assert info.value.rcvd is not None and info.value.rcvd.code == 4001
    assert ggb.mode == "not connected"


def test_a_first_frame_over_the_pre_hello_bound_is_closed(ggb: GeoGebraWidget) -> None:
    with connect(_url(ggb), origin=LOCAL, open_timeout=10, max_size=None) as ws:  # type: ignore[arg-type]
        ws.send("x" * (protocol.PRE_HELLO_MAX_FRAME_BYTES + 1))
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=15)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1009


def test_loopback_answers_arrive_inside_the_call(ggb: GeoGebraWidget) -> None:
    with connect(_url(ggb), origin=LOCAL, open_timeout=10) as ws:  # type: ignore[arg-type]
        assert _hello(ws, ggb.widget.token)["type"] == "welcome"
        ws.send(json.dumps({"v": 1, "type": "ready",
                            "applet": {"version": "t", "appName": "classic"}}))

        def browser() -> None:
            # Answer the one request the kernel sends through the widget's messages.
            while not ggb.sent:  # the kernel sends from the calling thread, soon
                threading.Event().wait(0.01)
            req = ggb.sent[-1]
            ws.send(json.dumps({"v": 1, "type": "reply", "id": req["id"], "ok": True,
                                "result": 42}))

        t = threading.Thread(target=browser)
        t.start()
        assert ggb.call("getValue", "a") == 42
        t.join(10)
        assert ggb.mode == "loopback"
        assert "the page reached 127.0.0.1" in repr(WidgetDoctor("loopback", 1))


def _frame(ggb: GeoGebraWidget, msg: dict[str, Any]) -> None:
    ggb._link.on_msg(ggb.widget, {FRAME_KEY: json.dumps(msg)})


def test_after_the_cell_commands_pend_and_values_say_why(ggb: GeoGebraWidget) -> None:
    _frame(ggb, {"v": 1, "type": "hello", "token": "wrong", "client": "t"})
    assert ggb.mode == "not connected" and ggb._link.refused == 1
    _frame(ggb, {"v": 1, "type": "hello", "token": ggb.widget.token, "client": "t"})
    _frame(ggb, {"v": 1, "type": "ready", "applet": {"version": "t", "appName": "classic"}})
    assert ggb.mode == "after-the-cell"
    pending = ggb.command("A = (1, 2)")
    assert isinstance(pending, PendingResult) and not pending.done()
    assert "after-the-cell" in repr(pending)
    with pytest.raises(AfterTheCellError, match="has not arrived yet"):
        pending.result()
    # Between cells the answer arrives through the widget's messages.
    obj = {"name": "A", "type": "point", "value": "A = (1, 2)", "definition": "",
           "command": "", "defined": True, "visible": True, "x": 1.0, "y": 2.0}
    _frame(ggb, {"v": 1, "type": "reply", "id": ggb.sent[-1]["id"], "ok": True,
                 "result": {"ok": True, "labels": ["A"], "objects": [obj]}})
    assert pending.done() and pending.result().labels == ["A"]
    with pytest.raises(AfterTheCellError, match=r"only between cells.*ggb.watch"):
        ggb.value("A")
    # A watched value is read from the widget's state instead.
    ggb.widget.values = {"d": {"value": 5.0, "text": "d = 5"}}
    assert ggb.value("d") == 5.0
    assert ggb.status().state == "after-the-cell"
    doctor = repr(ggb.doctor())
    assert "after-the-cell" in doctor and "not served from this machine" in doctor, doctor


def test_the_mimebundle_carries_the_picture_the_page_kept(ggb: GeoGebraWidget) -> None:
    # nbconvert, GitHub and notebook viewers show image/png where no widget renders.
    data, _ = ggb._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data and "image/png" not in data
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBl"
           "CwAAAABJRU5ErkJggg==")
    ggb.widget.png = png
    assert ggb._repr_mimebundle_()[0]["image/png"] == png
    ggb.widget.png = "PHN2Zz48L3N2Zz4="  # not a PNG: never passed on as one
    assert "image/png" not in ggb._repr_mimebundle_()[0]
