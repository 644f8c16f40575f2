"""The real-GeoGebra mode's plumbing: finding the files, serving them, installing them.

No browser and no GeoGebra needed: a synthetic bundle folder (tests/bundles.py) stands in.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.bundles import make_bundle

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
    root = make_bundle(tmp_path / "real-geogebra", version="5.0.745.0",
                       loader='var GGBApplet = null; // not GeoGebra\n'
                              'codebase="https://www.geogebra.org/apps/5.0.745.0/"\n')
    assert (root / MARKER).is_file()
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


def test_real_mode_installs_with_the_products_command(fake_geogebra: Path) -> None:
    server = LabServer(name="install", geogebra="real")
    try:
        assert server.install_geogebra() == "5.0.745.0"
        assert "installed GeoGebra 5.0.745.0" in server.install_log
        folder = server.data_dir / "ggbmagic" / "geogebra" / "5.0.745.0"
        assert (folder / "deployggb.js").read_bytes() == \
            (fake_geogebra / "GeoGebra" / "deployggb.js").read_bytes()
        manifest = json.loads((folder / "ggbmagic-geogebra.json").read_text())
        assert manifest["modules"] == ["webSimple"]
        # No settings are written: the product's default finds the installed bundle.
        assert not any(server.settings_dir.rglob("*.jupyterlab-settings"))
        server.port = 8888  # what start() would have read back
        assert server.deployggb_url == \
            "http://127.0.0.1:8888/ggbmagic/geogebra/5.0.745.0/deployggb.js"
    finally:
        server.stop()
        server.cleanup()
    with pytest.raises(ValueError, match="double"):
        LabServer(geogebra="fake")
