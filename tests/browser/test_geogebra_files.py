"""The real-GeoGebra mode's plumbing: finding the files, serving them, the settings.

No browser and no GeoGebra needed: a fake folder with the marker file stands in.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ._geogebra import (
    MARKER,
    REAL_GEOGEBRA_HINT,
    GeoGebraFiles,
    StaticServer,
    real_geogebra_dir,
)
from ._server import LabServer


@pytest.fixture
def fake_geogebra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "real-geogebra"
    (root / MARKER).parent.mkdir(parents=True)
    (root / MARKER).write_text("// not GeoGebra")
    (root / "GeoGebra" / "deployggb.js").write_text("var GGBApplet = null; // not GeoGebra")
    monkeypatch.setenv("GGBMAGIC_REAL_GEOGEBRA", str(root))
    return root


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_real_geogebra_dir_needs_the_marker(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GGBMAGIC_REAL_GEOGEBRA", str(tmp_path))
    assert real_geogebra_dir() is None
    with pytest.raises(FileNotFoundError) as info:
        GeoGebraFiles()
    assert str(tmp_path) in str(info.value)
    assert REAL_GEOGEBRA_HINT in str(info.value)
    (tmp_path / MARKER).parent.mkdir(parents=True)
    (tmp_path / MARKER).write_text("")
    assert real_geogebra_dir() == tmp_path


def test_files_are_served_with_cors_and_recorded(fake_geogebra: Path) -> None:
    with GeoGebraFiles() as files:
        assert files.deployggb_url == f"http://127.0.0.1:{files.port}/GeoGebra/deployggb.js"
        assert files.codebase_url.endswith("/GeoGebra/HTML5/5.0/webSimple/")
        status, headers, body = _get(files.deployggb_url)
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert b"not GeoGebra" in body
        status, _, _ = _get(files.url("GeoGebra/nope.js"))
        assert status == 404
        assert files.requests == ["/GeoGebra/deployggb.js", "/GeoGebra/nope.js"]


def test_static_server_serves_extra_files_from_memory() -> None:
    with StaticServer(None, {"/page.html": ("text/html", b"<p>hi</p>")}) as server:
        status, headers, body = _get(server.url("page.html?x=1"))
        assert (status, body) == (200, b"<p>hi</p>")
        assert headers["Content-Type"] == "text/html"
        assert _get(server.url("other"))[0] == 404


def test_real_mode_writes_the_products_own_settings(fake_geogebra: Path) -> None:
    with GeoGebraFiles() as files:
        server = LabServer(name="settings", geogebra="real", geogebra_files=files)
        try:
            server._write_real_settings()
            path = server.settings_dir / "ggbmagic" / "plugin.jupyterlab-settings"
            assert json.loads(path.read_text()) == {"deployggbUrl": files.deployggb_url,
                                                    "html5Codebase": files.codebase_url}
            assert server.deployggb_url == files.deployggb_url
        finally:
            server.stop()
            server.cleanup()
    with pytest.raises(ValueError, match="double"):
        LabServer(geogebra="fake")
