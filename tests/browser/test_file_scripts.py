"""JavaScript from a file never runs in the notebook page (issue 15, item 1).

An evil ``.ggb`` whose ``ggbOnInit`` and whose point's click/update scripts set a page
global and make a request, on every path that hands GeoGebra a construction: ``%ggb
--load``, the ``ggb.api.setBase64`` passthrough, the page-reload restore (the saved
output and the kernel's copy), and a reopened notebook (a new kernel, before
``%load_ext``). Nothing runs and no request is made, and the construction is there and
works; with ``--allow-javascript`` the scripts do run (so the check would see them).
JupyterLab and Notebook 7, the double and the real GeoGebra.
"""

from __future__ import annotations

import base64
import io
import zipfile
from typing import Any

from ._lab import LabPage
from ._nb7 import NotebookPage
from .test_inline import MIME, inline_applet_id, inline_outputs, save

MARK = "ggbmagic-evil"


def _log(what: str) -> str:
    # Sets a page global and makes a request: either one would show the script ran.
    return (f"window.__ggbmEvil = (window.__ggbmEvil || []).concat(['{what}']); "
            f"fetch('/{MARK}/{what}').catch(function () {{}});")


EVIL_INIT = "function ggbOnInit() { " + _log("init") + " }"
EVIL_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<geogebra format="5.0">
<construction title="" author="" date="">
<element type="point" label="A">
\t<show object="true" label="true"/>
\t<coords x="1" y="2" z="1"/>
\t<javascript val="{_log('click')}" onUpdate="{_log('update')}"/>
</element>
</construction>
</geogebra>
"""


def evil_ggb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("geogebra.xml", EVIL_XML)
        archive.writestr("geogebra_javascript.js", EVIL_INIT)
    return buffer.getvalue()


class Watch:
    """What the evil scripts did in the page: the global they set, the requests they made."""

    def __init__(self, page: LabPage) -> None:
        self.page = page
        self.requests: list[str] = []
        self.seen: list[str] = []
        self.marker = 0
        page.page.on("request", self._on_request)

    def _on_request(self, request: Any) -> None:
        (self.requests if MARK in request.url else self.seen).append(request.url)

    def settle(self) -> None:
        """Wait until the page's requests so far have reached this list: a request made
        after them (a marker) has been seen, and the page's network reports in order."""
        self.marker += 1
        url = f"/ggbmagic-settle/{self.marker}"
        self.seen.clear()
        self.page.page.evaluate("(u) => { void fetch(u).catch(() => {}); }", url)
        for _ in range(400):
            if any(url in u for u in self.seen):
                return
            self.page.page.wait_for_timeout(25)
        raise AssertionError(f"the marker request {url} was never seen")

    def ran(self) -> list[str]:
        return list(self.page.page.evaluate("() => window.__ggbmEvil || []"))

    def assert_nothing(self, where: str) -> None:
        self.settle()
        assert self.ran() == [], f"{where}: file JavaScript ran: {self.ran()}"
        assert self.requests == [], f"{where}: file JavaScript made requests: {self.requests}"


def _move(page: LabPage, aid: str, x: float) -> Any:
    """Move A in the page (an update: its onUpdate script would run) and run its click
    script as GeoGebra would (RunClickScript); then A's x coordinate."""
    return page.page.evaluate(
        "([a, x]) => { const api = window[a]; api.setCoords('A', x, 1); "
        "api.evalCommand('RunClickScript(A)'); return api.getXcoord('A'); }", [aid, x])


def _scenario(page: LabPage, nb: str) -> dict[str, Any]:
    watch = Watch(page)
    (page.server.root_dir / "evil.ggb").write_bytes(evil_ggb())
    figures: dict[str, Any] = {}

    # %ggb --load: the scripts are removed and the result names them.
    cell = page.run(nb, "%load_ext ggbmagic\n%ggb --open --inline\n%ggb --load evil.ggb")
    assert not cell.errors, cell.text
    assert "removed the JavaScript of" in cell.stderr, cell.text
    assert "ggbOnInit" in cell.stderr and "JavaScript of A (on click, on update)" in cell.stderr
    kid = page.kernel_id(nb)
    aid = inline_applet_id(page, kid)
    # The construction is there and works: A moves, a new object depends on it.
    cell = page.run(nb, "ggb.api.setCoords('A', 5, 5)\n%ggb C = A + (1, 1)\n"
                        "print(ggb.coords('C'))", clean=True)
    assert cell.stdout.strip() == "(6.0, 6.0)", cell.text
    assert _move(page, aid, 4) == 4
    watch.assert_nothing("%ggb --load")

    # The ggb.api.setBase64 passthrough.
    b64 = base64.b64encode(evil_ggb()).decode()
    cell = page.run(nb, f"ggb.api.setBase64({b64!r})\nggb.api.setCoords('A', 7, 7)\n"
                        "print(ggb.exists('A'), ggb.exists('C'))")
    assert cell.stdout.strip() == "True False", cell.text
    assert "removed the JavaScript" in cell.stderr
    watch.assert_nothing("ggb.api.setBase64")

    # Opt-in: the same file's scripts do run (the checks above would have seen them).
    cell = page.run(nb, "%ggb --load evil.ggb --allow-javascript\n"
                        "ggb.api.setCoords('A', 2, 2)")
    assert "Jupyter rights" in cell.stderr, cell.text
    page.page.wait_for_function(
        "() => (window.__ggbmEvil || []).includes('init') && "
        "(window.__ggbmEvil || []).includes('update')", timeout=10_000)
    figures["opt-in ran"] = watch.ran()
    watch.settle()
    assert any("/init" in u for u in watch.requests), watch.requests
    figures["opt-in requests"] = len(watch.requests)

    # The saved notebook carries the payload (GeoGebra keeps a file's scripts) ...
    saved = save(page, nb)
    [output] = inline_outputs(saved)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(output["data"][MIME]["ggb"]))) as f:
        assert MARK in f.read("geogebra_javascript.js").decode()
        assert "<javascript" in f.read("geogebra.xml").decode()

    # ... a page reload builds the applet from it (and the kernel's copy): nothing runs.
    watch.settle()
    watch.requests.clear()  # from here on, any request is the reloaded page's
    page.page.reload()
    page.wait_kernel(nb)
    aid = inline_applet_id(page, kid)
    assert page.page.evaluate("(a) => window[a].exists('A')", aid)
    assert _move(page, aid, 3) == 3
    watch.assert_nothing("page reload")

    # ... and so does reopening it with a new kernel, before %load_ext.
    page.page.goto("about:blank")
    page.server.shutdown_all_sessions()
    page.goto_notebook(nb)
    aid = inline_applet_id(page, page.kernel_id(nb))
    assert page.page.evaluate("(a) => window[a].exists('A')", aid)
    assert _move(page, aid, 8) == 8
    watch.assert_nothing("reopened notebook")
    return figures


def test_file_javascript_never_runs_in_jupyterlab(lab: LabPage, notebook: str) -> None:
    figures = _scenario(lab, notebook)
    print("figures", figures)


def test_file_javascript_never_runs_in_notebook7(nb7: NotebookPage, nb7_notebook: str) -> None:
    figures = _scenario(nb7, nb7_notebook)
    print("figures", figures)
