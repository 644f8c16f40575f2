"""The relay in a real Jupyter server against the REAL kernel listener: ggbmagic loaded
in the real kernel the server started, the browser a real tornado WebSocket client.

Checks what the echo listener of test_relay.py cannot: the kernel's own 4001 close on a
wrong token, its frame_too_large replies below the hard limit and its 1009 close above
it, and the loopback (TCP) transport on POSIX (``GGBMAGIC_TRANSPORT=tcp``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import WebSocketClientConnection

from ggbmagic import paths

TIMEOUT = 60.0
WsFetch = Callable[..., Awaitable[WebSocketClientConnection]]
#: The kernel's frame limit for these tests: small, so that frames over it and over four
#: times it (the hard limit, at least 1 MiB) stay cheap.
LIMIT = 65536


class KernelCells:
    """Runs cells in the server's real kernel; keeps the ggbmagic hello it opened."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.hello: dict[str, Any] = {}

    def _hook(self, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if msg["msg_type"] == "comm_open" and content.get("target_name") == "ggbmagic":
            self.hello = content["data"]
        if msg["msg_type"] == "stream":
            self.stdout += content["text"]

    async def run(self, code: str) -> str:
        self.stdout = ""
        reply = await self.client.execute_interactive(code, output_hook=self._hook,
                                                      timeout=TIMEOUT)
        assert reply["content"]["status"] == "ok", reply["content"]
        return self.stdout


@pytest.fixture
def cells(jp_serverapp: Any, kernel_id: str) -> Iterator[KernelCells]:
    # A sync fixture (pytest-jupyter runs async tests, not async fixtures); the test
    # waits for the kernel in load().
    client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        yield KernelCells(client)
    finally:
        client.stop_channels()


async def load(cells: KernelCells) -> dict[str, Any]:
    await cells.client.wait_for_ready(timeout=TIMEOUT)
    await cells.run(f"%config GgbMagics.max_frame_bytes = {LIMIT}\n%load_ext ggbmagic")
    assert cells.hello.get("type") == "hello", "the kernel opened no ggbmagic comm"
    return cells.hello


@contextlib.asynccontextmanager
async def browser(ws_fetch: WsFetch, kernel_id: str,
                  **kwargs: Any) -> AsyncIterator[WebSocketClientConnection]:
    """A browser's connection to the relay, closed at the end whatever happened.

    Also when the other side closed it first: tornado's client connection keeps its
    protocol (and warns "Unclosed WebSocketClientConnection") until close() is called.
    """
    ws = await ws_fetch("ggbmagic", "oob", kernel_id, **kwargs)
    try:
        yield ws
    finally:
        ws.close()


async def read(ws: WebSocketClientConnection) -> Any:
    message = await asyncio.wait_for(ws.read_message(), TIMEOUT)
    return None if message is None else json.loads(message)


async def hello(ws: WebSocketClientConnection, token: str) -> Any:
    await ws.write_message(json.dumps({"v": 1, "type": "hello", "token": token}))
    return await read(ws)


async def test_wrong_token_is_the_kernels_4001(
    jp_ws_fetch: WsFetch, kernel_id: str, cells: KernelCells
) -> None:
    await load(cells)
    async with browser(jp_ws_fetch, kernel_id) as ws:
        assert await hello(ws, "not the token") is None
        assert (ws.close_code, ws.close_reason) == (4001, "unauthorized")
    assert (await cells.run("print(ggb.channel.counters.auth_failures)")).strip() == "1"


async def test_frames_too_large_are_answered_then_closed_1009(
    jp_ws_fetch: WsFetch, kernel_id: str, cells: KernelCells
) -> None:
    token = (await load(cells))["token"]
    async with browser(jp_ws_fetch, kernel_id, max_message_size=1 << 24) as ws:
        welcome = await hello(ws, token)
        assert welcome["type"] == "welcome" and welcome["max_frame_bytes"] == LIMIT
        # Over the limit: refused with an error frame that says so, the connection kept.
        await ws.write_message(json.dumps({"v": 1, "type": "heartbeat", "time": 1,
                                           "pad": "x" * (LIMIT + 1)}))
        error = await read(ws)
        assert error["type"] == "error" and error["code"] == "frame_too_large"
        assert str(LIMIT) in error["message"] and len(error["message"]) < 200
        await ws.write_message(json.dumps({"v": 1, "type": "heartbeat", "time": 2}))
        assert await read(ws) == {"v": 1, "type": "pong", "time": 2}
        # Past the hard limit (4 × the limit, at least 1 MiB) the kernel's WebSocket
        # library closes with 1009; the relay tells the browser the kernel side is lost
        # (1011).
        await ws.write_message("y" * (2 << 20))
        assert await read(ws) is None
        assert ws.close_code == 1011
    # A new connection's welcome comes after the kernel counted the closed one's 1009.
    async with browser(jp_ws_fetch, kernel_id) as again:
        assert (await hello(again, token))["type"] == "welcome"
    counters = await cells.run("print(ggb.channel.counters.frame_too_large)")
    assert counters.strip() == "2"


async def test_a_wrong_first_frame_and_then_the_browser_gets_in(
    jp_ws_fetch: WsFetch, kernel_id: str, cells: KernelCells
) -> None:
    token = (await load(cells))["token"]
    async with browser(jp_ws_fetch, kernel_id) as bad:
        await bad.write_message("[" * 3000)  # deep nesting as a first frame
        assert await read(bad) is None and bad.close_code == 4001
    async with browser(jp_ws_fetch, kernel_id) as ws:
        assert (await hello(ws, token))["type"] == "welcome"
        await ws.write_message(json.dumps({"v": 1, "type": "ready",
                                           "applet": {"version": "t"}}))
        # wait_ready: the kernel's thread handles `ready` a moment after the welcome.
        state = await cells.run(
            "ggb.channel.wait_ready(30, 30); print(ggb.channel.state.value)")
        assert state.strip() == "ready"


class TestLoopbackTransport:
    """``GGBMAGIC_TRANSPORT=tcp``: the kernel listens on a loopback port (as on Windows)
    and the relay finds it through the port file."""

    @pytest.fixture
    def jp_environ(self, jp_environ: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
        # Before the server starts the kernel, which inherits the server's environment.
        monkeypatch.setenv("GGBMAGIC_TRANSPORT", "tcp")
        return jp_environ

    async def test_relay_over_tcp(self, jp_ws_fetch: WsFetch, jp_serverapp: Any,
                                  kernel_id: str, cells: KernelCells) -> None:
        token = (await load(cells))["token"]
        runtime_dir = Path(jp_serverapp.kernel_manager.get_kernel(kernel_id)
                           .connection_file).parent
        port_file = paths.port_file_path(kernel_id, runtime_dir)
        port = int(port_file.read_text())
        assert not paths.socket_path(kernel_id, runtime_dir).exists()
        printed = await cells.run("print(ggb.channel.use_tcp, ggb.channel.port)")
        assert printed.split() == ["True", str(port)]
        async with browser(jp_ws_fetch, kernel_id) as ws:
            assert (await hello(ws, token))["type"] == "welcome"
            await ws.write_message(json.dumps({"v": 1, "type": "heartbeat", "time": 4}))
            assert await read(ws) == {"v": 1, "type": "pong", "time": 4}
        async with browser(jp_ws_fetch, kernel_id) as bad:
            assert await hello(bad, "wrong") is None and bad.close_code == 4001
