"""Suite-wide ordering: the browser tests run last.

Playwright's sync API keeps an asyncio loop running on the main thread for as long as
its session-scoped browser lives; pytest-jupyter's fixtures (tests/server) must not run
while it does. Running the browser suite last keeps one pytest invocation and one summary.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None
               or item.nodeid.startswith("tests/browser/"))
