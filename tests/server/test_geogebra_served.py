"""The Jupyter server serves an installed GeoGebra bundle (ggbmagic/bundle/handler.py).

A synthetic bundle is installed with the product's own code into the server's data dir
(pytest-jupyter's ``jp_data_dir``, the server's ``--user`` dir), then fetched over real
HTTP from the real Jupyter server: content types, caching, authentication, traversal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from ggbmagic.bundle import store
from tests.bundles import make_bundle

V = "5.0.745.0"


@pytest.fixture
def installed(jp_data_dir: Path, tmp_path: Path) -> Path:
    src = make_bundle(tmp_path / "src", modules=("webSimple", "web3d"))
    info = store.install(src, data_dir=jp_data_dir)
    assert info.path == jp_data_dir / "ggbmagic" / "geogebra" / V
    return info.path


async def _status(fetch: Callable[..., Any], *parts: str, **kw: Any) -> int:
    try:
        resp = await fetch(*parts, **kw)
    except HTTPClientError as err:
        return int(err.code)
    return int(resp.code)


async def test_the_list_says_what_is_installed(jp_fetch: Callable[..., Any],
                                               jp_data_dir: Path, tmp_path: Path) -> None:
    resp = await jp_fetch("ggbmagic", "geogebra")
    assert json.loads(resp.body) == {"installed": []}
    assert resp.headers["Cache-Control"] == "no-store"
    store.install(make_bundle(tmp_path / "a", version="5.0.745.0"), data_dir=jp_data_dir)
    store.install(make_bundle(tmp_path / "b", version="5.0.800.0", modules=("web3d",)),
                  data_dir=jp_data_dir)
    # No restart needed: an install while the server runs shows at the next page load.
    resp = await jp_fetch("ggbmagic", "geogebra")
    assert json.loads(resp.body) == {"installed": [
        {"version": "5.0.800.0", "modules": ["web3d"], "path": "ggbmagic/geogebra/5.0.800.0/"},
        {"version": "5.0.745.0", "modules": ["webSimple"],
         "path": "ggbmagic/geogebra/5.0.745.0/"},
    ]}


@pytest.mark.parametrize(("path", "content_type"), [
    ("deployggb.js", "text/javascript; charset=utf-8"),
    ("HTML5/5.0/webSimple/webSimple.nocache.js", "text/javascript; charset=utf-8"),
    ("HTML5/5.0/css/general.css", "text/css; charset=utf-8"),
    ("HTML5/5.0/web3d/fonts/latin/font.woff2", "font/woff2"),
    ("HTML5/5.0/web3d/clear.cache.gif", "image/gif"),
    ("ggbmagic-geogebra.json", "application/json"),
])
async def test_files_are_served_with_types_and_long_caching(
        jp_fetch: Callable[..., Any], installed: Path, path: str, content_type: str) -> None:
    resp = await jp_fetch("ggbmagic", "geogebra", V, *path.split("/"))
    assert resp.body == (installed / path).read_bytes()
    assert resp.headers["Content-Type"] == content_type
    assert resp.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert resp.headers.get("Etag")


async def test_head_and_conditional_get(jp_fetch: Callable[..., Any], installed: Path) -> None:
    head = await jp_fetch("ggbmagic", "geogebra", V, "deployggb.js", method="HEAD")
    assert head.code == 200 and head.body == b""
    etag = head.headers["Etag"]
    code = await _status(jp_fetch, "ggbmagic", "geogebra", V, "deployggb.js",
                         headers={"If-None-Match": etag})
    assert code == 304


@pytest.mark.parametrize("parts", [
    ("5.0.1.0", "deployggb.js"),                       # version not installed
    (V, "HTML5", "5.0", "webSimple", "nothere.js"),     # file not installed
    (V, "HTML5", "5.0", "webSimple", "html", "skydriveproxy.php"),  # left out on install
    ("latest", "deployggb.js"),                        # not a version: no route
    ("..", "..", "etc", "passwd"),
    ("5.0.745.0%2F..%2F..", "ggbmagic-geogebra.json"),
])
async def test_what_is_not_installed_is_not_found(jp_fetch: Callable[..., Any],
                                                  installed: Path, parts: tuple[str, ...]) -> None:
    assert await _status(jp_fetch, "ggbmagic", "geogebra", *parts) == 404


@pytest.mark.parametrize("path", ["..%2F..%2F..%2Fsecret.txt", "%2E%2E/%2E%2E/secret.txt",
                                  "HTML5/..%2F..%2F..%2Fsecret.txt"])
async def test_no_path_leaves_the_versions_folder(jp_fetch: Callable[..., Any], installed: Path,
                                                  path: str) -> None:
    secret = installed.parent.parent / "secret.txt"
    secret.write_text("not GeoGebra")
    code = await _status(jp_fetch, "ggbmagic", "geogebra", V, path)
    assert code in (403, 404)


@pytest.mark.parametrize("parts", [("ggbmagic", "geogebra"),
                                   ("ggbmagic", "geogebra", V, "deployggb.js")])
async def test_the_servers_login_is_required(jp_fetch: Callable[..., Any], installed: Path,
                                             parts: tuple[str, ...]) -> None:
    code = await _status(jp_fetch, *parts, headers={"Authorization": ""},
                         follow_redirects=False)
    assert code in (302, 403)
    wrong = await _status(jp_fetch, *parts, headers={"Authorization": "token wrong"},
                          follow_redirects=False)
    assert wrong in (302, 403)
