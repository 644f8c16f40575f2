"""Fixtures for the widget tests: a real ``marimo run`` server (``marimo_server``) with the
test notebooks of ``notebooks/`` and the quick-start lesson, pages on it in headless
Chromium, and — for the JupyterLab tests — the browser suite's own fixtures.

The ``[double]`` / ``[real]`` parametrization, Chromium and the JupyterLab server are the
browser suite's (tests/browser/conftest.py), imported here so that they behave the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import _failed as failed
from tests.browser.conftest import (  # noqa: F401 - fixtures and hooks, used by name
    artifact_dir,
    browser,
    geogebra,
    lab,
    lab_server,
    nb7,
    nb7_notebook,
    nb7_server,
    nb_name,
    notebook,
    playwright_instance,
    pytest_generate_tests,
    pytest_runtest_makereport,
    server,
)

from ._marimo import NOTEBOOKS, MarimoPage, MarimoServer

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "notebooks" / "marimo-quickstart.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def marimo_server(geogebra: str) -> Iterator[MarimoServer]:  # noqa: F811
    """One ``marimo run`` of the test notebooks and the lesson (a gallery: ?file=…)."""
    srv = MarimoServer([*sorted(NOTEBOOKS.glob("*.py")), QUICKSTART], geogebra=geogebra)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
        srv.cleanup()


def _page(request: pytest.FixtureRequest, chromium: Browser, mserver: MarimoServer,
          host: str = "127.0.0.1") -> Iterator[MarimoPage]:
    page = MarimoPage.open(chromium, mserver, host=host)
    yield page
    if failed(request):
        page.save_artifacts(artifact_dir(request))
    page.close()
    assert not page.geogebra_org_requests, page.geogebra_org_requests[:5]


@pytest.fixture
def marimo(request: pytest.FixtureRequest, browser: Browser,  # noqa: F811
           marimo_server: MarimoServer) -> Iterator[MarimoPage]:
    yield from _page(request, browser, marimo_server)
