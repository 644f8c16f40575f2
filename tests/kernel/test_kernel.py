"""End-to-end on the kernel side: a real ipykernel (jupyter_client) and a Python client
that plays the browser over the real comm (IOPub) and the real OOB Unix socket."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import unix_connect

from tests.results import assert_created, point

from .client import KernelSession

pytestmark = pytest.mark.kernel


@pytest.fixture
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rt")


@pytest.fixture
def session(runtime: Path) -> Iterator[KernelSession]:
    s = KernelSession(runtime)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def loaded(session: KernelSession) -> KernelSession:
    session.ok("%load_ext ggbmagic")
    # The cell ends once the comm is open; the browser connects right after.
    assert session.player.connected.wait(10), "the browser player did not connect"
    return session


def test_load_and_commands_in_the_same_cell(session: KernelSession) -> None:
    ex = session.ok(
        "%load_ext ggbmagic\n"
        "%ggb A = (1, 2)\n"
        "%ggb B = (4, 6)\n"
        "r = %ggb d = Distance(A, B)\n"
        "print(r.labels, r['d']['number'])"
    )
    assert ex.stdout.strip() == "['d'] 5.0"
    texts = [m["text"] for m in session.player.received if m["type"] == "command"]
    assert texts == ["A = (1, 2)", "B = (4, 6)", "d = Distance(A, B)"]


def test_reply_arrives_while_the_cell_blocks(loaded: KernelSession) -> None:
    # The whole exchange happens inside one blocking cell, which cannot end before it
    # has the answer: a reply that waited for the cell to end would be a timeout error.
    ex = loaded.ok(
        "ggb.command('A = (0, 0)'); ggb.command('B = (3, 4)')\n"
        "print(ggb.command('d = Distance(A, B)', timeout=30)['d']['number'])"
    )
    assert ex.stdout.split() == ["5.0"]


def test_line_magic_result_repr(loaded: KernelSession) -> None:
    ex = loaded.ok("%ggb A = (1, 2)")
    (plain,) = ex.data("text/plain")
    (html,) = ex.data("text/html")
    assert "A = (1, 2)" in plain and "point" in plain
    assert "A = (1, 2)" in html and "<pre" in html and "\x1b[" not in html


def test_thousand_line_script_is_one_round_trip(loaded: KernelSession) -> None:
    body = "\n".join(f"P{i} = ({i}, {i + 1})" for i in range(1000))
    ex = loaded.ok(f"%%ggb -q -o res\n{body}")
    assert ex.data() == []  # -q: nothing displayed
    ex = loaded.ok("print(len(res), res.ok, res.labels[-1])")
    assert ex.stdout.split() == ["1000", "True", "P999"]
    kinds = [m["type"] for m in loaded.player.received if m["type"] != "hello"
             and not (m["type"] == "call" and m["method"] == "getBase64")]
    assert kinds == ["batch"]
    batch = [m for m in loaded.player.received if m["type"] == "batch"]
    assert len(batch[0]["lines"]) == 1000


def test_failing_line_is_named_and_nothing_is_lost(loaded: KernelSession) -> None:
    ex = loaded.execute("%%ggb -o res\nA = (1, 2)\n# a comment\nbogus(A\nB = (3, 4)")
    assert ex.error is not None and ex.error["ename"] == "UsageError"
    assert "line 3" in ex.error["evalue"] and "bogus(A" in ex.error["evalue"]
    # The lines that ran are shown and stored; the line after the failure did not run.
    assert any("A = (1, 2)" in text for text in ex.data())
    ex = loaded.ok("print(len(res), [l['line'] for l in res.failed], ggb.exists('B'))")
    assert ex.stdout.split() == ["2", "[3]", "False"]


def test_continue_runs_every_line(loaded: KernelSession) -> None:
    ex = loaded.ok("%%ggb --continue -o res\nA = (1, 2)\nbogus(\nB = (3, 4)")
    assert "1 line(s) failed: 2" in ex.stderr
    ex = loaded.ok("print(ggb.exists('B'), res.ok)")
    assert ex.stdout.split() == ["True", "False"]


def test_python_values_enter_through_double_braces(loaded: KernelSession) -> None:
    loaded.ok("r = 3\nimport numpy as np")
    loaded.ok("%ggb P = {{(r, r + 1)}}")
    loaded.ok("%%ggb\nQ = {{(np.float64(0.5), -r)}}\nk = {{r * 2}}")
    loaded.execute("%ggb L = {3, 1, 2}")  # GeoGebra's own braces: untouched
    texts = [m.get("text") for m in loaded.player.received if m["type"] == "command"]
    lines = [line["text"] for m in loaded.player.received if m["type"] == "batch"
             for line in m["lines"]]
    assert texts == ["P = (3, 4)", "L = {3, 1, 2}"]
    assert lines == ["Q = (0.5, -3)", "k = 6"]


def test_interpolation_error_is_a_usage_error(loaded: KernelSession) -> None:
    ex = loaded.execute("%ggb P = {{undefined_name}}")
    assert ex.error is not None and ex.error["ename"] == "UsageError"
    assert "undefined_name" in ex.error["evalue"]
    assert not [m for m in loaded.player.received if m["type"] == "command"]


def test_timeout_when_the_browser_stops_answering(loaded: KernelSession) -> None:
    loaded.ok("%ggb A = (1, 2)")
    loaded.player.answer = False
    start = time.monotonic()
    ex = loaded.execute("%ggb --timeout 0.5 B = (1, 2)")
    elapsed = time.monotonic() - start
    assert ex.error is not None and "did not answer within 0.5 s" in ex.error["evalue"]
    assert elapsed < 5
    loaded.player.answer = True
    ex = loaded.ok("%ggb C = (5, 5)")
    assert_created(ex.data()[0], *point("C", 5, 5))


def test_socket_is_private_and_unload_removes_it(loaded: KernelSession) -> None:
    sock = loaded.player.socket
    mode = sock.stat().st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    assert stat.S_IMODE(sock.parent.stat().st_mode) == 0o700
    assert loaded.player.hello is not None and len(loaded.player.hello["token"]) >= 32
    loaded.ok("%unload_ext ggbmagic")
    assert not sock.exists()
    ex = loaded.execute("%ggb A = (1, 2)")
    assert ex.error is not None and "%load_ext ggbmagic" in ex.error["evalue"]
    # Loading again works (a new socket, a new token).
    old_token = loaded.player.hello["token"]
    loaded.player.disconnect()
    loaded.ok("%load_ext ggbmagic")
    assert loaded.player.connected.wait(10)
    ex = loaded.ok("%ggb A = (1, 2)")
    assert loaded.player.hello["token"] != old_token
    assert sock.exists()


def test_wrong_token_is_refused(loaded: KernelSession) -> None:
    for first in (json.dumps({"v": 1, "type": "hello", "token": "x" * 43}),
                  json.dumps({"v": 1, "type": "ready", "applet": {}}),
                  "not json"):
        with unix_connect(str(loaded.player.socket)) as ws:
            ws.send(first)
            with pytest.raises(ConnectionClosed) as info:
                ws.recv(timeout=5)
        assert info.value.rcvd is not None and info.value.rcvd.code == 4001
    ex = loaded.ok("print(ggb.channel.counters.auth_failures)")
    assert ex.stdout.strip() == "3"
    loaded.ok("%ggb A = (1, 2)")  # the real browser is unaffected


def test_malformed_and_oversized_frames_are_refused_and_counted(loaded: KernelSession) -> None:
    loaded.ok("%config GgbMagics.max_frame_bytes = 4096\n%ggb A = (1, 2)")
    player = loaded.player
    player.send_raw("this is not json")
    player.send_raw(json.dumps({"v": 1, "type": "reply", "id": "x", "ok": True,
                                "result": "y" * 10_000}))
    player.send_raw(json.dumps({"v": 99, "type": "ready", "applet": {}}))
    player.send_raw(json.dumps({"v": 1, "type": "teleport"}))
    player.send_raw(json.dumps({"v": 1, "type": "reply", "id": "nobody-waits", "ok": True}))
    # The kernel keeps working through the same connection.
    ex = loaded.ok("%ggb B = (3, 4)")
    assert_created(ex.data()[0], *point("B", 3, 4))
    ex = loaded.ok("c = ggb.channel.counters\n"
                   "print(c.malformed, c.frame_too_large, c.bad_version, c.unknown_type, "
                   "c.unknown_ids)")
    assert ex.stdout.split() == ["1", "1", "1", "1", "1"]
    codes = [f["code"] for f in player.oob_frames if f["type"] == "error"]
    assert codes == ["malformed", "frame_too_large", "bad_version", "unknown_type"]
    too_large = next(f for f in player.oob_frames if f.get("code") == "frame_too_large")
    assert "4096" in too_large["message"]


def test_concurrent_requests_never_cross(loaded: KernelSession) -> None:
    ex = loaded.ok(
        "import threading\n"
        "bad = []\n"
        "def worker(t):\n"
        "    for i in range(500):\n"
        "        r = ggb.call('echo', t, i, timeout=30)\n"
        "        if r != {'echo': [t, i]}: bad.append((t, i, r))\n"
        "threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(len(bad), ggb.channel.pending, ggb.channel.counters.unknown_ids)",
        timeout=240,
    )
    assert ex.stdout.split() == ["0", "0", "0"]
    # (The kernel's copies of the construction after a cell, getBase64, are not counted.)
    calls = [m for m in loaded.player.received if m["type"] == "call" and m["method"] == "echo"]
    assert len(calls) == 4000 and len({m["id"] for m in calls}) == 4000
    assert loaded.player.answered == loaded.player.arrived


def test_the_stand_in_answers_one_request_at_a_time_in_order(runtime: Path) -> None:
    # Like the bridge: a slow request holds up the ones behind it, and nothing overtakes.
    s = KernelSession(runtime, delay=0.05)
    try:
        s.ok("%load_ext ggbmagic")
        ex = s.ok("import threading\n"
                  "out = []\n"
                  "def ask(i): out.append(ggb.call('echo', i, timeout=30))\n"
                  "ts = [threading.Thread(target=ask, args=(i,)) for i in range(6)]\n"
                  "[t.start() for t in ts]; [t.join() for t in ts]\n"
                  "print(len(out))")
        assert ex.stdout.strip() == "6"
        assert s.player.max_busy == 1
        echoes = {m["id"] for m in s.player.received
                  if m["type"] == "call" and m["method"] == "echo"}
        assert len(echoes) == 6 and echoes <= set(s.player.arrived)
        assert s.player.answered == s.player.arrived
    finally:
        s.close()


def test_the_stand_in_fails_on_a_malformed_comm_message(loaded: KernelSession) -> None:
    # The stand-in is the only browser these tests have: a kernel that sent something
    # the real bridge would refuse must not pass unnoticed.
    with pytest.raises(AssertionError, match=r"unknown type 'teleport'"):
        loaded.execute("ggb.channel.notify({'v': 1, 'type': 'teleport'})")
    with pytest.raises(AssertionError, match=r"command without a valid 'text'"):
        loaded.execute("ggb.channel.notify({'v': 1, 'type': 'command', 'id': 'x'})")
    loaded.ok("%ggb A = (1, 2)")  # nothing left over


def test_the_stand_in_fails_on_a_malformed_oob_frame(loaded: KernelSession) -> None:
    ex = loaded.execute("import asyncio\n"
                        "ch = ggb.channel\n"
                        "[asyncio.run_coroutine_threadsafe(p.send('{\"v\": 1}'), p.loop)"
                        ".result(5) for p in list(ch._relay_links)]", check=False)
    assert ex.error is None
    loaded.player.sync()  # the bad frame came before the pong on the same socket
    with pytest.raises(AssertionError, match=r"OOB frame from the kernel: unknown type None"):
        loaded.assert_no_problems()


def test_events_are_stored_shown_and_call_back_on_the_main_thread(
        loaded: KernelSession) -> None:
    loaded.ok(
        "import threading\n"
        "seen = []\n"
        "def cb(e):\n"
        "    seen.append((e['type'], e['target'], e['seq'], threading.current_thread().name))\n"
        "def broken(e):\n"
        "    raise RuntimeError('callback bug')\n"
        "ggb.on('update', broken)\n"
        "ggb.on('update', cb, target='A')\n"
    )
    loaded.player.events({"type": "add", "target": "A"},
                         {"type": "update", "target": "A", "value": "A = (2, 3)"},
                         {"type": "update", "target": "B", "value": "B = (0, 0)"},
                         {"type": "dragEnd", "target": "A"},
                         {"type": "update", "target": "A", "value": "A = (4, 5)"})
    loaded.player.sync()  # the kernel has stored them and posted the callbacks
    ex = loaded.ok("print(seen)")
    assert ex.stdout.strip() == (
        "[('update', 'A', 2, 'MainThread'), ('update', 'A', 5, 'MainThread')]")
    ex = loaded.ok("%ggb_events --type update --tail 2 -o ev")
    (plain,) = ex.data()
    assert "B = (0, 0)" in plain and "A = (4, 5)" in plain and "A = (2, 3)" not in plain
    ex = loaded.ok("print([e['seq'] for e in ev], ggb.off(cb), ggb.off())")
    assert ex.stdout.split("]")[0] == "[3, 5"
    assert ex.stdout.split("]")[1].split() == ["1", "1"]
    ex = loaded.ok("%ggb_events --clear")
    assert "cleared the 5 stored event(s)" in ex.stdout and ex.data() == []
    assert loaded.ok("print(len(ggb.events))").stdout.strip() == "0"


def test_callback_errors_are_shown_and_do_not_stop_later_events(
        loaded: KernelSession) -> None:
    loaded.ok("calls = []\n"
              "def broken(e):\n"
              "    calls.append(e['seq'])\n"
              "    raise RuntimeError('callback bug ' + str(e['seq']))\n"
              "ggb.on('add', broken)")
    loaded.player.events({"type": "add", "target": "A"}, {"type": "add", "target": "B"})
    loaded.player.sync()
    ex = loaded.ok("print(calls)")
    assert ex.stdout.strip() == "[1, 2]"


def test_no_frontend_gives_a_clear_error(runtime: Path) -> None:
    s = KernelSession(runtime, connect_on_hello=False)
    try:
        start = time.monotonic()
        ex = s.execute("%load_ext ggbmagic\n%config GgbMagics.connect_timeout = 1\n"
                       "%ggb A = (1, 2)")
        assert time.monotonic() - start < 10
        assert ex.error is not None and ex.error["ename"] == "UsageError"
        assert "No GeoGebra panel connected within 1 s" in ex.error["evalue"]
        assert "jupyter labextension list" in ex.error["evalue"]
    finally:
        s.close()


def test_closed_panel_says_how_to_reopen(loaded: KernelSession) -> None:
    loaded.ok("%ggb A = (1, 2)")
    loaded.player.send({"type": "closed", "reason": "panel closed"})
    loaded.player.sync()
    ex = loaded.execute("%ggb B = (1, 2)")
    assert ex.error is not None
    assert "The GeoGebra panel of this notebook was closed (panel closed)" in ex.error["evalue"]
    assert "%ggb --open" in ex.error["evalue"]
    # Status never waits for a browser; it says what happened and what to do.
    (plain,) = loaded.ok("%ggb").data()
    assert "closed" in plain and "%ggb --open" in plain


def test_load_failure_fails_at_once_with_the_url(runtime: Path) -> None:
    s = KernelSession(runtime, send_ready=False)
    try:
        s.ok("%load_ext ggbmagic")
        assert s.player.connected.wait(10)
        s.player.send({"type": "load_failed", "url": "https://www.geogebra.org/apps/deployggb.js",
                       "message": "offline"})
        start = time.monotonic()
        ex = s.execute("%ggb A = (1, 2)")
        # At once, not after the 30 s ready timeout: promptness is the promise here.
        assert time.monotonic() - start < 10
        assert ex.error is not None
        assert "https://www.geogebra.org/apps/deployggb.js" in ex.error["evalue"]
        assert "html5Codebase" in ex.error["evalue"]
    finally:
        s.close()


def test_png_svg_and_files(loaded: KernelSession, tmp_path: Path) -> None:
    loaded.ok("%ggb A = (1, 2)")
    ex = loaded.ok("%ggb --png B = (2, 3)")
    assert ex.data("image/png"), "the cell should end with a PNG"
    assert any("B = (2, 3)" in text for text in ex.data())
    ex = loaded.ok("%ggb --svg")
    assert "<svg" in ex.data("image/svg+xml")[0]
    target = tmp_path / "lesson.ggb"
    loaded.ok(f"%ggb --save {target}")
    assert target.exists() and target.read_bytes()[:2] == b"PK"
    loaded.ok("%ggb --clear")
    assert loaded.player.applet.objects == {}
    loaded.ok(f"%ggb --load {target}")
    assert set(loaded.player.applet.objects) == {"A", "B"}
    missing = tmp_path / "missing.ggb"
    ex = loaded.execute(f"%ggb --load {missing}")
    assert ex.error is not None and "no such file" in ex.error["evalue"]
    corrupt = tmp_path / "corrupt.ggb"
    corrupt.write_bytes(b"PK\x03\x04 definitely not a zip")
    ex = loaded.execute(f"%ggb --load {corrupt}")
    assert ex.error is not None and "not a GeoGebra file" in ex.error["evalue"]
    assert set(loaded.player.applet.objects) == {"A", "B"}  # nothing lost
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_picture_options_show_and_animate(loaded: KernelSession) -> None:
    """The magic's picture flags reach the framing: a window and a size; --show; and
    --animate NAME START STOP sweeps, returns an image/gif and puts the value back."""
    import base64
    import io

    from PIL import Image

    loaded.ok("%ggb A = (1, 2)\n%ggb k = 3")
    before = dict(loaded.player.applet.view)
    ex = loaded.ok("%ggb --png --view=-1,5,-2,3 --width 300")
    assert loaded.player.applet.view == before, "the panel's window was not put back"
    png = Image.open(io.BytesIO(base64.b64decode(ex.data("image/png")[0])))
    assert png.size == (300, 250)  # 6 × 5 units, one unit as wide as high
    ex = loaded.execute("%ggb --png --view=1,2,3")
    assert ex.error is not None and "four" in ex.error["evalue"]
    ex = loaded.ok("%ggb --show A")
    assert "A drawn" in ex.stdout
    loaded.ok("ggb.api.setVisible('A', False)")
    ex = loaded.ok("%ggb A = (1, 3)")
    assert "point (hidden)" in ex.data()[0] and "not drawn: A" in ex.data()[0]
    ex = loaded.ok("%%ggb --show A\nA = (1, 4)")  # shown after the line ran: not "not drawn"
    assert "A drawn" in ex.stdout and "hidden" not in ex.data()[0], ex.data()
    assert loaded.player.applet.objects["A"]["visible"] is True
    ex = loaded.execute("%ggb --show Nope")
    assert ex.error is not None and "no object named Nope" in ex.error["evalue"]
    ex = loaded.ok("%ggb --animate k 0 2 --frames 3 --view=0,4,0,3 --width 40")
    gif = Image.open(io.BytesIO(base64.b64decode(ex.data("image/gif")[0])))
    assert gif.n_frames == 3 and gif.size == (40, 30)
    assert loaded.player.applet.objects["k"]["number"] == 3  # put back
    assert loaded.player.applet.view == before
    ex = loaded.execute("%ggb --animate k 0")
    assert ex.error is not None and "NAME START STOP" in ex.error["evalue"], ex.error
    ex = loaded.execute("%ggb --animate k 0 1 --frames 1")
    assert ex.error is not None and "frames must be between 2" in ex.error["evalue"]


def test_status_and_objects(loaded: KernelSession) -> None:
    loaded.ok("%ggb A = (1, 2)\n%ggb k = 7")
    ex = loaded.ok("%ggb")
    (plain,) = ex.data()
    assert "ready" in plain and "round trip" in plain and "fake-1.0" in plain
    ex = loaded.ok("t = ggb.objects()\ndf = t.to_pandas()\n"
                   "print(t.names, df.loc['A', 'x'], df.loc['k', 'type'])")
    assert ex.stdout.split() == ["['A',", "'k']", "1.0", "numeric"]


def test_async_twins(loaded: KernelSession) -> None:
    ex = loaded.ok("r = await ggb.acommand('A = (1, 2)')\n"
                   "s = await ggb.ascript('B = (4, 6)\\nd = Distance(A, B)')\n"
                   "print(r.labels, s.labels, (await ggb.aobjects()).names)")
    assert ex.stdout.strip() == "['A'] ['B', 'd'] ['A', 'B', 'd']"
