"""The out-of-band socket server: its thread, its asyncio loop, who may talk to it.

:class:`OOBServer` listens on the kernel's private Unix socket (or on a loopback port,
always on Windows and on POSIX with ``GGBMAGIC_TRANSPORT=tcp``), authenticates each
connection by its first frame (``hello`` with the token) and hands every later frame to
the channel's ``on_frame``, which never raises and returns the answer to send, if any.
What the server guarantees against a hostile or broken peer (docs/protocol.md, "Limits
and refusals"):

* from the moment it is accepted, a connection has :data:`AUTH_TIMEOUT` seconds to
  complete its hello, and its HTTP handshake may be :data:`HANDSHAKE_MAX_BYTES` long;
  before a valid hello a frame may be :data:`~ggbmagic.protocol.PRE_HELLO_MAX_FRAME_BYTES`
  long;
* at most :data:`MAX_UNAUTHENTICATED` connections may be open without a hello, whatever
  their stage (HTTP handshake, waiting for the hello, closing after a bad one): which one
  goes when another arrives is :class:`~ggbmagic.transport.admission.Admission`'s choice,
  made so that a flood cannot shut out a browser that says hello promptly;
* after it, frames up to the configured limit are read (past
  :data:`HARD_LIMIT_FACTOR` times it the library closes with 1009);
* the socket is always read: an answer (error frame, pong) that the peer does not read
  is dropped and counted instead of blocking the read loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve, unix_serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from . import protocol
from .errors import GgbError
from .paths import candidates
from .ratelog import RateLimitedLog
from .sockfiles import first_private_dir, write_port_file
from .transport.admission import Admission
from .transport.guarded import GuardedConnection, drop

__all__ = ["AUTH_TIMEOUT", "HANDSHAKE_MAX_BYTES", "HARD_LIMIT_FACTOR", "MAX_UNAUTHENTICATED",
           "PROTECTED_AGE", "Counters", "OOBServer", "tcp_from_environment"]

log = logging.getLogger("ggbmagic")

#: A connection has this long, from its accept, to complete its HTTP handshake and hello.
AUTH_TIMEOUT = 10.0
#: The relay's HTTP handshake is ~300 bytes; websockets alone would read ~1 MiB of headers
#: (128 lines of 8 KiB), and 400 such handshakes took a kernel from 59 to 484 MiB.
HANDSHAKE_MAX_BYTES = 16 * 1024
#: The websockets library closes a connection (code 1009) past this multiple of the
#: configured limit; below it, an oversized frame is refused with an error frame and the
#: connection stays usable.
HARD_LIMIT_FACTOR = 4
#: Connections that may be open without a hello at once (each holds a file descriptor and
#: at most ~HANDSHAKE_MAX_BYTES + PRE_HELLO_MAX_FRAME_BYTES of buffers).
MAX_UNAUTHENTICATED = 128
#: A connection younger than this is evicted only when every waiting one is (a flood):
#: then at random (transport/admission.py).
PROTECTED_AGE = 0.5
#: An answer is dropped rather than queued once this much waits unsent to the peer
#: (below the library's 32 KiB write high-water mark, so a send never waits).
ANSWER_BACKLOG = 16 * 1024

CLOSE_UNAUTHORIZED = 4001
CLOSE_TOO_BIG = 1009

#: ``GGBMAGIC_TRANSPORT=tcp`` makes a POSIX kernel listen on a loopback port, as on
#: Windows (the relay finds the port file); ``unix`` or unset keeps the Unix socket.
TRANSPORT_VARIABLE = "GGBMAGIC_TRANSPORT"


def tcp_from_environment(environ: dict[str, str] | None = None, os_name: str = os.name) -> bool:
    """Whether the kernel listens on a loopback port rather than a Unix socket.

    >>> tcp_from_environment({}, "posix"), tcp_from_environment({}, "nt")
    (False, True)
    >>> tcp_from_environment({"GGBMAGIC_TRANSPORT": "tcp"}, "posix")
    True
    """
    env = os.environ if environ is None else environ
    return os_name == "nt" or env.get(TRANSPORT_VARIABLE, "").strip().lower() == "tcp"


@dataclass
class Counters:
    """What the socket thread refused or could not match, for `%ggb` status and tests."""

    connections: int = 0
    auth_failures: int = 0
    frames_in: int = 0
    malformed: int = 0
    frame_too_large: int = 0
    bad_version: int = 0
    unknown_type: int = 0
    unknown_ids: int = 0
    browser_errors: int = 0
    events: int = 0
    answers_dropped: int = 0
    handshakes_too_large: int = 0
    pushed_out: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


FrameHandler = Callable[[str | bytes], str | None]
PeerHandler = Callable[[ServerConnection], None]


class OOBServer:
    """The socket thread. ``on_frame`` gets each authenticated frame and returns the
    encoded answer or None; ``on_welcome`` / ``on_close`` frame an authenticated peer."""

    def __init__(self, *, kernel_id: str, runtime_dir: Path, token: str,
                 max_frame_bytes: Callable[[], int], use_tcp: bool, proof_key: bytes | None,
                 counters: Counters, warn: RateLimitedLog, on_frame: FrameHandler,
                 on_welcome: PeerHandler, on_close: PeerHandler,
                 check_origin: Callable[[str | None], bool] | None = None) -> None:
        self.kernel_id = kernel_id
        self.runtime_dir = runtime_dir
        self.token = token
        self.use_tcp = use_tcp
        self.socket_path: Path | None = None
        self.port_file: Path | None = None
        self.port: int | None = None
        self._max_frame = max_frame_bytes
        self._proof_key = proof_key
        self._counters = counters
        self._warn = warn
        self._on_frame = on_frame
        self._on_welcome = on_welcome
        self._on_close = on_close
        self._admission: Admission[ServerConnection] = Admission(MAX_UNAUTHENTICATED,
                                                                 PROTECTED_AGE)
        self._deadlines: dict[ServerConnection, asyncio.TimerHandle] = {}
        self.handshake_max_bytes = HANDSHAKE_MAX_BYTES
        #: The widget's loopback listener refuses pages from elsewhere (widget/origins.py).
        self._check_origin = check_origin
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._started = threading.Event()
        self._startup_error: BaseException | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The socket thread's event loop (None before start)."""
        return self._loop

    def start(self, timeout: float) -> None:
        """Start the socket thread and wait until it listens. Raises if it cannot."""
        if self.running:
            return
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="ggbmagic-oob", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise GgbError(f"the ggbmagic socket thread did not start within {timeout} s")
        if self._startup_error is not None:
            self._thread.join(timeout)  # it is past closing its loop; let it end
            raise GgbError(
                f"ggbmagic could not open its socket: {self._startup_error}"
            ) from self._startup_error

    def stop(self, timeout: float) -> None:
        """Stop the thread (bounded join) and remove the socket or port file."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            stopping = self._stopping
            if stopping is not None:
                # The loop closes as the thread ends: then there is nothing to stop.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(stopping.set)
            thread.join(timeout)
        self._remove_files()

    def _run(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # the thread must never die silently
            if not self._started.is_set():
                self._startup_error = exc
            else:
                log.exception("ggbmagic: the socket thread stopped on an error")
        finally:
            try:
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            finally:
                self._loop.close()
                # A start that failed is reported only now, with the loop closed: a
                # stop() right after start() raised must not find a loop still closing.
                self._started.set()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        # The server-wide limit is the pre-hello one; a connection gets the configured
        # one once its hello checks out (_raise_limit).
        self._admission = Admission(MAX_UNAUTHENTICATED, PROTECTED_AGE)
        options: dict[str, Any] = {"max_size": protocol.PRE_HELLO_MAX_FRAME_BYTES,
                                   "compression": None, "ping_interval": None,
                                   "process_response": self._prove,
                                   "create_connection": self._guarded_connection}
        if self._check_origin is not None:
            options["process_request"] = self._refuse_origin
        server: Server
        # The usual place, or (squatted by another user) the kernel's own fallback.
        path = first_private_dir(candidates(self.kernel_id, self.runtime_dir,
                                            self._proof_key or b"", tcp=self.use_tcp))
        if self.use_tcp:
            server = await serve(self._handle, "127.0.0.1", 0, **options)
        else:
            if path.exists() or path.is_symlink():
                path.unlink()  # a stale socket of a kernel that died with this id
            server = await unix_serve(self._handle, str(path), **options)
        try:  # from here on the listening socket is closed whatever happens
            if self.use_tcp:
                self.port = int(server.sockets[0].getsockname()[1])
                write_port_file(path, self.port)
                self.port_file = path
            else:
                # The 0700 directory guards the moment between bind and chmod.
                os.chmod(path, 0o600)
                self.socket_path = path
            self._started.set()
            await self._stopping.wait()
        finally:
            server.close()
            await server.wait_closed()

    def _remove_files(self) -> None:
        for path in (self.socket_path, self.port_file):
            if path is not None:
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                except OSError:
                    log.warning("ggbmagic: could not remove %s", path, exc_info=True)

    def _prove(self, connection: ServerConnection, request: Request,
               response: Response) -> None:
        # Answer the relay's challenge (docs/protocol.md, "The relay and the kernel").
        self._admission.progress(connection, asyncio.get_running_loop().time())
        challenge = request.headers.get(protocol.RELAY_CHALLENGE_HEADER, "")
        if challenge and len(challenge) <= 128 and self._proof_key is not None:
            response.headers[protocol.RELAY_PROOF_HEADER] = protocol.relay_proof(
                self._proof_key, self.kernel_id, challenge)

    # --- admission: every connection from its accept to its hello --------------------

    def _guarded_connection(self, *args: Any, **kwargs: Any) -> ServerConnection:
        conn = GuardedConnection(*args, **kwargs)
        conn.guard = self
        return conn

    def accepted(self, conn: ServerConnection) -> None:
        """A new connection: find it a place in the waiting room, start its deadline."""
        loop = asyncio.get_running_loop()
        victim = self._admission.arrive(conn, loop.time())
        if victim is not None:
            self._counters.pushed_out += 1
            drop(victim, "too many connections without hello")
        if victim is not conn:
            self._deadlines[conn] = loop.call_later(AUTH_TIMEOUT, self._expired, conn)

    def _expired(self, conn: ServerConnection) -> None:
        self._deadlines.pop(conn, None)
        if conn in self._admission:
            self._counters.auth_failures += 1
            self._admission.leave(conn)
            drop(conn, "no hello in time")

    def admitted(self, conn: ServerConnection) -> None:
        """*conn* said hello (or is gone): it no longer counts against the waiting room."""
        self._admission.leave(conn)
        deadline = self._deadlines.pop(conn, None)
        if deadline is not None:
            deadline.cancel()

    def handshake_too_large(self, conn: ServerConnection) -> None:
        self._counters.handshakes_too_large += 1
        self.admitted(conn)
        drop(conn, "")

    def _refuse_origin(self, connection: ServerConnection, request: Request) -> Response | None:
        # Before the upgrade: a foreign page never reaches the token check.
        assert self._check_origin is not None
        origin = request.headers.get("Origin")
        if self._check_origin(origin):
            return None
        self._counters.auth_failures += 1
        self._warn.warning("ggbmagic: refused a loopback connection from origin %s",
                           protocol.short(origin))
        return connection.respond(403, "origin not allowed\n")

    # --- one connection -------------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        authenticated = await self._authenticate(ws)
        if not authenticated:
            return
        self.admitted(ws)
        self._raise_limit(ws)
        try:
            await ws.send(protocol.encode(protocol.welcome(self.kernel_id, self._max_frame())))
        except ConnectionClosed:
            return  # gone right after its hello
        self._on_welcome(ws)
        try:
            async for frame in ws:
                answer = self._on_frame(frame)
                if answer is not None:
                    await self._answer(ws, answer)
        except ConnectionClosed as exc:
            # 1009: past the hard limit websockets itself refuses the frame and closes.
            if _closed_with(exc, CLOSE_TOO_BIG):
                self._counters.frame_too_large += 1
        except Exception:
            self._warn.warning("ggbmagic: error on the OOB connection; closing it",
                               exc_info=True)
            await ws.close(1011, "internal error")
        finally:
            self._on_close(ws)

    async def _authenticate(self, ws: ServerConnection) -> bool:
        try:
            first = await asyncio.wait_for(ws.recv(), AUTH_TIMEOUT)
            msg = protocol.decode(first, protocol.PRE_HELLO_MAX_FRAME_BYTES,
                                  "the limit before a hello")
            token = msg.get("token") if msg["type"] == "hello" else None
            if not isinstance(token, str) or not hmac.compare_digest(
                token.encode("utf-8", "surrogatepass"), self.token.encode()
            ):
                raise PermissionError("bad token")
        except ConnectionClosed as exc:
            if _closed_with(exc, CLOSE_TOO_BIG):  # a first frame over the pre-hello limit
                self._counters.auth_failures += 1
                self._counters.frame_too_large += 1
            return False
        except Exception:  # TimeoutError, ProtocolError, PermissionError, anything else
            self._counters.auth_failures += 1
            self._warn.warning("ggbmagic: refused an OOB connection without a valid hello/token")
            # Until it has closed it holds a socket: it keeps its place in the waiting
            # room, and is the first to go when another connection needs one.
            self._admission.fail(ws)
            await ws.close(CLOSE_UNAUTHORIZED, "unauthorized")
            return False
        return True

    def _raise_limit(self, ws: ServerConnection) -> None:
        limit = max(self._max_frame() * HARD_LIMIT_FACTOR, 1 << 20)
        proto: Any = ws.protocol
        if hasattr(proto, "max_message_size"):  # websockets >= 15
            proto.max_message_size = limit
        else:  # pragma: no cover - older websockets
            proto.max_size = limit

    async def _answer(self, ws: ServerConnection, text: str) -> None:
        transport = ws.transport
        if transport is not None and (
                transport.get_write_buffer_size() + len(text) > ANSWER_BACKLOG):
            # The peer does not read its answers: keep reading its frames anyway.
            self._counters.answers_dropped += 1
            return
        with contextlib.suppress(ConnectionClosed):  # the read loop sees the close next
            await ws.send(text)



def _closed_with(exc: ConnectionClosed, code: int) -> bool:
    return any(c is not None and c.code == code for c in (exc.sent, exc.rcvd))
