"""GeoGebra served by the Jupyter server itself: installed once, loaded same-origin.

On both GeoGebras the bundle is installed with the product's own
``jupyter ggbmagic geogebra install`` into the server's data dir: ``[real]`` the real
GeoGebra's folder (as every ``[real]`` server), ``[double]`` the test double wrapped in
a bundle folder (tests/bundles.py), so CI runs this path too. The server runs under a
JupyterHub-like base URL; nothing is routed: every GeoGebra request must go to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Request

from tests.bundles import DOUBLE_BUNDLE_VERSION, double_bundle

from ._lab import LabPage
from ._server import LabServer
from .conftest import _server
from .test_magics import LOAD_AND_DISTANCE, _assert_distance_5

BASE_URL = "/user/bob/"


@pytest.fixture(scope="module")
def bob_server(geogebra: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    for server in _server(f"bob-{geogebra}", base_url=BASE_URL, geogebra=geogebra):
        if geogebra == "double":
            # Installed after the start: the server picks it up without a restart.
            server.install_geogebra(double_bundle(tmp_path_factory.mktemp("double")),
                                    "--geogebra-version", DOUBLE_BUNDLE_VERSION)
        yield server


@pytest.fixture
def server(bob_server: LabServer) -> LabServer:
    return bob_server


def test_geogebra_comes_from_the_jupyter_server(lab: LabPage, notebook: str) -> None:
    # The page's own route for the loader is dropped: the server must answer it.
    lab.context.unroute(lab.deployggb_url)
    requests: list[str] = []
    lab.page.on("request", lambda r: requests.append(r.url))
    version = lab.server.geogebra_version
    prefix = f"{lab.server.origin}{BASE_URL}ggbmagic/geogebra/{version}/"

    cell = lab.run(notebook, LOAD_AND_DISTANCE, clean=True)
    _assert_distance_5(cell.text)
    kid = lab.kernel_id(notebook)
    panel = lab.wait_ggb_ready(kid, timeout_ms=30_000)

    served = [u for u in requests if "/ggbmagic/geogebra/" in u]
    assert served and all(u.startswith(prefix) for u in served), served
    assert f"{prefix}deployggb.js" in served
    if lab.geogebra == "real":
        # GeoGebra's own module files came from the codebase the panel chose.
        assert any(u.startswith(f"{prefix}HTML5/5.0/webSimple/") for u in served), served
    assert not lab.blocked_requests, lab.blocked_requests[:5]

    applet_version = lab.applet_api(kid, "(api) => api.getVersion()")
    text = panel.first.get_attribute("data-ggbmagic-geogebra") or ""
    assert text == f"GeoGebra {applet_version} (webSimple) from this Jupyter server", text

    status = lab.run(notebook, "%ggb", clean=True).text
    assert "this Jupyter server (installed bundle, module webSimple)" in status, status
    assert str(applet_version) in status, status


@pytest.mark.double_only(reason="the school URL is answered by the double; the real "
                                "GeoGebra's codebase would have to be routed as well")
def test_settings_still_name_any_geogebra(lab: LabPage, nb_name: str) -> None:
    settings = lab.server.settings_dir / "ggbmagic" / "plugin.jupyterlab-settings"
    school = "https://school.example/GeoGebra/deployggb.js"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"deployggbUrl": school}))
    try:
        asked: list[Request] = []

        def answer(route: object) -> None:
            from playwright.sync_api import Route

            assert isinstance(route, Route)
            asked.append(route.request)
            route.fulfill(status=200, path=str(Path(__file__).parent / "assets" /
                                               "deployggb_double.js"),
                          headers={"Content-Type": "text/javascript"})

        lab.context.route(school, answer)
        lab.server.create_notebook(nb_name)
        lab.goto_notebook(nb_name)
        cell = lab.run(nb_name, LOAD_AND_DISTANCE, clean=True)
        _assert_distance_5(cell.text)
        assert [r.url for r in asked] == [school]
        status = lab.run(nb_name, "%ggb", clean=True).text
        assert f"{school} (settings)" in status, status
    finally:
        settings.unlink()
