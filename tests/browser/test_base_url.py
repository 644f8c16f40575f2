"""Scenario 9: scenario 1 with the server under ``--ServerApp.base_url=/user/alice/``.

JupyterHub serves single-user servers like this; the relay's URL must follow.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._lab import LabPage
from ._server import LabServer
from .conftest import _server
from .test_magics import LOAD_AND_DISTANCE, _assert_distance_5

BASE_URL = "/user/alice/"


@pytest.fixture(scope="module")
def alice_server(geogebra: str) -> Iterator[LabServer]:
    yield from _server(f"alice-{geogebra}", base_url=BASE_URL, geogebra=geogebra)


@pytest.fixture
def server(alice_server: LabServer) -> LabServer:
    return alice_server


def test_under_base_url(lab: LabPage, notebook: str) -> None:
    assert lab.page.url.startswith(lab.server.origin + BASE_URL + "lab")
    cell = lab.run(notebook, LOAD_AND_DISTANCE, clean=True)
    _assert_distance_5(cell.text)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid, timeout_ms=5_000)
    assert lab.deployggb_requests == [lab.deployggb_url]
    # The panel's OOB socket went to the relay under the base URL.
    relay = lab.server.ws_url(f"ggbmagic/oob/{kid}")
    assert relay.startswith(f"ws://127.0.0.1:{lab.server.port}{BASE_URL}ggbmagic/oob/")
    assert any(u.split("?")[0] == relay for u in lab.websockets), lab.websockets
    follow = lab.run(notebook, "print(ggb.value('d'))", clean=True)
    assert follow.stdout.strip() == "5.0"
