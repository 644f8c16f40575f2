"""The Jupyter server serves installed GeoGebra bundles itself: same origin, no CORS.

Routes (under the server's ``base_url``, both behind the server's own login):

=================================================  ==========================================
``GET ggbmagic/geogebra``                          JSON: the installed versions, newest first,
                                                   each ``{version, modules, path}`` (``path``
                                                   relative to ``base_url``); ``no-store``
``GET ggbmagic/geogebra/<version>/<file>``         the file; ``private, max-age=1 year,
                                                   immutable`` (the version is in the URL)
unknown version, file not installed                404
a path that leaves the version's folder            403 (tornado's check) or 404 (no route)
not logged in                                      403 (or the login page for a browser GET)
=================================================  ==========================================

The browser asks for the list once per page (``frontend/src/host.ts``) and, unless the
settings name another GeoGebra, loads ``<version>/deployggb.js`` with the codebase
``<version>/HTML5/5.0/<module>/``.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .checks import VERSION_PATTERN
from .store import find, installed

__all__ = ["CACHE_CONTROL", "CONTENT_TYPES", "GeoGebraFileHandler", "GeoGebraListHandler",
           "setup_handlers"]

#: Files under a version never change: a reinstall of the same version is the same files.
CACHE_CONTROL = "private, max-age=31536000, immutable"

#: By suffix; the table, not the platform's mimetypes (which lacks woff2 on some systems).
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".wasm": "application/wasm",
}

PREFIX = "ggbmagic/geogebra"


class GeoGebraListHandler(JupyterHandler):
    """``GET ggbmagic/geogebra``: what is installed (for the panel's default)."""

    @web.authenticated
    def get(self) -> None:
        body = [{"version": i.version, "modules": list(i.modules),
                 "path": f"{PREFIX}/{i.version}/"} for i in installed()]
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"installed": body}))


class GeoGebraFileHandler(JupyterHandler, web.StaticFileHandler):
    """One file of an installed bundle, with tornado's traversal check and ETags."""

    # The route gives (version, path), not tornado's (path): these signatures differ.
    def initialize(self) -> None:  # type: ignore[override]
        # The root depends on the version asked for; ``_serve`` sets it.
        web.StaticFileHandler.initialize(self, path="/nonexistent-ggbmagic-geogebra")

    @property
    def content_security_policy(self) -> str:
        # Scripts are loaded by the page, not opened as documents; should a file be
        # opened as one (an SVG), it gets a unique origin, not Jupyter's.
        return str(super().content_security_policy) + "; sandbox allow-scripts"

    def check_xsrf_cookie(self) -> None:
        """No XSRF token for reading these files, also under JupyterHub.

        GeoGebra fetches part of its own code with XMLHttpRequest (GWT's deferred
        fragments, ``deferredjs/<permutation>/<n>.cache.js``: ``Sec-Fetch-Mode: cors``)
        and sends no XSRF token. JupyterHub's single-user servers then refuse the login
        cookie for such a request (it calls this method; measured: a 302 to the hub's
        OAuth for every fragment, and GeoGebra never started). These are read-only GETs
        of public files, and other sites cannot read the answers (no CORS headers), so
        there is nothing to forge; anything else keeps the usual check.
        """
        if self.request.method in ("GET", "HEAD"):
            return
        super().check_xsrf_cookie()

    @web.authenticated
    async def get(self, version: str, path: str) -> None:  # type: ignore[override]
        await self._serve(version, path, include_body=True)

    @web.authenticated
    async def head(self, version: str, path: str) -> None:  # type: ignore[override]
        await self._serve(version, path, include_body=False)

    async def _serve(self, version: str, path: str, include_body: bool) -> None:
        info = find(version)
        if info is None:
            raise web.HTTPError(404, f"GeoGebra {version} is not installed")
        self.root = str(info.path)
        # tornado's validate_absolute_path refuses (403) what resolves outside root.
        await web.StaticFileHandler.get(self, path, include_body)

    def get_content_type(self) -> str:
        assert self.absolute_path is not None
        name = self.absolute_path.rsplit("/", 1)[-1]
        suffix = name[name.rfind("."):].lower() if "." in name else ""
        return CONTENT_TYPES.get(suffix, "application/octet-stream")

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return 0  # set_extra_headers says it, with `immutable`

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", CACHE_CONTROL)


def setup_handlers(web_app: Any) -> None:
    """Register both routes under ``base_url``; the version must look like ``5.0.745.0``."""
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [
        (url_path_join(base_url, PREFIX), GeoGebraListHandler),
        (url_path_join(base_url, PREFIX, rf"(?P<version>{VERSION_PATTERN})/(?P<path>.+)"),
         GeoGebraFileHandler),
    ])
