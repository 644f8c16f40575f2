"""The applet inline in a cell's output (``%ggb --open --inline``), in real JupyterLab and
Notebook 7: answers while the cell runs, events, a re-run, a reload, a reopened notebook,
moving to the panel and back with the same construction, and the PNG fallback saved in
the .ipynb for places without JavaScript."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from typing import Any

from tests.results import assert_created, point

from ._lab import PNG_MAGIC, LabPage, check_image_outputs
from ._mouse import drag_point
from ._nb7 import NotebookPage

MIME = "application/vnd.ggbmagic.applet+json"
OPEN_INLINE = """\
%load_ext ggbmagic
%ggb --open --inline
%ggb A = (1, 2)
%ggb B = (4, 6)
%ggb d = Distance(A, B)"""


def inline_view(page: LabPage, kernel_id: str, state: str | None = "ready") -> Any:
    sel = f'.ggbmagic-inline[data-ggbmagic-kernel-id="{kernel_id}"]'
    if state:
        sel += f'[data-ggbmagic-state="{state}"]'
    return page.page.locator(sel)


def inline_applet_id(page: LabPage, kernel_id: str) -> str:
    loc = inline_view(page, kernel_id)
    loc.first.wait_for(state="visible", timeout=10_000)
    aid = loc.first.get_attribute("data-ggbmagic-applet-id")
    assert aid, "the inline view has no applet id"
    return aid


def applet_has(page: LabPage, aid: str, name: str) -> bool:
    """Asked in the page, of the API object GeoGebra (or the double) publishes."""
    return bool(page.page.evaluate("([a, n]) => window[a].exists(n)", [aid, name]))


def inline_drag(page: LabPage, kernel_id: str, name: str,
                points: list[list[float]]) -> list[float]:
    """A user dragging point ``name`` in the inline applet: the double's hook, or a real
    mouse drag on the real GeoGebra's canvas (screen position from the view's XML)."""
    aid = inline_applet_id(page, kernel_id)
    if getattr(page, "geogebra", "double") == "double":
        page.page.evaluate("([a, n, pts]) => window.__ggbDouble.applets[a].__double.drag(n, pts)",
                           [aid, name, points])
        return [float(v) for v in points[-1]]
    canvas = inline_view(page, kernel_id).first.locator("canvas").first
    return drag_point(page.page, aid, canvas, name, points)


def save(page: LabPage, path: str) -> dict[str, Any]:
    """Save the notebook as a user does (the save command) and read the file from disk."""
    page.page.evaluate(
        "(p) => window.__ggbmTest.panel(p).context.save()", path)
    return dict(json.loads((page.server.root_dir / path).read_text()))


def inline_outputs(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
            if MIME in o.get("data", {})]


def rerun_cell(page: LabPage, path: str, index: int) -> dict[str, Any]:
    """Run cell ``index`` again (as a user does with Shift+Enter on it); its new state."""
    before = page.cells(path)[index]["count"]
    page.page.evaluate(
        """([p, i]) => { const T = window.__ggbmTest; const nb = T.panel(p).content;
             T.app().shell.activateById(T.panel(p).id);
             nb.activeCellIndex = i; nb.mode = 'command';
             return T.app().commands.execute('notebook:run-cell'); }""", [path, index])
    page.page.wait_for_function(
        """([p, i, c]) => { const s = window.__ggbmTest.cellState(p, i);
             return s.count !== null && s.count !== c && s.state !== 'running'; }""",
        arg=[path, index, before], timeout=60_000, polling=50)
    return dict(page.cells(path)[index])


def test_inline_answers_in_the_same_cell_and_a_picture_after_it(
        lab: LabPage, notebook: str) -> None:
    cell = lab.run(notebook, OPEN_INLINE, clean=True)
    assert re.search(r"\bd\s*=\s*5(\.0+)?\b", cell.text), cell.text
    assert MIME in cell.mimes()
    kid = lab.kernel_id(notebook)
    aid = inline_applet_id(lab, kid)
    # The applet is in this cell's output, not in a panel.
    inside = lab.page.evaluate(
        "(a) => !!document.querySelector(`.jp-OutputArea .ggbmagic-inline"
        "[data-ggbmagic-applet-id='${a}'] .ggbmagic-stage`)", aid)
    assert inside
    assert lab.ggb_panels() == []
    assert lab.page.evaluate("(a) => window[a].getValue('d')", aid) == 5
    box = inline_view(lab, kid).first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300, box
    # The fallback picture came with the cell's end (update_display of the same output).
    outputs = [o for o in lab.cells(notebook)[cell.index]["outputs"] if MIME in o["data"]]
    assert len(outputs) == 1
    assert check_image_outputs(outputs) == 1
    assert outputs[0]["data"][MIME]["kernel_id"] == kid


def test_inline_events_reach_the_kernel(lab: LabPage, notebook: str) -> None:
    # The kernel's socket thread sets drag_ended when it stores A's dragEnd: the cell
    # below waits on that signal, not on time (as test_magics.py test_drag_events).
    lab.run(notebook, "%load_ext ggbmagic\n%ggb --open --inline\n%ggb A = (1, 1)\n"
                      "import threading\n"
                      "drag_ended = threading.Event()\n"
                      "ggb.channel.add_event_sink(lambda events: any(\n"
                      "    e['type'] == 'dragEnd' and e['target'] == 'A' for e in events)\n"
                      "    and drag_ended.set())", clean=True)
    kid = lab.kernel_id(notebook)
    inline_drag(lab, kid, "A", [[2, 2], [3, 3]])
    waited = lab.run(notebook, "print(drag_ended.wait(30))", clean=True)
    assert waited.stdout.strip() == "True", "the kernel never got the dragEnd"
    cell = lab.run(notebook, "%ggb_events --target A", clean=True)
    assert "dragEnd" in cell.text and re.search(r"A\s*=\s*\(3,\s*3\)", cell.text), cell.text
    coords = lab.run(notebook, "print(ggb.coords('A'))", clean=True)
    assert coords.stdout.strip() == "(3.0, 3.0)"


def test_rerunning_the_cell_keeps_the_construction(lab: LabPage, notebook: str) -> None:
    first = lab.run(notebook, OPEN_INLINE, clean=True)
    kid = lab.kernel_id(notebook)
    aid = inline_applet_id(lab, kid)
    lab.run(notebook, "%ggb C = (7, 7)", clean=True)

    again = rerun_cell(lab, notebook, first.index)
    assert not [o for o in again["outputs"] if o["output_type"] == "error"], again
    assert sum(MIME in o.get("data", {}) for o in again["outputs"]) == 1, again["outputs"]
    # Still one applet, now in the new output, holding everything built before.
    assert inline_applet_id(lab, kid) == aid
    assert applet_has(lab, aid, "C")
    check = lab.run(notebook, "print(ggb.exists('C'), ggb.value('d'))", clean=True)
    assert check.stdout.strip() == "True 5.0"


def test_panel_and_back_keep_one_construction(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, OPEN_INLINE, clean=True)
    kid = lab.kernel_id(notebook)
    aid = inline_applet_id(lab, kid)

    lab.run(notebook, "%ggb --open --panel\n%ggb P = (5, 0)", clean=True)
    lab.wait_ggb_ready(kid)
    assert lab.applet_id(kid) == aid, "moving to the panel must keep the same applet"
    assert applet_has(lab, aid, "A") and applet_has(lab, aid, "P")
    # The output shows the construction's picture and says where the applet went.
    elsewhere = inline_view(lab, kid, "elsewhere").first
    elsewhere.wait_for(timeout=5_000)
    assert "panel" in elsewhere.inner_text()
    assert elsewhere.locator("img.ggbmagic-inline-picture").is_visible()

    back = lab.run(notebook, "%ggb --open --inline\nprint(ggb.exists('P'), ggb.value('d'))",
                   clean=True)
    assert back.stdout.strip() == "True 5.0"
    assert inline_applet_id(lab, kid) == aid
    lab.page.locator(".ggbmagic-panel").wait_for(state="detached", timeout=5_000)
    # Moved twice, the applet still takes the mouse (a real drag on the real GeoGebra).
    x, y = inline_drag(lab, kid, "A", [[2, 3]])
    moved = lab.run(notebook, "print(ggb.coords('A'))", clean=True)
    assert moved.stdout.strip() == str((x, y)), moved.text  # the kernel sees the drag


def test_reload_keeps_the_construction(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, OPEN_INLINE, clean=True)
    kid = lab.kernel_id(notebook)
    lab.run(notebook, "%ggb C = (7, 7)", clean=True)
    save(lab, notebook)

    lab.page.reload()
    lab.wait_kernel(notebook)
    assert lab.kernel_id(notebook) == kid
    # The saved output is live again, with the construction, before any new command.
    aid = inline_applet_id(lab, kid)
    assert applet_has(lab, aid, "C") and applet_has(lab, aid, "d")
    cell = lab.run(notebook, "%ggb E = (1, 1)\nprint(ggb.exists('C'), ggb.value('d'))",
                   clean=True)
    assert "True 5.0" in cell.stdout, cell.text
    assert inline_applet_id(lab, kid) == aid


def test_reload_unsaved_restores_from_the_kernel(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic\n%ggb --open --inline\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    inline_applet_id(lab, kid)
    lab.page.reload()  # never saved: the page forgets the output, the kernel does not
    lab.wait_kernel(notebook)
    cell = lab.run(notebook, "print(ggb.exists('A'))", clean=True)
    assert cell.stdout.strip() == "True", cell.text
    # The kernel put the applet in that cell, since no output held it.
    assert MIME in cell.mimes()
    aid = inline_applet_id(lab, kid)
    assert applet_has(lab, aid, "A")


def test_saved_ipynb_has_the_picture_and_reopens_live(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, OPEN_INLINE, clean=True)
    lab.run(notebook, "%ggb C = (7, 7)", clean=True)
    nb = save(lab, notebook)

    outs = inline_outputs(nb)
    assert len(outs) == 1
    data = outs[0]["data"]
    assert base64.b64decode("".join(data["image/png"])).startswith(PNG_MAGIC)
    assert "GeoGebra" in "".join(data["text/plain"])
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(data[MIME]["ggb"]))) as ggb_file:
        xml = ggb_file.read("geogebra.xml").decode()
    assert 'label="C"' in xml, "the saved construction is the one after the last cell"

    # Reopen: another kernel, and the trusted output is the live applet again.
    lab.page.goto("about:blank")
    lab.server.shutdown_all_sessions()
    lab.goto_notebook(notebook)
    kid = lab.kernel_id(notebook)
    aid = inline_applet_id(lab, kid)
    assert applet_has(lab, aid, "C")
    cell = lab.run(notebook, "%load_ext ggbmagic\nprint(ggb.exists('C'), ggb.value('d'))",
                   clean=True)
    assert cell.stdout.strip() == "True 5.0", cell.text


def test_notebook7_inline(nb7: NotebookPage, nb7_notebook: str) -> None:
    cell = nb7.run(nb7_notebook, OPEN_INLINE, clean=True)
    assert re.search(r"\bd\s*=\s*5(\.0+)?\b", cell.text), cell.text
    kid = nb7.kernel_id(nb7_notebook)
    aid = inline_applet_id(nb7, kid)
    assert nb7.ggb_panels() == []
    assert nb7.page.evaluate("(a) => window[a].getValue('d')", aid) == 5
    nb = save(nb7, nb7_notebook)
    assert check_image_outputs(inline_outputs(nb)) == 1
    # To the right side area and back, one construction.
    nb7.run(nb7_notebook, "%ggb --open --panel", clean=True)
    nb7.wait_ggb_ready(kid)
    assert nb7.applet_id(kid) == aid
    back = nb7.run(nb7_notebook, "%ggb --open --inline\nprint(ggb.exists('B'))", clean=True)
    assert back.stdout.strip() == "True"
    assert inline_applet_id(nb7, kid) == aid


def test_inline_by_default_from_the_traitlet(lab: LabPage, notebook: str) -> None:
    cell = lab.run(notebook, "%config GgbMagics.placement = 'inline'\n%load_ext ggbmagic\n"
                             "%ggb A = (1, 2)", clean=True)
    assert_created(cell.text, *point("A", 1, 2))
    assert sum(MIME in o.get("data", {}) for o in cell.outputs) == 1, cell.mimes()
    kid = lab.kernel_id(notebook)
    assert applet_has(lab, inline_applet_id(lab, kid), "A")
    assert lab.ggb_panels() == []


def test_inline_by_default_from_the_setting(lab: LabPage, notebook: str) -> None:
    """Settings → ggbmagic → placement = inline: the first request's cell gets the applet."""
    path = "lab/api/settings/ggbmagic:plugin"
    before = lab.server.api("GET", path)
    raw = before.get("raw") or "{}"
    settings = json.loads(raw) if raw.strip() else {}
    lab.server.api("PUT", path, {"raw": json.dumps({**settings, "placement": "inline"})})
    try:
        lab.page.reload()
        lab.wait_kernel(notebook)
        cell = lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
        assert_created(cell.text, *point("A", 1, 2))
        assert sum(MIME in o.get("data", {}) for o in cell.outputs) == 1, cell.mimes()
        kid = lab.kernel_id(notebook)
        assert applet_has(lab, inline_applet_id(lab, kid), "A")
        assert lab.ggb_panels() == []
    finally:
        lab.server.api("PUT", path, {"raw": raw})
