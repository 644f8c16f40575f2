"""Fixtures for the end-to-end tests: a real JupyterLab server, headless Chromium, pages.

* ``lab_server`` (session): ``jupyter lab`` with ggbmagic's server extension on a free
  port, fresh root/workspaces/runtime directories and a random token.
* ``browser`` (session): Debian's Chromium through Playwright. If it cannot start the
  tests fail; they are never skipped.
* ``geogebra`` (session, parametrized): ``"double"`` or ``"real"``; every test that uses
  ``lab_server``/``server`` (so ``lab`` and ``notebook``) runs on both, ids ``[double]`` and
  ``[real]``. ``"double"``: the product's default settings, and the browser's route
  answers ``https://www.geogebra.org/apps/deployggb.js`` with the GeoGebra *test double*
  (tests/browser/assets). ``"real"``: the product's own self-hosted settings
  (``deployggbUrl``/``html5Codebase``) point at the real GeoGebra, served from the folder
  ``../shared/tools/real-geogebra.py`` extracts (see ``_geogebra.py``); nothing of the
  double is routed. The ``[real]`` variants carry the marker ``real_geogebra``
  (``-m real_geogebra`` runs them alone) and are skipped when the files are absent —
  the one allowed skip, summed up in one loud line at the end of the run (with
  ``GGBMAGIC_REQUIRE_REAL_GEOGEBRA=1`` they fail instead). ``@pytest.mark.double_only``
  (a test that relies on the double's own hooks) drops the ``[real]`` variant,
  ``@pytest.mark.real_only`` the ``[double]`` one.
* ``lab`` (per test): a fresh browser context; every URL not served by our own servers
  is answered 404 and recorded, and a test that tried to reach geogebra.org fails.
* ``notebook`` (per test): a new notebook named after the test, opened and connected.
* ``nb7_server`` / ``nb7`` / ``nb7_notebook``: the same for Jupyter Notebook 7
  (``jupyter notebook``; its page helpers are in ``_nb7.py``).

On failure the screenshot, the browser console and the server log are kept under
``test-artifacts/<test name>/``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from ._gateway import (  # noqa: F401 - fixtures for the remote-kernel tests
    gw_lab,
    gw_nb7,
    gw_nb7_server,
    gw_server,
    kernel_gateway,
)
from ._geogebra import REAL_GEOGEBRA_HINT, default_real_geogebra_dir, real_geogebra_dir
from ._lab import LabPage, launch_chromium
from ._nb7 import NotebookPage
from ._server import LabServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
#: Set (to 1) by ``make test-real``: a missing real GeoGebra is then a failure.
REQUIRE_REAL = "GGBMAGIC_REQUIRE_REAL_GEOGEBRA"
_SKIP_TAG = "no real GeoGebra at"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that needs a GeoGebra on both: ``[double]`` and ``[real]``."""
    if "geogebra" not in metafunc.fixturenames:
        return
    double_only = metafunc.definition.get_closest_marker("double_only") is not None
    real_only = metafunc.definition.get_closest_marker("real_only") is not None
    if double_only and real_only:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: double_only and real_only")
    for name in ("double_only", "real_only"):
        mark = metafunc.definition.get_closest_marker(name)
        if mark is not None and not (mark.args or mark.kwargs.get("reason")):
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: say why, @pytest.mark.{name}(reason=...)")
    params = []
    if not real_only:
        params.append(pytest.param("double", id="double"))
    if not double_only:
        params.append(pytest.param("real", id="real", marks=pytest.mark.real_geogebra))
    metafunc.parametrize("geogebra", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def geogebra(request: pytest.FixtureRequest) -> str:
    """Which GeoGebra the page gets: "double" (the test double) or "real"."""
    which = str(getattr(request, "param", "double"))
    if which == "real" and real_geogebra_dir() is None:
        where = f"{_SKIP_TAG} {default_real_geogebra_dir()}"
        if os.environ.get(REQUIRE_REAL):
            pytest.fail(f"{where}; {REAL_GEOGEBRA_HINT}", pytrace=False)
        pytest.skip(f"{where} (see the REAL GEOGEBRA line)")
    return which


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The one loud line when the real-GeoGebra variants could not run."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "real_geogebra" in getattr(r, "keywords", {})
               and _SKIP_TAG in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_line(
            f"REAL GEOGEBRA: {len(skipped)} real-GeoGebra tests did not run — "
            f"{_SKIP_TAG} {default_real_geogebra_dir()}; {REAL_GEOGEBRA_HINT}",
            red=True, bold=True)


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
def lab_server(geogebra: str) -> Iterator[LabServer]:
    yield from _server(f"session-{geogebra}", geogebra=geogebra)


@pytest.fixture
def server(lab_server: LabServer) -> LabServer:
    """The server the ``lab`` fixture uses; a module may override it (e.g. a base URL)."""
    return lab_server


@pytest.fixture(scope="session")
def nb7_server(geogebra: str) -> Iterator[LabServer]:
    yield from _server(f"nb7-{geogebra}", app="notebook", geogebra=geogebra)


@pytest.fixture
def nb7(request: pytest.FixtureRequest, browser: Browser,
        nb7_server: LabServer) -> Iterator[NotebookPage]:
    page = NotebookPage.open(browser, nb7_server)
    yield page
    if _failed(request):
        d = artifact_dir(request)
        page.save_artifacts(d)
        save_server_log(nb7_server, d)
    page.close()
    nb7_server.shutdown_all_sessions()
    assert not page.geogebra_org_requests, (
        f"requests to geogebra.org (blocked): {page.geogebra_org_requests[:5]}")


@pytest.fixture
def nb7_notebook(nb7: NotebookPage, nb_name: str) -> str:
    """A new, empty notebook named after the test, open in Notebook 7 with a live kernel."""
    nb7.server.create_notebook(nb_name)
    nb7.goto_notebook(nb_name)
    return nb_name


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
    # GeoGebra is reached only through the product's settings: the double's route, or
    # the self-hosted real files. A request to geogebra.org means something reached out.
    assert not page.geogebra_org_requests, (
        f"requests to geogebra.org (blocked): {page.geogebra_org_requests[:5]}")


@pytest.fixture
def nb_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name).strip("_")[:60] + ".ipynb"


@pytest.fixture
def notebook(lab: LabPage, nb_name: str) -> str:
    """A new, empty notebook named after the test, open in JupyterLab with a live kernel."""
    lab.server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    return nb_name
