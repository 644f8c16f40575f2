"""A real IPython shell without a kernel, as in terminal IPython (jupysql's TestingShell).

History is off (no SQLite file), and ``run_cell`` raises the cell's error, so a test
sees exactly what the user's cell raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import ExecutionResult, InteractiveShell
from traitlets.config import Config


class TestingShell(InteractiveShell):
    """A real InteractiveShell whose ``run_cell`` raises the cell's exception."""

    __test__ = False  # not a test class, whatever its name

    def run_cell(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = super().run_cell(*args, **kwargs)
        result.raise_error()
        return result


def _config() -> Config:
    config = Config()
    config.HistoryManager.enabled = False
    return config


@pytest.fixture
def shell() -> Iterator[TestingShell]:
    """A fresh terminal-like shell: no ``kernel`` attribute, so no frontend."""
    ip = TestingShell.instance(config=_config())
    assert getattr(ip, "kernel", None) is None
    try:
        yield ip
    finally:
        if "ggbmagic" in ip.extension_manager.loaded:
            ip.run_line_magic("unload_ext", "ggbmagic")
        TestingShell.clear_instance()


@pytest.fixture
def plain_shell() -> Iterator[InteractiveShell]:
    """A shell whose ``run_cell`` behaves as for a user: errors are shown, not raised."""
    ip = InteractiveShell.instance(config=_config())
    try:
        yield ip
    finally:
        if "ggbmagic" in ip.extension_manager.loaded:
            ip.run_line_magic("unload_ext", "ggbmagic")
        InteractiveShell.clear_instance()


@pytest.fixture
def loaded(shell: TestingShell) -> TestingShell:
    """The shell with ``%load_ext ggbmagic`` run, as a user would type it."""
    shell.run_cell("%load_ext ggbmagic")
    return shell
