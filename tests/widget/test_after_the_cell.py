"""The after-the-cell mode in a real marimo: the page comes from a host name that is not
this machine's (Chromium maps ``notebook.test`` to 127.0.0.1, as a notebook served from
another computer would be), so the widget does not use the loopback socket — and the
socket itself refuses the page's foreign Origin. Commands still run; a value needed
inside a cell raises an error that says why."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser._lab import CHROMIUM, CHROMIUM_ARGS

from ._marimo import MarimoPage, MarimoServer
from .conftest import _page

FOREIGN_HOST = "notebook.test"

# From the page (Origin http://notebook.test:…): does the kernel's loopback port let us in?
_PROBE_SOCKET_JS = """port => new Promise(resolve => {
  const ws = new WebSocket('ws://127.0.0.1:' + port + '/');
  let opened = false;
  ws.onopen = () => {
    opened = true;
    ws.send(JSON.stringify({v: 1, type: 'hello', token: 'x', client: 't'}));
  };
  ws.onclose = ev => resolve({opened, code: ev.code});
})"""


@pytest.fixture(scope="module")
def foreign_browser(playwright_instance: Any) -> Iterator[Browser]:
    b = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {FOREIGN_HOST} 127.0.0.1"])
    yield b
    b.close()


@pytest.fixture
def foreign(request: pytest.FixtureRequest, foreign_browser: Browser,
            marimo_server: MarimoServer) -> Iterator[MarimoPage]:
    yield from _page(request, foreign_browser, marimo_server, host=FOREIGN_HOST)


def test_commands_run_after_the_cell_and_values_say_why_not(foreign: MarimoPage) -> None:
    foreign.goto("after.py")
    foreign.wait_ready()
    assert foreign.mode() == "after-the-cell"
    port = int(foreign.result("port"))
    assert port > 0
    # The loopback socket refuses this page before any token is read (HTTP 403).
    probe = foreign.page.evaluate(_PROBE_SOCKET_JS, port)
    assert probe == {"opened": False, "code": 1006}, probe
    # A command is sent and runs; its answer comes after the cell.
    foreign.page.get_by_role("button", name="send A").click()
    sent = foreign.result("sent")
    assert "after-the-cell" in sent and "A = (1, 2)" in sent, sent
    foreign.page.wait_for_function(
        "aid => window[aid] && window[aid].exists('A')", arg=foreign.applet_id())
    # A value needed inside the cell: a clear error that says why.
    foreign.page.get_by_role("button", name="ask A").click()
    asked = foreign.result("asked")
    assert asked.startswith("AfterTheCellError"), asked
    assert "only between cells" in asked and "loopback" in asked, asked
    assert asked.endswith("status=after-the-cell"), asked
