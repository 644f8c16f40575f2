"""Fixtures for the end-to-end tests: a real JupyterLab server, headless Chromium, pages.

* ``lab_server`` (session): ``jupyter lab`` with ggbmagic's server extension on a free
  port, fresh root/workspaces/runtime directories and a random token.
* ``browser`` (session): Debian's Chromium through Playwright. If it cannot start the
  tests fail; they are never skipped.
* ``lab`` (per test): a fresh browser context whose routes answer
  ``https://www.geogebra.org/apps/deployggb.js`` with the GeoGebra *test double*
  (tests/browser/assets) and every other foreign URL with 404.
* ``notebook`` (per test): a new notebook named after the test, opened and connected.

On failure the screenshot, the browser console and the server log are kept under
``test-artifacts/<test name>/``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from ._lab import LabPage, launch_chromium
from ._server import LabServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    node = request.node
    return any(getattr(getattr(node, f"rep_{when}", None), "failed", False)
               for when in ("setup", "call"))


def artifact_dir(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    return ARTIFACTS / name


def save_server_log(server: LabServer, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if server.log_path.exists():
        shutil.copy(server.log_path, directory / "server.log")


# Package scope, not session: while Playwright's sync API is open, its asyncio loop is
# the main thread's *running* loop (it runs in a greenlet on this thread), so
# jupyter_core's ensure_event_loop() -- and with it pytest-jupyter's jp_asyncio_loop in
# tests/server -- would get that loop and fail with "This event loop is already running".
# Closing Playwright when pytest leaves tests/browser lets the suites run in any order.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    # No try/except: a browser that cannot start is a failure, not a skip.
    b = launch_chromium(playwright_instance)
    yield b
    b.close()


def _server(name: str, **kwargs: Any) -> Iterator[LabServer]:
    server = LabServer(name=name, **kwargs)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(server.log_path, ARTIFACTS / f"server-{name}-last.log")
        server.cleanup()


@pytest.fixture(scope="session")
def lab_server() -> Iterator[LabServer]:
    yield from _server("session")


@pytest.fixture
def server(lab_server: LabServer) -> LabServer:
    """The server the ``lab`` fixture uses; a module may override it (e.g. a base URL)."""
    return lab_server


@pytest.fixture
def lab(request: pytest.FixtureRequest, browser: Browser, server: LabServer) -> Iterator[LabPage]:
    page = LabPage.open(browser, server)
    yield page
    if _failed(request):
        d = artifact_dir(request)
        page.save_artifacts(d)
        save_server_log(server, d)
    page.close()
    # Each test's kernels go with it: the next test starts from a quiet server.
    server.shutdown_all_sessions()


@pytest.fixture
def nb_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name).strip("_")[:60] + ".ipynb"


@pytest.fixture
def notebook(lab: LabPage, nb_name: str) -> str:
    """A new, empty notebook named after the test, open in JupyterLab with a live kernel."""
    lab.server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    return nb_name
