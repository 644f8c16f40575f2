"""The JupyterLab scenarios again, in Jupyter Notebook 7 (``jupyter notebook``).

Notebook 7 shows one document per page and refuses a second widget in its main area;
the GeoGebra panel goes to its right side area instead. Everything else — the comm,
the relay, answers while the cell runs, events, pictures, files, reloads — is the same
code as in JupyterLab, and these tests check that it works there too.
"""

from __future__ import annotations

import json
import re
import time
import zipfile

from tests.results import assert_created, point

from ._lab import check_image_outputs
from ._nb7 import RIGHT_AREA, NotebookPage

LOAD_AND_DISTANCE = """\
%load_ext ggbmagic
%ggb A = (1, 2)
%ggb B = (4, 6)
%ggb d = Distance(A, B)"""


def test_load_and_commands_in_one_cell_panel_on_the_right(
        nb7: NotebookPage, nb7_notebook: str) -> None:
    cell = nb7.run(nb7_notebook, LOAD_AND_DISTANCE, clean=True)
    assert re.search(r"\bd\s*=\s*5(\.0+)?\b", cell.text), cell.text

    kid = nb7.kernel_id(nb7_notebook)
    panel = nb7.wait_ggb_ready(kid, timeout_ms=5_000)
    assert panel.count() == 1
    # In the right side area, beside the notebook: both visible at once, usably wide.
    inside = nb7.page.evaluate(
        "([sel, k]) => !!document.querySelector(sel).querySelector("
        "`.ggbmagic-panel[data-ggbmagic-kernel-id='${k}']`)", [RIGHT_AREA, kid])
    assert inside, "the panel is not in Notebook 7's right side area"
    nb_box = nb7.page.locator(".jp-NotebookPanel").first.bounding_box()
    ggb_box = panel.first.bounding_box()
    assert nb_box and ggb_box
    assert ggb_box["x"] >= nb_box["x"] + nb_box["width"] - 5, (nb_box, ggb_box)
    assert nb_box["width"] > 500, nb_box
    assert ggb_box["width"] >= 500 and ggb_box["height"] >= 400, ggb_box
    aid = nb7.applet_id(kid)
    assert nb7.page.evaluate("(a) => window[a].getValue('d')", aid) == 5
    assert nb7.deployggb_requests == [nb7.deployggb_url]

    follow = nb7.run(nb7_notebook, "print(ggb.value('d'), ggb.coords('B'))", clean=True)
    assert follow.stdout.strip() == "5.0 (4.0, 6.0)"


def test_script_stops_at_bad_line(nb7: NotebookPage, nb7_notebook: str) -> None:
    nb7.run(nb7_notebook, "%load_ext ggbmagic", clean=True)
    cell = nb7.run(nb7_notebook, "%%ggb\nP = (0, 0)\nQ = (3, 4)\nbad = Frobnicate(P, Q)\n"
                                 "R = (5, 5)")
    assert not cell.errors, cell.text
    assert "UsageError" in cell.stderr and re.search(r"\bline 3\b", cell.stderr), cell.text
    check = nb7.run(nb7_notebook, "print([ggb.exists(n) for n in ('P', 'Q', 'bad', 'R')])",
                    clean=True)
    assert check.stdout.strip() == "[True, True, False, False]"


def test_drag_events(nb7: NotebookPage, nb7_notebook: str) -> None:
    nb7.run(nb7_notebook, "%load_ext ggbmagic\n%ggb A = (1, 1)", clean=True)
    kid = nb7.kernel_id(nb7_notebook)
    nb7.wait_ggb_ready(kid)
    nb7.drag(kid, "A", [[2, 2], [3, 3]])
    cell = nb7.run(nb7_notebook, "%ggb_events --target A", clean=True)
    deadline = time.monotonic() + 10
    while "dragEnd" not in cell.text and time.monotonic() < deadline:
        cell = nb7.run(nb7_notebook, "%ggb_events --target A", clean=True)
    assert "dragEnd" in cell.text and re.search(r"A\s*=\s*\(3,\s*3\)", cell.text), cell.text
    seq = json.loads(nb7.run(nb7_notebook, "import json; print(json.dumps("
                             "[e['type'] for e in ggb.events if e['target'] == 'A']))",
                             clean=True).stdout)
    assert max(i for i, t in enumerate(seq) if t == "update") < seq.index("dragEnd"), seq


def test_png_and_save(nb7: NotebookPage, nb7_notebook: str) -> None:
    nb7.run(nb7_notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    png = nb7.run(nb7_notebook, "%ggb --png", clean=True)
    assert "image/png" in png.mimes() and check_image_outputs(png.outputs) == 1, png.mimes()
    svg = nb7.run(nb7_notebook, "%ggb --svg", clean=True)
    assert check_image_outputs(svg.outputs) == 1, svg.mimes()

    nb7.run(nb7_notebook, "%ggb --save kept.ggb", clean=True)
    with zipfile.ZipFile(nb7.server.root_dir / "kept.ggb") as kept:
        assert 'label="A"' in kept.read("geogebra.xml").decode()


def test_load(nb7: NotebookPage, nb7_notebook: str) -> None:
    """--load a saved file. (Needs the browser to confirm setBase64 by the objects
    arriving, since GeoGebra 5.0.745 never calls its callback: helper h7-fixes' change.)"""
    nb7.run(nb7_notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)\n%ggb --save kept.ggb",
            clean=True)
    nb7.run(nb7_notebook, "%ggb --clear\n%ggb Z = (9, 9)", clean=True)
    loaded = nb7.run(nb7_notebook, "%ggb --load kept.ggb\n"
                     "print(ggb.exists('A'), ggb.exists('Z'))", clean=True)
    assert loaded.stdout.strip() == "True False", loaded.text


def test_reload_page_same_kernel(nb7: NotebookPage, nb7_notebook: str) -> None:
    nb7.run(nb7_notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = nb7.kernel_id(nb7_notebook)
    nb7.wait_ggb_ready(kid)

    nb7.page.reload()
    nb7.wait_kernel(nb7_notebook)
    assert nb7.kernel_id(nb7_notebook) == kid, "the reload must keep the same kernel"
    cell = nb7.run(nb7_notebook, "%ggb C = (7, 8)", clean=True)
    assert_created(cell.text, *point("C", 7, 8))
    nb7.wait_ggb_ready(kid, timeout_ms=5_000)
    assert nb7.run(nb7_notebook, "print(ggb.coords('C'))", clean=True).stdout.strip() \
        == "(7.0, 8.0)"


def test_collapsed_panel_comes_back_with_open_and_the_palette(
        nb7: NotebookPage, nb7_notebook: str) -> None:
    nb7.run(nb7_notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = nb7.kernel_id(nb7_notebook)
    nb7.wait_ggb_ready(kid)

    # Notebook 7 has no tabs to close: the user collapses the side area.
    nb7.collapse_right_area()
    assert not nb7.ggb_panel(kid).first.is_visible()
    hidden = nb7.run(nb7_notebook, "%ggb B = (3, 4)", clean=True)
    assert_created(hidden.text, *point("B", 3, 4))

    nb7.run(nb7_notebook, "%ggb --open", clean=True)
    nb7.ggb_panel(kid).first.wait_for(state="visible", timeout=5_000)

    nb7.collapse_right_area()
    nb7.page.evaluate("() => window.jupyterapp.commands.execute('ggbmagic:open')")
    nb7.ggb_panel(kid).first.wait_for(state="visible", timeout=5_000)
    check = nb7.run(nb7_notebook, "print(ggb.exists('A'), ggb.exists('B'))", clean=True)
    assert check.stdout.strip() == "True True"



def test_no_place_for_the_panel_says_so_at_once(nb7: NotebookPage, nb7_notebook: str) -> None:
    """A host without a side area (Notebook 7 with its right area taken away): the cell
    says there is no place and what to do, at once, instead of a load timeout."""
    nb7.page.evaluate("""() => {
        const shell = window.jupyterapp.shell;
        const add = shell.add.bind(shell);
        shell.add = (w, area, options) => {
          if (w.node.classList.contains('ggbmagic-panel')) return;  // no room anywhere
          return add(w, area, options);
        };
      }""")
    start = time.monotonic()
    cell = nb7.run(nb7_notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)")
    elapsed = time.monotonic() - start
    assert "UsageError" in cell.stderr, cell.text
    assert "no place beside the notebook" in cell.stderr, cell.stderr
    assert "%ggb --open --inline" in cell.stderr, cell.stderr
    assert "slow network" not in cell.text
    assert elapsed < 15, f"the diagnosis took {elapsed:.1f} s"

    inline = nb7.run(nb7_notebook, "%ggb --open --inline\n%ggb A = (1, 2)", clean=True)
    assert_created(inline.text, *point("A", 1, 2))
    assert nb7.ggb_panels() == []
