"""Remote kernels (issue 16): the transport ladder through a real Kernel Gateway."""

from __future__ import annotations

from ._lab import LabPage


def test_explore(gw_lab: LabPage, geogebra: str) -> None:
    lab = gw_lab
    nb = "gw_explore.ipynb"
    lab.server.create_notebook(nb)
    lab.goto_notebook(nb)
    cell = lab.run(nb, "%load_ext ggbmagic\n%ggb A = (1, 2)")
    print("CELL1", cell.text, cell.errors, cell.seconds)
    cell = lab.run(nb, "%ggb --doctor")
    print("CELL2", cell.text, cell.errors)
    cell = lab.run(nb, "ggb.value('x(A)')")
    print("CELL3", cell.text, cell.errors)
    print("\n".join(lab.console[-30:]))
