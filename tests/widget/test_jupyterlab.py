"""The widget in a real JupyterLab and a real Notebook 7, beside the panel: the magics
drive the widget once it is made, answers arrive inside the cell (the page is served from
127.0.0.1, so the loopback socket is used), a failing ``%%ggb`` line is named, a change in
the page reaches ``%ggb_events`` and a callback, ``ggb.png()`` is a picture of the
widget's applet, and the panel's own applet is left alone."""

from __future__ import annotations

import base64

from tests.browser._lab import LabPage
from tests.browser._nb7 import NotebookPage

_WIDGET_APPLET = (
    "() => { const el = document.querySelector('.ggbmagic-widget-stage .ggbmagic-applet');"
    " return el ? el.id.replace(/_container$/, '') : null; }")
PNG = bytes([137, 80, 78, 71])


def _widget_api(lab: LabPage, js: str, arg: object = None) -> object:
    aid = lab.page.evaluate(_WIDGET_APPLET)
    assert aid, "no widget applet on the page"
    return lab.page.evaluate(
        "([aid, src, arg]) => (0, eval)('(' + src + ')')(window[aid], arg)", [aid, js, arg])


def drive_the_widget(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic").assert_clean()
    kernel = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kernel)
    # No URL named: the widget loads what the panel loads, the bundle this server serves
    # in the real mode (a request to geogebra.org fails the test: the fixture's check).
    made = lab.run(notebook, "from ggbmagic.widget import GeoGebraWidget\n"
                             "w = GeoGebraWidget(height=320)\nw")
    assert not made.errors, made.errors
    assert "application/vnd.jupyter.widget-view+json" in made.mimes()
    # %ggb now drives the widget; the answer comes back inside the cell.
    cell = lab.run(notebook, "%ggb A = (1, 2)")
    assert "A = (1, 2)" in cell.text, cell.outputs
    assert _widget_api(lab, "api => api.exists('A')") is True
    assert lab.applet_api(kernel, "api => api.exists('A')") is False  # the panel's
    cell = lab.run(notebook, "print(w.value('Distance(A, (4, 6))'), w.mode)")
    assert cell.stdout.strip() == "5.0 loopback", cell.outputs
    # A script with a failing line: it is named, the lines after it did not run.
    cell = lab.run(notebook, "%%ggb\nB = (4, 6)\nC = Nope(\nD = (0, 0)")
    assert "line 2" in cell.stderr and "Nope(" in cell.stderr, cell.outputs
    assert _widget_api(lab, "api => [api.exists('B'), api.exists('D')]") == [True, False]
    # A change made in the page reaches %ggb_events and a callback registered before it.
    lab.run(notebook, "seen = []\nw.on('update', lambda e: seen.append(e.get('value')), "
                      "target='A')").assert_clean()
    _widget_api(lab, "api => api.evalCommand('SetCoords(A, 3, 1)')")
    cell = lab.run(notebook, "%ggb_events --type update --target A")
    assert "A = (3, 1)" in cell.text, cell.outputs
    cell = lab.run(notebook, "print(seen)")
    assert "(3, 1)" in cell.stdout, cell.outputs
    # A picture of the widget's applet, taken inside the cell.
    cell = lab.run(notebook, "import base64\npicture = w.png()\n"
                             "print(base64.b64encode(picture.data[:4]).decode(), "
                             "len(picture.data))")
    head, size = cell.stdout.split()
    assert base64.b64decode(head) == PNG and int(size) > 1000, cell.outputs
    cell = lab.run(notebook, "%ggb")
    assert "inside the cell (widget, loopback socket)" in cell.text, cell.outputs


def test_magics_drive_the_widget_beside_the_panel(lab: LabPage, notebook: str) -> None:
    drive_the_widget(lab, notebook)


def test_the_widget_in_notebook7(nb7: NotebookPage, nb7_notebook: str) -> None:
    drive_the_widget(nb7, nb7_notebook)
