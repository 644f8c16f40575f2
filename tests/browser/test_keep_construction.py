"""One construction per notebook that nothing loses (issue 21): a page reload in panel
mode, the panel closed and reopened, another app asked for, the notebook closed and
reopened, and inline outputs after a reload or a reopen with a new kernel. Each is
checked object by object (names, types, values) in the applet the page shows, in the
kernel, and in the saved ``.ipynb``."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

from ._lab import LabPage
from ._nb7 import NotebookPage
from .test_inline import MIME, OPEN_INLINE, inline_applet_id, inline_outputs, save

#: Three cells, as a user types them; s is 5 long.
THREE_CELLS = ("%ggb A = (1, 2)", "%ggb B = (4, 6)", "%ggb s = Segment(A, B)")

#: Every object of the applet: name, type and value string, in construction order.
OBJECTS_JS = """api => api.getAllObjectNames().map(n =>
    [n, api.getObjectType(n), api.getValueString(n)])"""
#: The same, asked by the kernel: what later cells continue from.
KERNEL_OBJECTS = """\
import json
print(json.dumps([[n, ggb.call('getObjectType', n), ggb.call('getValueString', n)]
                  for n in ggb.call('getAllObjectNames')]))"""


def build_three(page: LabPage, path: str) -> list[list[str]]:
    page.run(path, "%load_ext ggbmagic", clean=True)
    for source in THREE_CELLS:
        page.run(path, source, clean=True)
    kid = page.kernel_id(path)
    page.wait_ggb_ready(kid)
    objects = panel_objects(page, kid)
    assert [o[0] for o in objects] == ["A", "B", "s"], objects
    return objects


def panel_objects(page: LabPage, kid: str) -> list[list[str]]:
    page.wait_ggb_ready(kid)
    return list(page.applet_api(kid, OBJECTS_JS))


def kernel_objects(page: LabPage, path: str) -> list[list[str]]:
    import json

    return list(json.loads(page.run(path, KERNEL_OBJECTS, clean=True).stdout))


def saved_labels(output: dict[str, Any]) -> list[str]:
    """The labels of the elements in an inline output's saved construction, in order."""
    raw = base64.b64decode(output["data"][MIME]["ggb"])
    with zipfile.ZipFile(io.BytesIO(raw)) as ggb_file:
        root = ET.fromstring(ggb_file.read("geogebra.xml"))
    return [str(e.get("label")) for e in root.iter("element")]


def test_panel_reload_keeps_every_object_and_a_drag(lab: LabPage, notebook: str) -> None:
    before = build_three(lab, notebook)
    kid = lab.kernel_id(notebook)
    # A drag between cells reaches the kernel's copy without a cell (counted in the page).
    lab.applet_api(kid, """api => { window.__ggbmCopies = 0; const get = api.getBase64;
        api.getBase64 = function () { window.__ggbmCopies += 1;
                                      return get.apply(this, arguments); }; }""")
    lab.drag(kid, "A", [[1, 1]])
    lab.page.wait_for_function("() => window.__ggbmCopies >= 1", timeout=30_000)
    before = panel_objects(lab, kid)
    assert re.search(r"A\s*=\s*\(1,\s*1\)", before[0][2]), before

    lab.page.reload()
    lab.wait_kernel(notebook)
    assert lab.kernel_id(notebook) == kid
    # The panel comes back by itself, with every object, before any new command.
    assert panel_objects(lab, kid) == before
    assert kernel_objects(lab, notebook) == before
    cell = lab.run(notebook, "%ggb t = Segment(A, (4, 5))\nprint(ggb.value('t'))", clean=True)
    assert cell.stdout.strip().splitlines()[-1] == "5.0", cell.text


def test_closed_panel_reopens_with_the_construction(lab: LabPage, notebook: str) -> None:
    before = build_three(lab, notebook)
    kid = lab.kernel_id(notebook)
    lab.close_ggb_tab(kid)

    lab.run(notebook, "%ggb --open", clean=True)
    assert panel_objects(lab, kid) == before
    assert kernel_objects(lab, notebook) == before


def test_another_app_keeps_the_construction_or_is_refused(lab: LabPage, notebook: str) -> None:
    before = build_three(lab, notebook)
    kid = lab.kernel_id(notebook)
    first = lab.applet_id(kid)

    cell = lab.run(notebook, "%ggb --open --app 3d")
    # Both GeoGebras here are the webSimple module: asked for 3d, it builds classic.
    assert "UsageError: This GeoGebra has no '3d' app: asked for it, it built 'classic'" \
        in cell.stderr, cell.text
    assert "with your construction" in cell.stderr
    assert lab.applet_id(kid) != first, "the applet was rebuilt for the other app"
    assert panel_objects(lab, kid) == before
    status = lab.run(notebook, "print(ggb.status().applet['appName'])", clean=True)
    assert status.stdout.strip() == "classic", "the status says which app it really is"
    assert kernel_objects(lab, notebook) == before


def test_panel_closes_with_its_notebook_and_comes_back(lab: LabPage, notebook: str) -> None:
    before = build_three(lab, notebook)
    kid = lab.kernel_id(notebook)
    save(lab, notebook)  # a notebook with unsaved changes would ask first
    lab.page.evaluate("(p) => window.__ggbmTest.panel(p).close()", notebook)
    lab.page.locator(f'.ggbmagic-panel[data-ggbmagic-kernel-id="{kid}"]').wait_for(
        state="detached", timeout=10_000)

    lab.open_notebook(notebook)  # the kernel kept running: the same one
    assert lab.kernel_id(notebook) == kid
    assert panel_objects(lab, kid) == before


def test_notebook7_reload_keeps_the_construction(
        nb7: NotebookPage, nb7_notebook: str) -> None:
    before = build_three(nb7, nb7_notebook)
    kid = nb7.kernel_id(nb7_notebook)
    nb7.page.reload()
    nb7.wait_kernel(nb7_notebook)
    assert panel_objects(nb7, kid) == before
    assert kernel_objects(nb7, nb7_notebook) == before


def test_inline_reload_and_reopen_keep_the_saved_output_current(
        lab: LabPage, notebook: str) -> None:
    lab.run(notebook, OPEN_INLINE, clean=True)
    save(lab, notebook)

    # 1. Reload: the restored output no longer answers to the kernel's display id.
    lab.page.reload()
    lab.wait_kernel(notebook)
    kid = lab.kernel_id(notebook)
    inline_applet_id(lab, kid)
    lab.run(notebook, "%ggb C = (7, 7)", clean=True)
    lab.run(notebook, "%ggb D = (0, 3)", clean=True)
    outs = inline_outputs(save(lab, notebook))
    assert [saved_labels(o) for o in outs] == [["A", "B", "d", "C", "D"]]

    # 2. Reopen with a new kernel: the saved output hands its construction over.
    lab.page.goto("about:blank")
    lab.server.shutdown_all_sessions()
    lab.goto_notebook(notebook)
    kid = lab.kernel_id(notebook)
    aid = inline_applet_id(lab, kid)
    assert lab.page.evaluate("(a) => window[a].getObjectNumber()", aid) == 5
    lab.run(notebook, "%config GgbMagics.placement = 'inline'\n%load_ext ggbmagic",
            clean=True)
    # The kernel holds the saved construction before any cell changed anything: handed
    # over in the applet's `ready`, or copied at the end of the %load_ext cell (the
    # hand-over itself is pinned in tests/unit/test_construction.py).
    handed = lab.run(notebook, "print(ggb.exists('D'), ggb.keeper.store.b64 is not None)",
                     clean=True)
    assert handed.stdout.strip() == "True True", handed.text
    lab.run(notebook, "%ggb F = (5, 0)", clean=True)
    labels = ["A", "B", "d", "C", "D", "F"]
    assert [o[0] for o in kernel_objects(lab, notebook)] == labels
    outs = inline_outputs(save(lab, notebook))
    # Two outputs now (the old one and the %load_ext cell's), both current: no stale copy.
    assert len(outs) == 2
    assert [saved_labels(o) for o in outs] == [labels, labels]
