"""The real GeoGebra for the tests: where its files are, and a static server for them.

GeoGebra's files can never be committed or shipped (its licence allows non-commercial
use only, and they are another project's code), so they live outside the repository, in
a folder given by ``$GGBMAGIC_REAL_GEOGEBRA`` (default ``~/.cache/ggbmagic/real-geogebra``)
that holds an unpacked GeoGebra Math Apps Bundle with at least the module webSimple:

    GeoGebra/deployggb.js
    GeoGebra/HTML5/5.0/webSimple/webSimple.nocache.js   (and the rest of that folder)
    GeoGebra/HTML5/5.0/css/

When that folder is there, the browser tests install it into their Jupyter server with
the product's own ``jupyter ggbmagic geogebra install`` and reach it only through the
server extension (``_server.py``); the conformance suite and the benchmarks load it on a
plain page served by :class:`GeoGebraFiles`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Self

__all__ = [
    "MARKER",
    "REAL_GEOGEBRA_HINT",
    "GeoGebraFiles",
    "StaticServer",
    "default_real_geogebra_dir",
    "real_geogebra_dir",
]

#: The file whose presence means "the real GeoGebra is extracted here".
MARKER = "GeoGebra/HTML5/5.0/webSimple/webSimple.nocache.js"
DEPLOYGGB_PATH = "GeoGebra/deployggb.js"
CODEBASE_PATH = "GeoGebra/HTML5/5.0/webSimple/"

REAL_GEOGEBRA_HINT = (
    "put an unpacked GeoGebra Math Apps Bundle folder (GeoGebra/deployggb.js, "
    "GeoGebra/HTML5/5.0/webSimple/, GeoGebra/HTML5/5.0/css/) at ~/.cache/ggbmagic/real-geogebra "
    "or set GGBMAGIC_REAL_GEOGEBRA to one (docs/development.md)"
)


def default_real_geogebra_dir() -> Path:
    """Where the real GeoGebra is looked for: $GGBMAGIC_REAL_GEOGEBRA or the cache."""
    env = os.environ.get("GGBMAGIC_REAL_GEOGEBRA")
    return Path(env) if env else Path.home() / ".cache" / "ggbmagic" / "real-geogebra"


def real_geogebra_dir() -> Path | None:
    """The real GeoGebra's bundle folder, or None when it is absent."""
    d = default_real_geogebra_dir()
    return d if (d / MARKER).is_file() else None


class _Handler(SimpleHTTPRequestHandler):
    """Static files with CORS ``*`` (the page's origin is JupyterLab's, not ours)."""

    requests: list[str]
    extra: dict[str, tuple[str, bytes]]

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        # Each test loads GeoGebra afresh in a new browser context; caching is moot,
        # and a stale file after a re-extraction would be confusing.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        self.requests.append(self.path)
        known = self.extra.get(self.path.split("?", 1)[0])
        if known is None:
            super().do_GET()
            return
        content_type, body = known
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the list of requested paths is the log


class StaticServer:
    """A threaded static HTTP server on 127.0.0.1 with CORS ``*``, until :meth:`stop`.

    Serves the folder ``root`` (if any) plus ``extra`` files held in memory
    (``{"/path": (content_type, bytes)}``). The listening socket is bound to port 0 in
    ``__init__`` and kept, so the port is known before :meth:`start` and nothing else
    can take it in between.
    """

    def __init__(self, root: Path | None = None,
                 extra: dict[str, tuple[str, bytes]] | None = None) -> None:
        self.root = root
        #: Every path that was asked for, in order (query strings kept).
        self.requests: list[str] = []
        self.extra: dict[str, tuple[str, bytes]] = dict(extra or {})
        handler = type("Handler", (_Handler,), {"requests": self.requests,
                                                 "extra": self.extra})
        # Without a root nothing but ``extra`` is served: an empty temporary folder
        # would do too, but a directory that does not exist answers 404 just as well.
        directory = str(root) if root is not None else "/nonexistent-ggbmagic-static"
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                          partial(handler, directory=directory),
                                          bind_and_activate=False)
        self._httpd.daemon_threads = True
        self._httpd.server_bind()
        self._httpd.server_activate()
        self.port = int(self._httpd.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.origin}/{path.lstrip('/')}"

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever,
                                            name="static-files", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        with contextlib.suppress(OSError):
            self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class GeoGebraFiles(StaticServer):
    """:class:`StaticServer` for the real GeoGebra's folder (raises if it is absent).

    >>> files = GeoGebraFiles().start()          # doctest: +SKIP
    >>> files.deployggb_url, files.codebase_url  # doctest: +SKIP
    ('http://127.0.0.1:40321/GeoGebra/deployggb.js',
     'http://127.0.0.1:40321/GeoGebra/HTML5/5.0/webSimple/')
    """

    def __init__(self, root: Path | None = None,
                 extra: dict[str, tuple[str, bytes]] | None = None) -> None:
        found = root if root is not None else real_geogebra_dir()
        if found is None or not (found / MARKER).is_file():
            raise FileNotFoundError(
                f"no real GeoGebra at {root or default_real_geogebra_dir()} "
                f"(no {MARKER}); {REAL_GEOGEBRA_HINT}")
        super().__init__(found, extra)

    @property
    def deployggb_url(self) -> str:
        return f"{self.origin}/{DEPLOYGGB_PATH}"

    @property
    def codebase_url(self) -> str:
        return f"{self.origin}/{CODEBASE_PATH}"
