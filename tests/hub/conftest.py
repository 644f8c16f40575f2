"""Fixtures for the JupyterHub class: Chromium (package scope, like tests/browser) and the
figures line at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.browser._lab import launch_chromium

#: Filled by the tests: one line per GeoGebra, printed at the end of the run.
FIGURES: list[str] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/hub/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.hub)


# Package scope, as in tests/browser/conftest.py: Playwright's sync API keeps its loop
# running on this thread while it is open, which other suites' loops must not meet.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    b = launch_chromium(playwright_instance)  # no try: a browser that cannot start fails
    yield b
    b.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in FIGURES:
        terminalreporter.write_line(line, bold=True)
