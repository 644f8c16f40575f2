"""The panel's life beyond the happy path: the user closes it (also while a request
waits), the page is reloaded while a request waits, the kernel asks for another GeoGebra
app, the out-of-band socket drops (again and again) and the browser reconnects with its
backoff."""

from __future__ import annotations

import itertools
import json

from tests.results import assert_created, point

from ._lab import LabPage

#: PanelClosedError's text (ggbmagic/errors.py): says what happened and what to run.
PANEL_CLOSED = ("The GeoGebra panel of this notebook was closed (panel closed). "
                "Run `%ggb --open` (or `ggb.open()`) to open the panel again.")
#: What a request gets when the browser goes away under it (ggbmagic/channel.py).
DISCONNECTED = ("The browser disconnected before GeoGebra answered (page reloaded or "
                "closed?). Run the cell again once the notebook is open.")
#: "At once", generously: the slower answers these errors could be confused with take
#: 10 s (no frontend: connect_timeout), 30 s (the browser's own callback timeout) or the
#: 60 s the held request is given.
PROMPT_S = 8.0

# A request the browser really works on: getBase64's callback is held back, so the
# browser waits for it (up to its own 30 s callback timeout) with the request in flight.
HOLD_GETBASE64 = """api => {
  window.__ggbmHeld = 0;
  api.getBase64 = () => { window.__ggbmHeld += 1; };
}"""
# The kernel side of that request: it gets 60 s, and says what it got and after how long.
WAIT_FOR_HELD = """\
import time
t0 = time.monotonic()
try:
    ggb.call('getBase64', timeout=60)
    got = 'answered'
except Exception as exc:
    got = f'{type(exc).__name__}: {exc}'
waited = time.monotonic() - t0"""
SHOW_RESULT = "import json; print(json.dumps([got, waited]))"


def _loaded(lab: LabPage, notebook: str) -> str:
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)
    return kid


def _hold_a_request(lab: LabPage, notebook: str, kid: str) -> str:
    """Start WAIT_FOR_HELD and return once the browser is working on its request."""
    lab.applet_api(kid, HOLD_GETBASE64)
    tag = lab.start_cell(notebook, WAIT_FOR_HELD)
    lab.page.wait_for_function("() => window.__ggbmHeld === 1", timeout=30_000)
    return tag


def test_closed_panel_says_how_to_reopen_and_open_brings_it_back(
        lab: LabPage, notebook: str) -> None:
    kid = _loaded(lab, notebook)
    lab.close_ggb_tab(kid)

    cell = lab.run(notebook, "%ggb B = (3, 4)")
    assert not cell.errors, cell.text
    assert f"UsageError: {PANEL_CLOSED}" in cell.stderr, cell.stderr
    # At once: not the no-frontend error (the same `%ggb --open` hint) after 10 s.
    assert cell.seconds < PROMPT_S, f"the closed panel took {cell.seconds:.1f} s to say so"

    opened = lab.run(notebook, "%ggb --open\n%ggb B = (3, 4)", clean=True)
    assert_created(opened.text, *point("B", 3, 4))
    lab.wait_ggb_ready(kid, timeout_ms=5_000)
    check = lab.run(notebook, "print(ggb.exists('B'))", clean=True)
    assert check.stdout.strip() == "True"


def test_closing_the_panel_fails_the_waiting_request_at_once(
        lab: LabPage, notebook: str) -> None:
    kid = _loaded(lab, notebook)
    tag = _hold_a_request(lab, notebook, kid)
    lab.close_ggb_tab(kid)
    lab.finish_cell(notebook, tag).assert_clean()

    got, waited = json.loads(lab.run(notebook, SHOW_RESULT, clean=True).stdout)
    assert got == f"PanelClosedError: {PANEL_CLOSED}"
    assert waited < PROMPT_S, f"the waiting request failed only after {waited:.1f} s"


def test_reloading_the_page_fails_the_waiting_request_at_once(
        lab: LabPage, notebook: str) -> None:
    kid = _loaded(lab, notebook)
    _hold_a_request(lab, notebook, kid)
    lab.page.reload()  # the cell keeps running in the kernel; this page is gone

    lab.wait_kernel(notebook)
    assert lab.kernel_id(notebook) == kid
    got, waited = json.loads(lab.run(notebook, SHOW_RESULT, clean=True).stdout)
    assert got == f"GgbError: {DISCONNECTED}"
    assert waited < PROMPT_S, f"the waiting request failed only after {waited:.1f} s"
    # The reloaded page takes over: the next request works.
    cell = lab.run(notebook, "%ggb C = (7, 8)", clean=True)
    assert_created(cell.text, *point("C", 7, 8))


def test_open_with_another_app_rebuilds_the_applet(lab: LabPage, notebook: str) -> None:
    kid = _loaded(lab, notebook)
    before = lab.applet_id(kid)

    cell = lab.run(notebook, "%ggb --open --app geometry\nprint(ggb.status().applet)")
    # Both GeoGebras here are webSimple: asked for geometry it builds classic again, so
    # the switch is refused, and the construction goes along (test_keep_construction.py).
    assert "This GeoGebra has no 'geometry' app" in cell.stderr, cell.text
    lab.wait_ggb_ready(kid, timeout_ms=5_000)
    after = lab.applet_id(kid)
    assert after != before, "a different app needs a new applet"
    if lab.geogebra == "double":  # webSimple ignores appName (its XML says app="classic")
        app = lab.page.evaluate(
            "(a) => window.__ggbDouble.applets[a].__double.params.appName", after)
        assert app == "geometry"
    # The new applet answers commands, and kept A.
    again = lab.run(notebook, "%ggb C = (5, 6)", clean=True)
    assert_created(again.text, *point("C", 5, 6))
    kept = lab.run(notebook, "print(ggb.status().applet['appName'], ggb.coords('A'))",
                   clean=True)
    assert kept.stdout.strip() == "classic (1.0, 2.0)", kept.text


# Drops every OOB connection from the kernel's side, as a relay restart would (each
# connection is closed on its own loop, the socket thread's). With
# AWAY the kernel's socket file is moved away first, so that the relay cannot reach the
# kernel (503) and the browser's reconnect attempts fail until BACK puts it back.
DROP = """\
import asyncio, os
ch = ggb.channel
{away}
futs = [asyncio.run_coroutine_threadsafe(p.close(1001, 'test drop'), p.loop)
        for p in list(ch._relay_links)]
print(len([f.result(5) for f in futs]))"""
AWAY = "os.rename(ch.socket_path, str(ch.socket_path) + '.away')"
BACK = "os.rename(str(ch.socket_path) + '.away', ch.socket_path)"
#: frontend/src/backoff.ts: 0.5 s doubling to 8 s, each shortened by up to 20 %.
BACKOFF_MS = [500, 1000, 2000, 4000, 8000]
JITTER = 0.2
#: Timers never fire early; on a loaded machine they can fire late.
LATE_MS = 1500


def _delays(sockets: list[dict[str, float]]) -> list[float]:
    """ms from each OOB socket's close to the next one's construction."""
    return [b["opened"] - a["closed"] for a, b in itertools.pairwise(sockets)]


def _assert_backoff(delays: list[float], attempts: list[int]) -> None:
    for delay, attempt in zip(delays, attempts, strict=True):
        base = BACKOFF_MS[attempt]
        assert base * (1 - JITTER) - 5 <= delay <= base + LATE_MS, (
            f"reconnect attempt {attempt} came after {delay:.0f} ms, not "
            f"{base * (1 - JITTER):.0f}–{base} ms: {delays}")


def test_browser_reconnects_after_each_drop_with_a_growing_backoff(
        lab: LabPage, nb_name: str) -> None:
    lab.record_oob_sockets()
    lab.server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    # The waits below depend on the browser's backoff, not on how soon a browser connects.
    lab.run(nb_name, "%load_ext ggbmagic\n%config GgbMagics.connect_timeout = 60\n"
                     "%ggb A = (1, 2)", clean=True)
    lab.wait_ggb_ready(lab.kernel_id(nb_name))
    assert len(lab.oob_sockets()) == 1

    # 1. Drop, and the kernel is unreachable: three attempts fail (503 from the relay),
    #    each after a longer wait, until the socket is back.
    assert lab.run(nb_name, DROP.format(away=AWAY), clean=True).stdout.strip() == "1"
    lab.page.wait_for_function(
        "() => window.__ggbmOob.length >= 4 && window.__ggbmOob[3].closed !== null",
        timeout=30_000)
    lab.run(nb_name, "import os\nch = ggb.channel\n" + BACK, clean=True)
    cell = lab.run(nb_name, "%ggb B = (3, 4)", clean=True)
    assert_created(cell.text, *point("B", 3, 4))
    sockets = lab.oob_sockets()
    assert [s["code"] for s in sockets[1:4]] == [1006, 1006, 1006], sockets
    _assert_backoff(_delays(sockets)[:3], [0, 1, 2])

    # 2. Two more drops in a row, the kernel reachable: the browser is back each time,
    #    after the first backoff step again (a welcome resets the backoff).
    for drop in (1, 2):
        before = len(lab.oob_sockets())
        assert lab.run(nb_name, DROP.format(away=""), clean=True).stdout.strip() == "1"
        cell = lab.run(nb_name, f"%ggb P{drop} = ({drop}, {drop})", clean=True)
        assert_created(cell.text, *point(f"P{drop}", drop, drop))
        sockets = lab.oob_sockets()
        assert len(sockets) == before + 1, sockets
        _assert_backoff(_delays(sockets)[-1:], [0])

    check = lab.run(nb_name, "c = ggb.channel.counters\n"
                             "print(c.connections, ggb.exists('B'), ggb.exists('P2'))",
                    clean=True)
    # Every socket the relay let through reached the kernel: the first, the one after
    # the refused attempts, and one after each of the two later drops.
    admitted = [s for s in lab.oob_sockets() if s["code"] != 1006]
    assert len(admitted) == 4, lab.oob_sockets()
    assert check.stdout.split() == ["4", "True", "True"], check.text
