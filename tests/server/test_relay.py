"""The OOB relay on a real Jupyter server with a real kernel.

The kernel's listener is a test double: a real ``websockets`` server on the very
socket path the relay derives, which echoes and records frames. The browser is a
real tornado WebSocket client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect
from traitlets.config import Config
from websockets.asyncio.server import ServerConnection, unix_serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

import ggbmagic.server as server_module
from ggbmagic.protocol import RELAY_CHALLENGE_HEADER, RELAY_PROOF_HEADER, relay_proof
from ggbmagic.server import (
    MAX_FRAME_BYTES,
    NOT_LOADED,
    browser_close_for_kernel_close,
    kernel_close_for_browser_close,
)

TIMEOUT = 10.0
WsFetch = Callable[..., Awaitable[WebSocketClientConnection]]


@dataclass
class FakeListener:
    """Plays the kernel's OOB listener: echoes and records frames (a test double).

    With ``close_with`` set, it closes with that code and reason on the first frame,
    as the real kernel does on a wrong token (4001); with ``abort``, it drops the
    socket without a close frame, as a kernel that dies does.
    """

    kernel_id: str = ""
    key: bytes | None = None  # None: answers no challenge, as a stranger on the port would
    close_with: tuple[int, str] | None = None
    abort: bool = False
    frames: list[str | bytes] = field(default_factory=list)
    connections: list[ServerConnection] = field(default_factory=list)
    closes: list[tuple[int | None, str | None]] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def prove(self, connection: ServerConnection, request: Request, response: Response) -> None:
        """Answer the relay's challenge as the real listener does (ggbmagic.oob)."""
        challenge = request.headers.get(RELAY_CHALLENGE_HEADER, "")
        if self.key is not None and challenge:
            response.headers[RELAY_PROOF_HEADER] = relay_proof(self.key, self.kernel_id,
                                                               challenge)

    async def handler(self, ws: ServerConnection) -> None:
        self.connections.append(ws)
        self.connected.set()
        try:
            async for message in ws:
                self.frames.append(message)
                if self.abort:
                    ws.transport.abort()
                    break
                if self.close_with is not None:
                    await ws.close(*self.close_with)
                    break
                await ws.send(message)
        except ConnectionClosed:
            pass
        finally:
            await ws.wait_closed()
            self.closes.append((ws.close_code, ws.close_reason))
            self.closed.set()


@contextlib.asynccontextmanager
async def fake_listener(path: Path, kernel_id: str, key: bytes | None,
                        **kwargs: Any) -> AsyncIterator[FakeListener]:
    listener = FakeListener(kernel_id=kernel_id, key=key, **kwargs)
    async with unix_serve(listener.handler, str(path), max_size=MAX_FRAME_BYTES,
                          process_response=listener.prove):
        yield listener


@contextlib.asynccontextmanager
async def browser(ws_fetch: WsFetch, kernel_id: str) -> AsyncIterator[WebSocketClientConnection]:
    ws = await ws_fetch("ggbmagic", "oob", kernel_id, max_message_size=MAX_FRAME_BYTES)
    try:
        yield ws
    finally:
        ws.close()


async def read(ws: WebSocketClientConnection) -> str | bytes | None:
    return await asyncio.wait_for(ws.read_message(), TIMEOUT)


async def relay_tasks_finish() -> None:
    """Every relay pump task ends once both sides are closed (nothing leaks)."""
    pumps = [
        task
        for task in asyncio.all_tasks()
        if "_pump_from_kernel" in getattr(task.get_coro(), "__qualname__", "")
    ]
    await asyncio.wait_for(asyncio.gather(*pumps), TIMEOUT)


async def refused(url: str, headers: dict[str, str]) -> HTTPClientError:
    try:
        ws = await websocket_connect(HTTPRequest(url, headers=headers))
    except HTTPClientError as error:
        return error
    ws.close()
    pytest.fail(f"{url} was accepted")


def message_of(error: HTTPClientError) -> str:
    assert error.response is not None
    return str(json.loads(error.response.body)["message"])


# --- the relay itself ------------------------------------------------------------------


async def test_frames_relay_both_ways_in_order(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    async with (
        fake_listener(listener_path, kernel_id, kernel_key) as listener,
        browser(jp_ws_fetch, kernel_id) as ws,
    ):
        sent = [json.dumps({"v": 1, "type": "heartbeat", "n": i}) for i in range(200)]
        await asyncio.gather(*(ws.write_message(frame) for frame in sent))
        echoed = [await read(ws) for _ in sent]
        assert echoed == sent
        assert listener.frames == sent

        # Kernel-initiated frames, unprompted, keep their order too.
        (kernel_side,) = listener.connections
        for i in range(200):
            await kernel_side.send(f"k{i}")
        assert [await read(ws) for _ in range(200)] == [f"k{i}" for i in range(200)]


async def test_twenty_mib_frame_passes(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    big = "x" * (20 * 1024 * 1024)
    async with (
        fake_listener(listener_path, kernel_id, kernel_key) as listener,
        browser(jp_ws_fetch, kernel_id) as ws,
    ):
        await ws.write_message(big)
        assert await read(ws) == big
        assert listener.frames == [big]


async def test_kernel_4001_closes_browser_with_4001(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    async with (
        fake_listener(listener_path, kernel_id, kernel_key, close_with=(4001, "unauthorized")),
        browser(jp_ws_fetch, kernel_id) as ws,
    ):
        await ws.write_message('{"v": 1, "type": "hello", "token": "wrong"}')
        assert await read(ws) is None
        assert (ws.close_code, ws.close_reason) == (4001, "unauthorized")
        await relay_tasks_finish()


async def test_kernel_going_away_closes_browser_with_1001(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    async with (
        fake_listener(listener_path, kernel_id, kernel_key, close_with=(1000, "")),
        browser(jp_ws_fetch, kernel_id) as ws,
    ):
        await ws.write_message("bye")
        assert await read(ws) is None
        assert ws.close_code == 1001


async def test_kernel_dying_closes_browser_with_1011(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    async with (
        fake_listener(listener_path, kernel_id, kernel_key, abort=True),
        browser(jp_ws_fetch, kernel_id) as ws,
    ):
        await ws.write_message("anything")
        assert await read(ws) is None
        assert ws.close_code == 1011
        await relay_tasks_finish()


async def test_browser_close_closes_kernel_side(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    async with fake_listener(listener_path, kernel_id, kernel_key) as listener:
        async with browser(jp_ws_fetch, kernel_id) as ws:
            await ws.write_message("ping")
            assert await read(ws) == "ping"
            ws.close(1000, "panel closed")
        await asyncio.wait_for(listener.closed.wait(), TIMEOUT)
        assert listener.closes == [(1000, "panel closed")]
        await relay_tasks_finish()


async def test_plain_http_request_leaves_no_kernel_connection(
    jp_fetch: Callable[..., Awaitable[Any]], kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    # Everything checks out but there is no upgrade (the page's probe): 200 "reachable",
    # and the kernel connection opened to prove it must be closed again.
    async with fake_listener(listener_path, kernel_id, kernel_key) as listener:
        response = await jp_fetch("ggbmagic", "oob", kernel_id)
        assert response.code == 200
        assert json.loads(response.body) == {"reachable": True}
        assert response.headers["Cache-Control"] == "no-store"
        await asyncio.wait_for(listener.closed.wait(), TIMEOUT)
        assert len(listener.connections) == 1


# --- refusals ----------------------------------------------------------------------------


async def test_no_listener_is_503_with_the_fix(jp_ws_fetch: WsFetch, kernel_id: str) -> None:
    with pytest.raises(HTTPClientError) as info:
        await jp_ws_fetch("ggbmagic", "oob", kernel_id)
    assert info.value.code == 503
    assert message_of(info.value) == NOT_LOADED


async def test_stale_socket_file_is_503(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    kernel_key: bytes
) -> None:
    # A kernel that died leaves its socket file behind, with nobody listening.
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(listener_path))
    with pytest.raises(HTTPClientError) as info:
        await jp_ws_fetch("ggbmagic", "oob", kernel_id)
    assert info.value.code == 503
    assert message_of(info.value) == NOT_LOADED


async def test_no_credentials_is_403(ws_base_url: str, kernel_id: str) -> None:
    url = f"{ws_base_url}ggbmagic/oob/{kernel_id}"
    assert (await refused(url, {})).code == 403
    assert (await refused(url, {"Authorization": "token wrong"})).code == 403


async def test_unknown_kernel_is_404(jp_ws_fetch: WsFetch) -> None:
    with pytest.raises(HTTPClientError) as info:
        await jp_ws_fetch("ggbmagic", "oob", str(uuid.uuid4()))
    assert info.value.code == 404
    assert message_of(info.value).startswith("no kernel with id ")


@pytest.mark.parametrize("bad_id", ["..%2F..", "a/b", "..", "%2e%2e", "-x", "k" * 65])
async def test_malformed_kernel_id_is_not_routed(
    ws_base_url: str, jp_auth_header: dict[str, str], bad_id: str
) -> None:
    # A raw URL: jp_ws_fetch would escape "%" and hide what the router sees.
    url = f"{ws_base_url}ggbmagic/oob/{bad_id}"
    error = await refused(url, dict(jp_auth_header))
    assert error.code == 404
    assert error.response is not None
    assert b"no kernel with id" not in error.response.body  # the router said no, not us


async def login_cookie(jp_fetch: Callable[..., Awaitable[Any]]) -> str:
    """The login cookie a browser holds (a token-authenticated request sets it).

    Cross-origin attacks ride on the cookie: Jupyter skips the origin check for
    token-authenticated requests, which a foreign page cannot make."""
    response = await jp_fetch("api", "status")
    cookies = [c.split(";", 1)[0] for c in response.headers.get_list("Set-Cookie")]
    assert cookies, "the server set no login cookie"
    return "; ".join(cookies)


async def test_cross_origin_is_refused_before_the_kernel_is_touched(
    jp_fetch: Callable[..., Awaitable[Any]], jp_http_port: int, jp_base_url: str,
    kernel_id: str, listener_path: Path, kernel_key: bytes
) -> None:
    # 127.0.0.1, as jp_fetch: the login cookie is named after the host.
    url = f"ws://127.0.0.1:{jp_http_port}{jp_base_url}ggbmagic/oob/{kernel_id}"
    cookie = await login_cookie(jp_fetch)
    async with fake_listener(listener_path, kernel_id, kernel_key) as listener:
        error = await refused(url, {"Cookie": cookie, "Origin": "http://evil.example"})
        assert error.code == 403
        assert message_of(error) == "cross-origin WebSocket refused"
        assert listener.connections == []  # the origin check came first
        # The same request from the server's own origin is relayed.
        host = url.split("/")[2]
        ws = await websocket_connect(HTTPRequest(
            url, headers={"Cookie": cookie, "Origin": f"http://{host}"}))
        try:
            await ws.write_message("same origin")
            assert await read(ws) == "same origin"
        finally:
            ws.close()


async def test_a_listener_without_proof_is_502(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path, kernel_key: bytes
) -> None:
    # Someone else's program where the kernel's listener should be (on Windows, any
    # local user can listen on a port): it cannot answer the challenge.
    for key in (None, b"another kernel's key"):
        async with fake_listener(listener_path, kernel_id, key) as listener:
            with pytest.raises(HTTPClientError) as info:
                await jp_ws_fetch("ggbmagic", "oob", kernel_id)
            assert info.value.code == 502
            assert "did not prove" in message_of(info.value)
            await asyncio.wait_for(listener.closed.wait(), TIMEOUT)
            assert listener.frames == []  # nothing was relayed to it


async def test_a_listener_refusing_the_handshake_is_502(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path
) -> None:
    def refuse(connection: ServerConnection, request: Request) -> Response:
        return connection.respond(HTTPStatus.FORBIDDEN, "no\n")

    async def never(ws: ServerConnection) -> None:  # pragma: no cover - never reached
        await ws.close()

    async with unix_serve(never, str(listener_path), process_request=refuse):
        with pytest.raises(HTTPClientError) as info:
            await jp_ws_fetch("ggbmagic", "oob", kernel_id)
    assert info.value.code == 502
    assert message_of(info.value) == "the kernel's ggbmagic listener refused the relay"


async def test_a_listener_that_never_answers_is_504(
    jp_ws_fetch: WsFetch, kernel_id: str, listener_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "CONNECT_TIMEOUT", 0.5)
    accepted = asyncio.Event()
    release = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        await release.wait()  # reads nothing, answers nothing
        writer.close()

    unix_server = await asyncio.start_unix_server(silent, str(listener_path))
    try:
        with pytest.raises(HTTPClientError) as info:
            await jp_ws_fetch("ggbmagic", "oob", kernel_id)
        assert info.value.code == 504
        assert message_of(info.value) == "the kernel's ggbmagic listener did not answer"
        assert accepted.is_set()
    finally:
        release.set()
        unix_server.close()
        await unix_server.wait_closed()


class DenyKernelExecution(Authorizer):
    """Lets a user start kernels but not run code in them."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return not (action == "execute" and resource == "kernels")


class TestWithoutExecutePermission:
    @pytest.fixture
    def jp_server_config(self) -> Config:
        return Config(
            {
                "ServerApp": {
                    "jpserver_extensions": {"ggbmagic": True},
                    "authorizer_class": DenyKernelExecution,
                }
            }
        )

    async def test_is_403(self, jp_ws_fetch: WsFetch, kernel_id: str) -> None:
        with pytest.raises(HTTPClientError) as info:
            await jp_ws_fetch("ggbmagic", "oob", kernel_id)
        assert info.value.code == 403

    async def test_does_not_reveal_whether_a_kernel_exists(self, jp_ws_fetch: WsFetch) -> None:
        with pytest.raises(HTTPClientError) as info:
            await jp_ws_fetch("ggbmagic", "oob", str(uuid.uuid4()))
        assert info.value.code == 403


# --- close-code mapping (pure) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kernel_close", "browser_close"),
    [
        ((4001, "unauthorized"), (4001, "unauthorized")),
        ((3000, ""), (3000, "")),
        ((1000, "unloaded"), (1001, "unloaded")),
        ((1001, ""), (1001, "the kernel closed the ggbmagic connection")),
        ((1006, ""), (1011, "lost the connection to the kernel's ggbmagic listener")),
        ((1011, "oops"), (1011, "lost the connection to the kernel's ggbmagic listener")),
        ((None, None), (1011, "lost the connection to the kernel's ggbmagic listener")),
    ],
)
def test_browser_close_for_kernel_close(
    kernel_close: tuple[int | None, str | None], browser_close: tuple[int, str]
) -> None:
    assert browser_close_for_kernel_close(*kernel_close) == browser_close


@pytest.mark.parametrize(
    ("browser_close", "kernel_close"),
    [
        ((1000, "panel closed"), (1000, "panel closed")),
        ((1001, None), (1001, "")),
        ((4000, "x"), (4000, "x")),
        ((None, None), (1001, "browser disconnected")),
        ((1005, None), (1001, "browser disconnected")),
        ((1009, "too big"), (1001, "browser disconnected")),
    ],
)
def test_kernel_close_for_browser_close(
    browser_close: tuple[int | None, str | None], kernel_close: tuple[int, str]
) -> None:
    assert kernel_close_for_browser_close(*browser_close) == kernel_close
