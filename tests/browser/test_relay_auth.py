"""Scenario 8: the live server's OOB relay refuses strangers and unknown kernels.

A real WebSocket client (``websockets``) against the same ``jupyter lab`` the browser
tests use; no browser needed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from ._lab import LabPage
from ._server import LabServer

# The relay is the same whichever GeoGebra the page would get; no page is opened here.
pytestmark = pytest.mark.double_only(reason="no GeoGebra involved: relay only")


@pytest.fixture
def kernel_id(lab_server: LabServer) -> Iterator[str]:
    kernel = lab_server.api("POST", "api/kernels", {"name": "python3"})
    yield kernel["id"]
    lab_server.api("DELETE", f"api/kernels/{kernel['id']}")


def _status(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    with pytest.raises(InvalidStatus) as info:
        connect(url, additional_headers=headers or {}, open_timeout=10).close()
    response = info.value.response
    return response.status_code, response.body.decode("utf-8", "replace") if response.body else ""


def test_relay_refuses_without_credentials(lab_server: LabServer, kernel_id: str) -> None:
    url = lab_server.ws_url(f"ggbmagic/oob/{kernel_id}")
    status, _ = _status(url)
    assert status == 403
    # A wrong token is no better than none.
    status, _ = _status(url + "?token=" + "0" * 48)
    assert status == 403
    status, _ = _status(url, {"Authorization": "token wrong"})
    assert status == 403


def test_relay_unknown_kernel_is_404(lab_server: LabServer, kernel_id: str) -> None:
    unknown = str(uuid.uuid4())
    url = lab_server.ws_url(f"ggbmagic/oob/{unknown}")
    status, body = _status(url, {"Authorization": f"token {lab_server.token}"})
    assert status == 404
    assert unknown in json.loads(body)["message"]


def test_relay_kernel_without_ggbmagic_is_503(lab_server: LabServer, kernel_id: str) -> None:
    """Credentials and a real kernel, but no %load_ext: 503 saying what to run."""
    url = lab_server.ws_url(f"ggbmagic/oob/{kernel_id}")
    status, body = _status(url, {"Authorization": f"token {lab_server.token}"})
    assert status == 503
    assert "%load_ext ggbmagic" in json.loads(body)["message"]


def test_the_page_opens_the_relay_with_no_token_in_any_url(lab: LabPage, nb_name: str) -> None:
    """Issue 15: the page put ``?token=`` on the relay URL, which JupyterLab's own kernel
    sockets in the same page do not, and Tornado logged the URI of every relay 503 after a
    kernel restart. The relay is authenticated as those sockets are (the login cookie)."""
    server = lab.server
    lab.record_oob_sockets()
    server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    lab.run(nb_name, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    lab.wait_ggb_ready(lab.kernel_id(nb_name))
    log_start = len(server.log_text())
    before = len(lab.oob_sockets())
    lab.restart_kernel(nb_name)
    # The browser reconnects to a kernel without ggbmagic: the relay refuses (503), and
    # the server logs those requests with their URI.
    lab.page.wait_for_function(
        f"() => window.__ggbmOob.length >= {before + 1} && "
        f"window.__ggbmOob[{before}].closed !== null", timeout=60_000)
    lab.run(nb_name, "%load_ext ggbmagic\n%ggb B = (3, 4)", clean=True)
    lab.wait_ggb_ready(lab.kernel_id(nb_name))
    sockets = lab.oob_sockets()
    assert len(sockets) >= before + 2  # refused after the restart, then welcomed
    for s in sockets:
        assert "token" not in s["url"] and server.token not in s["url"], s["url"]
    log = server.log_text()[log_start:]
    assert "ggbmagic/oob" in log, log[-2000:]  # the refusals were logged
    assert server.token not in log
