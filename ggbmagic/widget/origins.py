"""Which pages may open the widget's loopback socket — pure.

The loopback listener is reachable by every program on this machine and by every page
open in a browser on it. The token (handed over in the widget's state) is what lets a
peer in; the ``Origin`` check is the second lock: a page that does not come from this
machine (any web site the user has open) is refused before it can try a token, with
HTTP 403 (docs/protocol.md, "The widget's loopback socket").
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["LOOPBACK_HOSTS", "origin_allowed"]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: Schemes of notebook frontends that run on the user's machine (VS Code's webviews).
LOCAL_SCHEMES = frozenset({"vscode-webview"})


def origin_allowed(origin: str | None, extra: Iterable[str] = ()) -> bool:
    """Whether a WebSocket handshake with this ``Origin`` header may go on.

    No ``Origin`` at all is a program, not a page (a browser always sends one): it may
    try, and needs the token like everyone else. *extra* lists further origins allowed
    as they are (``GeoGebraWidget(allow_origins=[...])``).

    >>> origin_allowed("http://127.0.0.1:2718"), origin_allowed("http://localhost:8888")
    (True, True)
    >>> origin_allowed("https://evil.example"), origin_allowed("null")
    (False, False)
    >>> origin_allowed("http://notebook.test:2718", extra=["http://notebook.test:2718"])
    True
    >>> origin_allowed(None)
    True
    """
    if origin is None:
        return True
    origin = origin.strip()
    if origin in set(extra):
        return True
    try:
        parts = urlsplit(origin)
        host = (parts.hostname or "").lower()
        _ = parts.port  # a malformed port raises
    except ValueError:
        return False
    if parts.scheme in LOCAL_SCHEMES:
        return True
    if parts.scheme not in ("http", "https"):
        return False
    return host in LOOPBACK_HOSTS or host.endswith(".localhost")
