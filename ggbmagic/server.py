"""The Jupyter server extension: an authenticated WebSocket relay to a kernel's OOB socket.

A browser cannot open the kernel's private Unix socket, and must not be trusted to
name one. So the browser opens ``<base_url>ggbmagic/oob/<kernel_id>`` on the Jupyter
server; this handler checks who is asking, finds the socket from the kernel id alone
(:func:`ggbmagic.paths.socket_path`), and copies frames both ways without reading
them: the kernel checks the token and the protocol (docs/protocol.md).

Behaviour of ``GET <base_url>ggbmagic/oob/<kernel_id>``:

=====================================================  =========================
situation                                              answer
=====================================================  =========================
id not of the kernel-id form (``a/b``, ``..%2F..``)    404 (no route)
no or wrong credentials                                403
user may not ``execute`` on ``kernels``                403
cross-origin request (``Origin`` not allowed)          403, before any kernel connection
no such kernel                                         404
kernel has no local connection file (remote kernel)    503
no listener (``%load_ext ggbmagic`` not run, stale)    503 "ggbmagic is not loaded ..."
listener refuses the handshake                         502
listener cannot prove it is this kernel's (no proof)   502
listener does not answer in time                       504
all fine, request is a WebSocket upgrade               101, then relay
all fine, plain HTTP request (the page's probe)        200 ``{"reachable": true}``
                                                       (kernel side closed)
=====================================================  =========================

Errors are JSON ``{"message": ..., "reason": ...}``: a browser's WebSocket only sees
"closed", so the frontend can ``fetch`` the same URL to learn why.

>>> browser_close_for_kernel_close(4001, "unauthorized")
(4001, 'unauthorized')
>>> browser_close_for_kernel_close(1006, "")[0]
1011
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import secrets
import sys
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import ws_authenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado.web import HTTPError
from tornado.websocket import WebSocketClosedError, WebSocketHandler
from websockets.asyncio.client import ClientConnection, connect, unix_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from . import paths, protocol
from .bundle.handler import setup_handlers as setup_geogebra_handlers
from .sockfiles import is_private_dir, read_port_file

__all__ = [
    "MAX_FRAME_BYTES",
    "OOBRelayHandler",
    "browser_close_for_kernel_close",
    "kernel_close_for_browser_close",
    "setup_handlers",
]

#: Largest frame relayed either way. Above the kernel's own limit (16 MiB by default,
#: ``GgbMagics.max_frame_bytes``) so that the kernel, not the relay, refuses big frames
#: and can say why with an ``error`` frame instead of a bare close.
MAX_FRAME_BYTES = 64 * 1024 * 1024

#: How long the kernel's listener may take to accept us before the request fails (504).
CONNECT_TIMEOUT = 5.0

#: How long a closing handshake with the kernel may take before the socket is dropped.
CLOSE_TIMEOUT = 2.0

NOT_LOADED = "ggbmagic is not loaded in this kernel: run %load_ext ggbmagic"


def browser_close_for_kernel_close(code: int | None, reason: str | None) -> tuple[int, str]:
    """The close code and reason for the browser when the kernel side has closed.

    Application codes (3000-4999, e.g. 4001 ``unauthorized``) are the kernel talking to
    the browser and pass unchanged. A clean close means the kernel went away
    (``%unload_ext``, shutdown): 1001. Anything else (1006: the kernel died) is 1011.

    >>> browser_close_for_kernel_close(1000, "unloaded")
    (1001, 'unloaded')
    """
    if code is not None and 3000 <= code <= 4999:
        return code, reason or ""
    if code in (1000, 1001):
        return 1001, reason or "the kernel closed the ggbmagic connection"
    return 1011, "lost the connection to the kernel's ggbmagic listener"


def kernel_close_for_browser_close(code: int | None, reason: str | None) -> tuple[int, str]:
    """The close code and reason for the kernel when the browser side has closed.

    Codes a browser script may choose (1000, 3000-4999) and 1001 (page left) pass;
    anything else (no code, a protocol error) becomes 1001 "going away".

    >>> kernel_close_for_browser_close(None, None)
    (1001, 'browser disconnected')
    """
    if code is not None and (code in (1000, 1001) or 3000 <= code <= 4999):
        return code, reason or ""
    return 1001, "browser disconnected"


class OOBRelayHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """Relays one browser WebSocket to one kernel's OOB listener, frame for frame.

    The kernel connection is opened in :meth:`get` *before* the upgrade, so every
    failure is an HTTP status with a message, not an opaque WebSocket close; but only
    after the origin check, so a cross-origin page never makes us touch the kernel.
    The listener must answer our random challenge with an HMAC of the kernel's
    connection key (:func:`ggbmagic.protocol.relay_proof`): on a loopback port any local
    program could listen, so we relay only to the one that proves it is this kernel. Tornado
    runs the whole WebSocket session inside ``super().get()``, so the ``finally`` there
    is the one place that tears the kernel side down, whichever side ended first.
    """

    # Same resource and action as Jupyter's own kernel channels: whoever may run code
    # in the kernel may talk to its applet, and nobody else.
    auth_resource = "kernels"

    _kernel: ClientConnection | None = None
    _pump: asyncio.Task[None] | None = None
    _kernel_id = ""

    @property
    def max_message_size(self) -> int:
        """Browser frames up to :data:`MAX_FRAME_BYTES` (tornado's default is 10 MiB)."""
        return MAX_FRAME_BYTES

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """JSON errors, so the frontend can ``fetch`` this URL and show the reason."""
        message = self._reason
        error = (kwargs.get("exc_info") or (None, None))[1]
        if isinstance(error, HTTPError) and error.log_message:
            # tornado doubles "%" in a message given without args, so always format
            message = error.log_message % error.args
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": self._reason}))

    @ws_authenticated
    async def get(self, kernel_id: str) -> None:
        """Check the request, connect to the kernel, then upgrade and relay until closed."""
        self._kernel_id = kernel_id
        user = self.current_user
        allowed = await ensure_async(
            self.authorizer.is_authorized(self, user, "execute", "kernels")
        )
        if not allowed:
            raise HTTPError(403, "not allowed to execute code in kernels")
        # Tornado checks the origin too, but only inside super().get(), after we would
        # have connected to the kernel. Same rule (the mixin's check_origin), earlier.
        origin = self.request.headers.get("Origin") or self.request.headers.get(
            "Sec-Websocket-Origin")
        if origin is not None and not self.check_origin(origin):
            raise HTTPError(403, "cross-origin WebSocket refused")
        runtime_dir, key = self._kernel_facts(kernel_id)
        self._kernel = await self._connect(kernel_id, runtime_dir, key)
        if self.request.headers.get("Upgrade", "").lower() != "websocket":
            # The page's probe (frontend/src/transport/probe.ts): the relay reached the
            # kernel's listener and it proved itself. A plain 200, not tornado's 400 for
            # a missing upgrade, so that no console or server log shows an error for it.
            await self._shutdown()
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-store")
            self.finish(json.dumps({"reachable": True}))
            return
        try:
            await super().get(kernel_id=kernel_id)
        finally:
            # Reached when the session ends, and also when the upgrade was refused
            # (plain HTTP, bad origin): the kernel connection must not outlive us.
            await self._shutdown()

    def _kernel_facts(self, kernel_id: str) -> tuple[str, bytes]:
        """The kernel's runtime directory and connection key."""
        # The kernel puts its socket next to its own connection file, so reading the
        # same file here keeps both sides agreed even with a custom connection_dir.
        km = self.kernel_manager
        if kernel_id not in km:
            raise HTTPError(404, "no kernel with id %s", kernel_id)
        try:
            kernel = km.get_kernel(kernel_id)
        except KeyError:  # shut down between the two lines
            raise HTTPError(404, "no kernel with id %s", kernel_id) from None
        connection_file = getattr(kernel, "connection_file", "")
        if not connection_file or not os.path.isabs(connection_file):
            raise HTTPError(
                503,
                "ggbmagic cannot relay to kernel %s: it has no local connection file",
                kernel_id,
            )
        key = getattr(getattr(kernel, "session", None), "key", b"")
        return os.path.dirname(connection_file), key if isinstance(key, bytes) else b""

    async def _connect(self, kernel_id: str, runtime_dir: str, key: bytes) -> ClientConnection:
        challenge = secrets.token_hex(16)
        options: dict[str, Any] = {
            "additional_headers": {protocol.RELAY_CHALLENGE_HEADER: challenge},
            "max_size": MAX_FRAME_BYTES,
            "open_timeout": CONNECT_TIMEOUT,
            "close_timeout": CLOSE_TIMEOUT,
            # A local socket: compressing costs latency and saves nothing.
            "compression": None,
            # A dead kernel shows as EOF; pings would only close a relay whose kernel is
            # busy in C code holding the GIL. The browser's heartbeat covers liveness.
            "ping_interval": None,
        }
        try:
            kernel = await _open_listener(kernel_id, runtime_dir, key, options)
        except (FileNotFoundError, ConnectionRefusedError, ValueError):
            # No socket or port file, or one left behind by a kernel that has gone:
            # the user has not (or no longer) loaded the extension in this kernel.
            self.log.info("ggbmagic relay: no listener for kernel %s", kernel_id)
            raise HTTPError(503, NOT_LOADED) from None
        except TimeoutError:
            self.log.warning("ggbmagic relay: kernel %s listener did not answer", kernel_id)
            raise HTTPError(504, "the kernel's ggbmagic listener did not answer") from None
        except InvalidHandshake as error:
            self.log.warning(
                "ggbmagic relay: kernel %s refused the handshake: %s", kernel_id, error
            )
            raise HTTPError(502, "the kernel's ggbmagic listener refused the relay") from None
        except OSError as error:
            self.log.warning("ggbmagic relay: cannot reach kernel %s: %s", kernel_id, error)
            raise HTTPError(503, "cannot reach the kernel's ggbmagic listener: %s", error) from None
        proof = kernel.response.headers.get(protocol.RELAY_PROOF_HEADER, "") if (
            kernel.response is not None) else ""
        expected = protocol.relay_proof(key, kernel_id, challenge)
        if not hmac.compare_digest(proof.encode(), expected.encode()):
            with contextlib.suppress(Exception):
                await kernel.close(1008, "not this kernel's ggbmagic")
            self.log.warning(
                "ggbmagic relay: the listener for kernel %s did not prove it is the kernel's",
                kernel_id)
            raise HTTPError(502, "the listener for this kernel did not prove it is the kernel's "
                                 "ggbmagic; run %load_ext ggbmagic in the kernel again")
        return kernel


    async def open(self, *args: Any, **kwargs: Any) -> None:
        """Start the kernel → browser pump; the browser → kernel way is :meth:`on_message`."""
        super().open()  # the mixin's keep-alive pings to the browser
        # Replies are small and latency-bound; Nagle would hold them back.
        self.set_nodelay(True)
        self._pump = asyncio.create_task(self._pump_from_kernel())

    async def on_message(self, message: str | bytes) -> None:
        """Forward one browser frame to the kernel, unchanged.

        Tornado awaits this before it reads the next frame, so frames keep their order
        and a slow kernel slows the browser down instead of filling memory.
        """
        kernel = self._kernel
        if kernel is None:
            return
        try:
            await kernel.send(message)
        except ConnectionClosed:
            pass  # the pump sees the same close and tells the browser why
        except Exception:
            self.log.exception("ggbmagic relay: forwarding to kernel %s failed", self._kernel_id)
            self.close(1011, "relay error")

    def on_close(self) -> None:
        """The browser is gone; :meth:`get`'s ``finally`` closes the kernel side."""
        if self.ping_callback is not None:
            self.ping_callback.stop()
        self.log.debug(
            "ggbmagic relay: browser closed for kernel %s (%s)", self._kernel_id, self.close_code
        )

    async def _pump_from_kernel(self) -> None:
        kernel = self._kernel
        assert kernel is not None
        try:
            async for message in kernel:
                await self.write_message(message, binary=isinstance(message, bytes))
        except WebSocketClosedError:
            return  # browser gone: nothing left to tell it
        except ConnectionClosed:
            pass  # abnormal close: handled below like a clean one
        except Exception:
            self.log.exception("ggbmagic relay: forwarding from kernel %s failed", self._kernel_id)
            self.close(1011, "relay error")
            return
        if self.ws_connection is None:
            return  # the browser left first and we closed the kernel side
        code, reason = browser_close_for_kernel_close(kernel.close_code, kernel.close_reason)
        self.log.debug("ggbmagic relay: kernel %s closed (%s)", self._kernel_id, kernel.close_code)
        self.close(code, reason)

    async def _shutdown(self) -> None:
        kernel, self._kernel = self._kernel, None
        pump, self._pump = self._pump, None
        if kernel is not None:
            code, reason = kernel_close_for_browser_close(self.close_code, self.close_reason)
            try:
                await kernel.close(code, reason)
            except Exception:
                self.log.exception("ggbmagic relay: closing kernel %s connection", self._kernel_id)
                if pump is not None:
                    pump.cancel()
        if pump is not None:
            # Ends by itself once the kernel connection is closed and logs its own
            # errors; wait() neither re-raises them nor swallows our own cancellation.
            await asyncio.wait({pump})


async def _open_listener(kernel_id: str, runtime_dir: str, key: bytes,
                         options: dict[str, Any]) -> ClientConnection:
    """Connect to the kernel's listener: its Unix socket, or the loopback port in its port
    file (always on Windows; on POSIX when the kernel runs with GGBMAGIC_TRANSPORT=tcp,
    which leaves a port file and no socket). The kernel puts them in the usual private
    directory, or in its own fallback one when another user took that name first
    (:func:`ggbmagic.paths.candidates`); only directories of ours are looked in."""
    for path, port_file in zip(paths.candidates(kernel_id, runtime_dir, key, tcp=False),
                               paths.candidates(kernel_id, runtime_dir, key, tcp=True),
                               strict=True):
        if sys.platform != "win32" and is_private_dir(path.parent) and path.exists():
            return await unix_connect(str(path), **options)
        if (sys.platform == "win32" or is_private_dir(port_file.parent)) and (
                port_file.exists()):
            port = read_port_file(port_file)
            return await connect(f"ws://127.0.0.1:{port}/", **options)
    raise FileNotFoundError(f"no ggbmagic listener for kernel {kernel_id}")


def setup_handlers(serverapp: Any) -> None:
    """Register the relay under the server's base URL.

    Example: with ``base_url="/user/ana/"`` the browser opens
    ``ws://host/user/ana/ggbmagic/oob/1f0c2a9e-...``. The route only matches kernel
    ids (:data:`ggbmagic.paths.KERNEL_ID_PATTERN`), so ``..`` or ``/`` never reach us.
    """
    web_app = serverapp.web_app
    base_url = web_app.settings["base_url"]
    route = url_path_join(base_url, r"/ggbmagic/oob/(?P<kernel_id>" + paths.KERNEL_ID_PATTERN + ")")
    web_app.add_handlers(".*$", [(route, OOBRelayHandler)])
    # GeoGebra served by this server, when a bundle is installed (ggbmagic/bundle/).
    setup_geogebra_handlers(web_app)
