"""Fixtures for the relay tests: a real Jupyter server with ggbmagic, a real kernel.

The kernel's OOB listener is either played by a ``websockets`` server the test starts
on the socket path the relay derives (``fake_listener`` in test_relay.py), or is the
real one: ggbmagic loaded in the real kernel (``test_relay_real_kernel.py``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# pytest-jupyter's fixtures and its async-test hooks, for this directory only. Not
# `pytest_plugins = [...]`: pytest refuses that outside the rootdir conftest, and as a
# global plugin its autouse server fixtures and test-call hook would reach every test.
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

from ggbmagic import paths


@pytest.fixture  # type: ignore[no-redef]  # deliberately overrides pytest-jupyter's
def jp_server_config() -> Config:
    """Enable our extension (pytest-jupyter adds its terminals one itself)."""
    return Config({"ServerApp": {"jpserver_extensions": {"ggbmagic": True}}})


@pytest.fixture
def kernel_id(jp_fetch: Callable[..., Any], jp_asyncio_loop: Any) -> str:
    """A real python3 kernel started through the REST API, as JupyterLab does it."""
    response = jp_asyncio_loop.run_until_complete(
        jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": "python3"}))
    )
    return str(json.loads(response.body.decode())["id"])


@pytest.fixture
def kernel_key(jp_serverapp: Any, kernel_id: str) -> bytes:
    """The kernel's connection key, with which its listener proves itself to the relay."""
    key = jp_serverapp.kernel_manager.get_kernel(kernel_id).session.key
    assert isinstance(key, bytes) and key
    return key


@pytest.fixture
def listener_path(jp_serverapp: Any, jp_runtime_dir: Path, kernel_id: str) -> Iterator[Path]:
    """Where this kernel's OOB listener must be, derived the way the kernel derives it.

    Also pins the agreement the relay relies on: the kernel's connection file lives
    in the Jupyter runtime directory, which the kernel side uses too.
    """
    connection_file = jp_serverapp.kernel_manager.get_kernel(kernel_id).connection_file
    runtime_dir = os.path.dirname(connection_file)
    assert Path(runtime_dir).resolve() == Path(jp_runtime_dir).resolve()
    path = paths.socket_path(kernel_id, runtime_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture
def ws_base_url(jp_ws_fetch: Any, jp_http_port: int, jp_base_url: str) -> str:
    """``ws://localhost:<port><base_url>`` of the running test server, for raw URLs.

    Requires ``jp_ws_fetch`` only so that pytest-jupyter starts the HTTP server.
    """
    return f"ws://localhost:{jp_http_port}{jp_base_url}"
