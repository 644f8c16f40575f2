"""Remote kernels (issue 16): the transport ladder through a real Jupyter Kernel Gateway.

The kernels run in ``jupyter kernelgateway`` (its own runtime dir, so the server's relay
cannot reach their sockets, as on another machine); JupyterLab and Notebook 7 run with
``--GatewayClient.url``. One gateway and one server per frontend serve the session;
each test is one scenario with several checks (CI time).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

from ._gateway import new_kernel
from ._lab import Cell, LabPage, _join
from ._nb7 import NotebookPage
from ._server import LabServer

#: JupyterLab's own setting (Settings → Kernels → Kernel Comms over subshells).
KERNELS_SETTINGS = Path("@jupyterlab", "apputils-extension", "kernels-settings.jupyterlab-settings")
COMMS_OF_PAGE = "() => window.jupyterapp.serviceManager.kernels.commsOverSubshells"


@contextlib.contextmanager
def subshells_disabled_in_settings(server: LabServer) -> Iterator[None]:
    """The user's setting, as the Settings editor writes it; pages loaded meanwhile read it."""
    target = server.settings_dir / KERNELS_SETTINGS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"commsOverSubshells": "disabled"}))
    try:
        yield
    finally:
        target.unlink()


def wait_output(lab: LabPage, nb: str, index: int, needle: str,
                timeout: float = 30.0) -> str:
    """The cell's outputs once they contain *needle* (an after-the-cell display update)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        cell = lab.cells(nb)[index]
        text = "\n".join(_join(o.get("data", {}).get("text/plain", ""))
                         + _join(o.get("text", "")) + " ".join(o.get("data", {}))
                         for o in cell.get("outputs", []))
        if needle in text:
            return text
        lab.page.wait_for_timeout(100)  # polling the notebook model; no event to wait on
    raise AssertionError(f"cell {index} never showed {needle!r}; it shows:\n{text}")


def doctor(lab: LabPage, nb: str) -> str:
    cell = lab.run(nb, "%ggb --doctor", clean=True)
    return cell.text


def test_lab_through_the_gateway_uses_subshells(gw_lab: LabPage, geogebra: str) -> None:
    lab = gw_lab
    nb = "gw_subshell.ipynb"
    lab.server.create_notebook(nb)
    lab.goto_notebook(nb)
    # Same-cell load + command: the very cell that timed out before the ladder.
    cell = lab.run(nb, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    assert "A = (1, 2)" in cell.text
    report = doctor(lab, nb)
    assert "path in use: subshell" in report
    assert "no local connection file" in report  # why not the relay
    assert re.search(r"round trip: \d+\.\d ms \(ping on subshell\)", report), report
    # %%ggb with a failing line: the lines before it ran, the error names line 2.
    cell = lab.run(nb, "%%ggb\nB = (4, 6)\nFoo(\nC = (0, 0)")
    assert "line 2" in cell.text and "B = (4, 6)" in cell.text
    # Values back inside the cell, and events read in the same cell as the command.
    cell = lab.run(nb, "%ggb P = (3, 3)\n"
                       "print('sum', ggb.value('x(A)') + ggb.value('Distance(A, B)'))\n"
                       "%ggb_events --type add --tail 3", clean=True)
    assert "sum 6.0" in cell.stdout and re.search(r"\badd\b.*\bP\b", cell.text), cell.text
    # Reload: the new page (a new applet) climbs the ladder again.
    lab.page.reload()
    lab.wait_kernel(nb)
    cell = lab.run(nb, "%ggb C = (2, 3)\nprint(ggb.value('y(C)'))", clean=True)
    assert "3.0" in cell.stdout
    assert "path in use: subshell" in doctor(lab, nb)
    # A new kernel for the notebook: a new hello, the same ladder (not Kernel ▸ Restart,
    # which the gateway itself loses about one time in two: see _gateway.new_kernel).
    old = lab.kernel_id(nb)
    assert new_kernel(lab, nb) != old
    cell = lab.run(nb, "%load_ext ggbmagic\n%ggb D = (5, 5)\nprint(ggb.value('x(D)'))",
                   clean=True)
    assert "5.0" in cell.stdout
    # Two notebooks, two remote kernels, each its own applet and path.
    nb2 = "gw_subshell_2.ipynb"
    lab.server.create_notebook(nb2)
    lab.open_notebook(nb2)
    cell = lab.run(nb2, "%load_ext ggbmagic\n%ggb E = (7, 7)\n"
                        "print(ggb.value('x(E)'), ggb.exists('D'))", clean=True)
    assert "7.0 False" in cell.stdout
    cell = lab.run(nb, "print(ggb.exists('D'), ggb.exists('E'))", clean=True)
    assert "True False" in cell.stdout


def test_after_the_cell_without_subshells(gw_lab: LabPage, geogebra: str,
                                         tmp_path: Path) -> None:
    lab = gw_lab
    # (a) ipykernel 7, but comms over subshells switched off in the page, relay unreachable.
    nb = "gw_after_cell.ipynb"
    lab.server.create_notebook(nb)
    with subshells_disabled_in_settings(lab.server):
        lab.goto_notebook(nb)
        # The settings plugin applies the setting once it has loaded it.
        lab.page.wait_for_function(f"() => ({COMMS_OF_PAGE})() === 'disabled'")
    lab.run(nb, "%load_ext ggbmagic", clean=True)
    cell = lab.run(nb, "%ggb A = (1, 2)", clean=True)
    # The placeholder (a display, not the cell's result) is updated after the cell.
    wait_output(lab, nb, cell.index, "A = (1, 2)")
    kinds = [o["output_type"] for o in lab.cells(nb)[cell.index]["outputs"]]
    assert kinds == ["display_data"], kinds
    start = time.monotonic()
    cell = lab.run(nb, "ggb.value('x(A)')")
    assert time.monotonic() - start < 5.0, "an after-cell value must fail at once"
    assert "AfterCellError" in cell.text and "Split the cell" in cell.text
    assert "comms over subshells are disabled" in cell.text
    cell = lab.run(nb, "%%ggb\nB = (4, 6)\nFoo(\nC = (0, 0)")
    wait_output(lab, nb, cell.index, "line 2")
    target = tmp_path / "after.ggb"
    cell = lab.run(nb, f"%ggb --png --save {target} Q = (2, 2)", clean=True)
    text = wait_output(lab, nb, cell.index, "Q = (2, 2)")
    wait_output(lab, nb, cell.index, str(target))
    assert target.read_bytes()[:2] == b"PK", text
    wait_output(lab, nb, cell.index, "image/png")
    report = doctor(lab, nb)
    assert "path in use: after-cell" in report and "switched off" in report
    # (b) a kernel with ipykernel 6 (no subshells at all); the first cell is the issue's.
    nb6 = "gw_ipykernel6.ipynb"
    lab.server.create_notebook(nb6, kernel="ggbm-ipykernel6")
    lab.open_notebook(nb6)
    cell = lab.run(nb6, "import ipykernel; print(ipykernel.__version__)")
    assert cell.stdout.startswith("6."), cell.text
    cell = lab.run(nb6, "%load_ext ggbmagic\n%ggb A = (1, 2)")
    assert "No GeoGebra panel connected within" in cell.text
    assert "--doctor" in cell.text and "after the cell" in cell.text
    cell = lab.run(nb6, "%ggb B = (2, 3)", clean=True)
    wait_output(lab, nb6, cell.index, "B = (2, 3)")
    report = doctor(lab, nb6)
    assert "path in use: after-cell" in report and "ipykernel>=7" in report
    assert "ipykernel 6." in report


def test_notebook7_through_the_gateway(gw_nb7: NotebookPage, geogebra: str) -> None:
    nb7 = gw_nb7
    nb = "gw_nb7.ipynb"
    nb7.server.create_notebook(nb)
    nb7.goto_notebook(nb)
    cell: Cell = nb7.run(nb, "%load_ext ggbmagic\n%ggb A = (1, 2)\nprint(ggb.value('y(A)'))",
                         clean=True)
    assert "2.0" in cell.stdout
    assert "path in use: subshell" in doctor(nb7, nb)
