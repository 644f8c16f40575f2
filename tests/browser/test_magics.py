"""Issue 3's scenarios, typed into real notebook cells in JupyterLab in headless Chromium.

Each runs on the GeoGebra test double (tests/browser/assets) and, when it is on the
machine, on the real GeoGebra (see conftest.py). Everything else is real: the server, its
relay, the kernel, JupyterLab and the ggbmagic frontend extension.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.results import assert_created, point

from ._lab import LabPage

LOAD_AND_DISTANCE = """\
%load_ext ggbmagic
%ggb A = (1, 2)
%ggb B = (4, 6)
%ggb d = Distance(A, B)"""


def _assert_distance_5(cell_text: str) -> None:
    # The result table's row for d: name, type, value "d = 5".
    assert re.search(r"\bd\s*=\s*5(\.0+)?\b", cell_text), cell_text


def test_load_and_three_commands_in_one_cell(lab: LabPage, notebook: str) -> None:
    """Scenario 1: %load_ext and three %ggb in the same cell; d = 5; panel ready beside."""
    cell = lab.run(notebook, LOAD_AND_DISTANCE, clean=True)
    _assert_distance_5(cell.text)
    assert "text/plain" in cell.mimes()

    kid = lab.kernel_id(notebook)
    panel = lab.wait_ggb_ready(kid, timeout_ms=5_000)
    assert panel.count() == 1
    # Beside the notebook: both visible at once, the panel to the right.
    nb_box = lab.page.locator(".jp-NotebookPanel").first.bounding_box()
    ggb_box = panel.first.bounding_box()
    assert nb_box and ggb_box
    assert ggb_box["x"] >= nb_box["x"] + nb_box["width"] - 5, (nb_box, ggb_box)
    assert ggb_box["width"] > 100 and ggb_box["height"] > 100
    # The applet really holds the construction (asked in the page, not the kernel).
    value = lab.applet_api(kid, "api => api.getValue('d')")
    assert value == 5
    # The loader URL of the product's settings was used, and nothing else left the machine.
    assert lab.deployggb_requests == [lab.deployggb_url]

    follow = lab.run(notebook, "print(ggb.value('d'), ggb.coords('B'))", clean=True)
    assert follow.stdout.strip() == "5.0 (4.0, 6.0)"


def test_script_stops_at_bad_line(lab: LabPage, notebook: str) -> None:
    """Scenario 2: %%ggb with a bad line 5: the error names it; what came before ran,
    what came after did not. A comment and a blank line come first, so the cell's line
    number (5) differs from the command's index among the commands (3): an error that
    counted commands instead of lines would say "line 3" (issue 20)."""
    lab.run(notebook, "%load_ext ggbmagic", clean=True)
    script = "\n".join([
        "%%ggb",
        "# two points first",
        "P = (0, 0)",
        "",
        "Q = (3, 4)",
        "bad = Frobnicate(P, Q)",
        "R = (5, 5)",
        "s = Segment(P, R)",
    ])
    cell = lab.run(notebook, script)
    assert not cell.errors, "a failing GeoGebra line is a UsageError, not a traceback"
    assert "UsageError" in cell.stderr, cell.text
    # The cell's body line 5 (the line after %%ggb is line 1) and its text.
    assert re.search(r"\bline 5\b", cell.stderr), cell.stderr
    assert not re.search(r"\bline 3\b", cell.stderr), cell.stderr
    assert "Frobnicate(P, Q)" in cell.stderr, cell.stderr

    check = lab.run(notebook, "print([ggb.exists(n) for n in ('P', 'Q', 'bad', 'R', 's')])",
                    clean=True)
    assert check.stdout.strip() == "[True, True, False, False, False]"


def test_drag_events(lab: LabPage, notebook: str) -> None:
    """Scenario 3: a user drags A in the applet; %ggb_events shows A's updates and dragEnd."""
    # The kernel's socket thread sets drag_ended when it stores A's dragEnd: the cell
    # below waits on that, not on time.
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 1)\n"
                      "import threading\n"
                      "drag_ended = threading.Event()\n"
                      "ggb.channel.add_event_sink(lambda events: any(\n"
                      "    e['type'] == 'dragEnd' and e['target'] == 'A' for e in events)\n"
                      "    and drag_ended.set())", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)
    lab.drag(kid, "A", [[2, 2], [3, 3]])

    waited = lab.run(notebook, "print(drag_ended.wait(30))", clean=True)
    assert waited.stdout.strip() == "True", "the kernel never got the dragEnd"
    text = lab.run(notebook, "%ggb_events --target A", clean=True).text
    assert "dragEnd" in text, text
    assert "update" in text, text
    # The last update carries A's final position.
    assert re.search(r"A\s*=\s*\(3,\s*3\)", text), text

    coords = lab.run(notebook, "print(ggb.coords('A'))", clean=True)
    assert coords.stdout.strip() == "(3.0, 3.0)"
    # Order: the update to (3, 3) comes before the dragEnd.
    types = lab.run(notebook, "import json; "
                    "print(json.dumps([e['type'] for e in ggb.events if e['target'] == 'A']))",
                    clean=True).stdout
    seq = json.loads(types)
    assert "dragEnd" in seq and "update" in seq
    assert max(i for i, t in enumerate(seq) if t == "update") < seq.index("dragEnd"), seq


def test_events_are_flushed_before_each_reply(lab: LabPage, notebook: str) -> None:
    """A command's events reach the kernel before its answer: the same cell sees them.

    Without the flush, the add of A would wait for the browser's 16 ms batch timer, and
    the last of 20 quick moves would be held back by the 50 ms update coalescing.
    """
    cell = lab.run(notebook, (
        "%load_ext ggbmagic\n"
        "import json\n"
        "%ggb A = (1, 2)\n"
        "after_add = [[e['type'], e['target']] for e in ggb.events]\n"
        "for i in range(1, 21):\n"
        "    ggb.call('setCoords', 'A', i, i)\n"
        "last = [e.get('value') for e in ggb.events if e['type'] == 'update'"
        " and e['target'] == 'A'][-1:]\n"
        "print(json.dumps([after_add, last]))"), clean=True)
    after_add, last = json.loads(cell.stdout)
    assert ["add", "A"] in after_add, after_add
    assert last == ["A = (20, 20)"], last


def test_reload_page_same_kernel(lab: LabPage, notebook: str) -> None:
    """Scenario 4: reload the page; %ggb works again in the same kernel, no %load_ext.

    The reloaded page finds the live comm (comm_info) and says ``attach``; the kernel's
    hello answers that. The panel must be back and connected before any request, since
    a request would also make the kernel send its fallback hello.
    """
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)

    lab.page.reload()
    lab.wait_kernel(notebook)
    assert lab.kernel_id(notebook) == kid, "the reload must keep the same kernel"
    lab.wait_ggb_ready(kid, timeout_ms=30_000)  # no request has run since the reload
    status = lab.run(notebook, "c = ggb.channel\n"
                               "print(c.counters.connections, c.peers, c.state.value)",
                     clean=True)
    assert status.stdout.split() == ["2", "1", "ready"], status.text
    # The re-attached comm carries the commands.
    cell = lab.run(notebook, "%ggb C = (7, 8)", clean=True)
    assert_created(cell.text, *point("C", 7, 8))
    check = lab.run(notebook, "print(ggb.coords('C'), ggb.channel.counters.connections)",
                    clean=True)
    assert check.stdout.strip() == "(7.0, 8.0) 2"


def test_two_notebooks_no_cross_talk(lab: LabPage, nb_name: str) -> None:
    """Scenario 5: two notebooks, two panels, each titled after its notebook; no cross-talk."""
    first = nb_name.replace(".ipynb", "-one.ipynb")
    second = nb_name.replace(".ipynb", "-two.ipynb")
    lab.server.create_notebook(first)
    lab.server.create_notebook(second)
    lab.goto_notebook(first)
    lab.open_notebook(second)
    k1, k2 = lab.kernel_id(first), lab.kernel_id(second)
    assert k1 != k2

    lab.run(first, "%load_ext ggbmagic\n%ggb Only1 = (1, 1)", clean=True)
    lab.run(second, "%load_ext ggbmagic\n%ggb Only2 = (2, 2)", clean=True)
    lab.wait_ggb_ready(k1)
    lab.wait_ggb_ready(k2)

    c1 = lab.run(first, "print(ggb.exists('Only1'), ggb.exists('Only2'))", clean=True)
    c2 = lab.run(second, "print(ggb.exists('Only1'), ggb.exists('Only2'))", clean=True)
    assert c1.stdout.strip() == "True False"
    assert c2.stdout.strip() == "False True"

    a1, a2 = lab.applet_id(k1), lab.applet_id(k2)
    assert a1 != a2
    names = lab.page.evaluate("(ids) => ids.map(a => window[a].getAllObjectNames())", [a1, a2])
    assert names == [["Only1"], ["Only2"]]

    titles = lab.page.evaluate("() => window.__ggbmTest.ggbTitles()")
    assert first in titles[k1] and second not in titles[k1], titles
    assert second in titles[k2] and first not in titles[k2], titles
    # The tab bar shows the same titles.
    tabs = lab.page.locator(".lm-TabBar-tabLabel").all_inner_texts()
    assert any(first in t and "GeoGebra" in t for t in tabs), tabs
    assert any(second in t and "GeoGebra" in t for t in tabs), tabs


def test_restart_kernel_and_reload_extension(lab: LabPage, notebook: str) -> None:
    """Scenario 6: restart the kernel, %load_ext ggbmagic again, commands work."""
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)

    lab.restart_kernel(notebook)
    before = lab.run(notebook, "print('ggb' in dir())", clean=True)
    assert before.stdout.strip() == "False", "the restart did not give a fresh kernel"

    cell = lab.run(notebook, "%load_ext ggbmagic\n%ggb E = (2, 3)\n", clean=True)
    assert_created(cell.text, *point("E", 2, 3))
    lab.wait_ggb_ready(lab.kernel_id(notebook))
    check = lab.run(notebook, "print(ggb.coords('E'))", clean=True)
    assert check.stdout.strip() == "(2.0, 3.0)"


@pytest.mark.parametrize("answer", ["404", "abort"])
def test_deployggb_unreachable(lab: LabPage, nb_name: str, answer: str) -> None:
    """Scenario 7: deployggb.js unreachable: the panel and the kernel say which URL, at once.

    ``404``: the server answers but not with the script; ``abort``: no network at all.
    """
    lab.deployggb = answer
    lab.server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    lab.run(nb_name, "%load_ext ggbmagic", clean=True)
    start = time.monotonic()
    cell = lab.run(nb_name, "%ggb A = (1, 2)")
    elapsed = time.monotonic() - start

    assert not cell.errors, cell.text
    assert "UsageError" in cell.stderr, cell.text
    assert lab.deployggb_url in cell.stderr, cell.stderr
    # At once: far below the 30 s ready timeout (the whole cell, browser included).
    assert elapsed < 10, f"the load failure took {elapsed:.1f} s to reach the kernel"

    kid = lab.kernel_id(nb_name)
    failed = lab.ggb_panel(kid, "failed")
    failed.wait_for(timeout=5_000)
    text = failed.inner_text()
    assert lab.deployggb_url in text, text
    assert "self-hosted" in text and "deployggbUrl" in text, text
    assert lab.deployggb_requests, "the panel never asked for deployggb.js"
