"""A class on a real JupyterHub: five students run the quick-start lesson at the same time.

One hub session per GeoGebra (``[double]`` in every run, ``[real]`` when the real
GeoGebra's folder is on the machine). GeoGebra is installed once for everyone with the
product's command (``_hub.py``); for ``[double]`` the installed bundle *is* the test
double (tests/bundles.py), so the double travels the same installed-bundle path as the
real GeoGebra and nothing is routed. Each student has their own browser context,
single-user server, home folder and kernel. Checked:

* every request of every page goes to the hub (none leaves it; recorded), and each
  student's GeoGebra comes from their own server's ``/user/<name>/ggbmagic/geogebra/``;
* every answer reaches its own student: each runs the lesson's first code cells plus a
  point of their own, and their applet holds exactly their objects;
* one student's flood (300 commands) and another's kernel restart leave the others'
  next answers right, and the restarted student carries on after ``%load_ext``.

The time from "run all" to the first command's answer, per student, is printed at the
end of the run (``HUB CLASS …``) and written to ``test-artifacts/hub-<geogebra>.json``.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.browser._geogebra import REAL_GEOGEBRA_HINT, default_real_geogebra_dir, real_geogebra_dir
from tests.browser._lab import _INIT_JS
from tests.bundles import DOUBLE_BUNDLE_VERSION, double_bundle

from . import conftest
from ._hub import Hub

REPO = Path(__file__).resolve().parents[2]
LESSON = REPO / "notebooks" / "01-quickstart.ipynb"
NB = "lesson.ipynb"
USERS = [f"student{i}" for i in range(1, 6)]
#: The lesson's first code cells: %load_ext, %ggb A = (1, 2), %ggb, the %%ggb script,
#: reading the values back into Python.
LESSON_CELLS = 5
#: Which of them is the first command (its answer is the "first answer").
FIRST_COMMAND = 1
FLOOD = 300
RUN_TIMEOUT_MS = 300_000


def _lesson_sources() -> list[str]:
    nb = nbformat.read(LESSON, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"][:LESSON_CELLS]
    # The lesson may be rewritten; say so plainly rather than time the wrong cell.
    assert code[0].strip() == "%load_ext ggbmagic", code[0]
    assert code[FIRST_COMMAND].startswith("%ggb A"), (
        f"the lesson's cell {FIRST_COMMAND} is no longer its first command: {code}")
    return code


def _notebook(sources: list[str]) -> dict[str, Any]:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return dict(nb)


def _own_cells(i: int) -> list[str]:
    return [f"%ggb P = ({i}, {10 * i})", 'print("mine", ggb.coords("P"), ggb.value("d"))']


@pytest.fixture(scope="module", params=[
    pytest.param("double", id="double"),
    pytest.param("real", id="real", marks=pytest.mark.real_geogebra),
])
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    which = str(request.param)
    if which == "real" and real_geogebra_dir() is None:
        where = f"no real GeoGebra at {default_real_geogebra_dir()}"
        if os.environ.get("GGBMAGIC_REQUIRE_REAL_GEOGEBRA"):
            pytest.fail(f"{where}; {REAL_GEOGEBRA_HINT}", pytrace=False)
        pytest.skip(f"{where} (see the REAL GEOGEBRA line)")
    h = Hub()
    h.geogebra = which  # type: ignore[attr-defined]
    try:
        if which == "real":
            bundle = real_geogebra_dir()
            assert bundle is not None
            h.install_geogebra(bundle)
        else:
            h.install_geogebra(double_bundle(tmp_path_factory.mktemp("double")),
                               "--geogebra-version", DOUBLE_BUNDLE_VERSION)
        h.start()
        lessons = {u: _notebook(_lesson_sources() + _own_cells(i))
                   for i, u in enumerate(USERS, 1)}
        # Each student's own notebook in their home; all servers start at once.
        h.spawned = h.spawn({u: {NB: lessons[u]} for u in USERS})  # type: ignore[attr-defined]
        yield h
    finally:
        h.stop()
        art = REPO / "test-artifacts"
        art.mkdir(exist_ok=True)
        (art / f"hub-{which}-last.log").write_text(h.log_text())
        h.cleanup()


@dataclass
class Student:
    name: str
    index: int
    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


def _open(browser: Browser, hub: Hub, name: str, index: int) -> Student:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    s = Student(name, index, context, page)
    page.add_init_script(_INIT_JS)
    page.set_default_timeout(60_000)
    context.on("request", lambda r: s.requests.append(r.url))
    own = hub.origin + "/"

    def foreign(route: Route) -> None:
        s.blocked.append(route.request.url)
        route.fulfill(status=404, body="blocked by the ggbmagic hub tests",
                      content_type="text/plain")

    # Nothing may leave the hub: every other URL is answered 404 and recorded.
    context.route(lambda url: not url.startswith((own, "data:", "blob:")), foreign)
    return s


def _login(s: Student, hub: Hub) -> None:
    """The hub's own login form; returns once the form is sent (JupyterLab loads on)."""
    s.page.goto(hub.url(f"hub/login?next=/user/{s.name}/lab/tree/{NB}"))
    s.page.fill("#username_input", s.name)
    s.page.fill("#password_input", hub.password)
    s.page.click("#login_submit", no_wait_after=True)


_WAIT_KERNEL = "(p) => window.__ggbmTest && window.__ggbmTest.kernelReady(p)"

# Run every cell of the notebook, noting (page clock) when it started and when the first
# command's cell got its first output.
_RUN_ALL = """([p, first]) => {
  const T = window.__ggbmTest, panel = T.panel(p);
  const cell = panel.content.model.cells.get(first);
  window.__hub = {t0: Date.now(), first: null};
  // 'add': the first output itself (run-all also clears the outputs, a 'remove'/'clear').
  cell.outputs.changed.connect((_, change) => {
    if (change.type === 'add' && window.__hub.first === null) window.__hub.first = Date.now();
  });
  T.app().shell.activateById(panel.id);
  panel.content.activeCellIndex = 0;
  void T.app().commands.execute('notebook:run-all-cells');
}"""

# run-all queues every code cell at once (state 'running'); done when none is running and
# the kernel is idle (a failing cell stops the rest: the assertions then say which).
_ALL_DONE = """(p) => {
  const T = window.__ggbmTest;
  const cells = T.allCells(p).filter(c => c.type === 'code');
  if (cells.some(c => c.state === 'running')) return false;
  const k = T.kernel(p);
  return !!k && k.status === 'idle';
}"""

# Append a cell and run it without waiting; returns its tag.
_RUN_NEW = """([p, src, tag]) => {
  const T = window.__ggbmTest, panel = T.panel(p);
  T.appendCell(p, src, tag);
  const i = T.cellIndex(p, tag);
  T.app().shell.activateById(panel.id);
  panel.content.activeCellIndex = i;
  window.__hubRun = window.__hubRun || {};
  window.__hubRun[tag] = Date.now();
  void T.app().commands.execute('notebook:run-cell');
}"""

_CELL_DONE = """([p, tag]) => {
  const T = window.__ggbmTest, i = T.cellIndex(p, tag);
  if (i < 0) return false;
  const s = T.cellState(p, i);
  return s.count !== null && s.state !== 'running';
}"""

_APPLET = """() => {
  const el = document.querySelector('.ggbmagic-panel[data-ggbmagic-applet-id]');
  const api = el && window[el.dataset.ggbmagicAppletId];
  if (!api) return null;
  const names = api.getAllObjectNames();
  const at = n => names.includes(n) ? [api.getXcoord(n), api.getYcoord(n)] : null;
  return {names: names, P: at('P'), Q: at('Q'), R: at('R'), version: api.getVersion()};
}"""


def _text(cell: dict[str, Any]) -> str:
    parts = []
    for o in cell["outputs"]:
        if o.get("output_type") == "stream":
            parts.append("".join(o["text"]) if isinstance(o["text"], list) else o["text"])
        elif o.get("output_type") == "error":
            parts.append("ERROR " + o.get("ename", "") + ": " + o.get("evalue", ""))
        else:
            data = o.get("data", {}).get("text/plain", "")
            parts.append("".join(data) if isinstance(data, list) else data)
    return "\n".join(parts)


def _run_new(s: Student, source: str) -> str:
    tag = uuid.uuid4().hex
    s.js(_RUN_NEW, [NB, source, tag])
    return tag


def _wait_cell(s: Student, tag: str) -> tuple[str, float]:
    s.page.wait_for_function(_CELL_DONE, arg=[NB, tag], timeout=RUN_TIMEOUT_MS, polling=100)
    idx = s.js("([p, t]) => window.__ggbmTest.cellIndex(p, t)", [NB, tag])
    cell = s.js("([p, i]) => window.__ggbmTest.cellState(p, i)", [NB, idx])
    took = s.js("([t]) => Date.now() - window.__hubRun[t]", [tag])
    return _text(cell), float(took) / 1000


# Five JupyterLab servers and five JupyterLab pages on a 2-core machine, twice.
@pytest.mark.timeout(1200)
def test_a_class_of_five_on_one_hub(hub: Hub, browser: Browser) -> None:
    which = hub.geogebra  # type: ignore[attr-defined]
    students = [_open(browser, hub, u, i) for i, u in enumerate(USERS, 1)]
    try:
        _class(hub, which, students)
    except BaseException:
        _save_artifacts(which, students)
        raise
    finally:
        for s in students:
            s.context.close()


def _save_artifacts(which: str, students: list[Student]) -> None:
    """Each student's screenshot, cells and blocked requests, for a failed run."""
    d = REPO / "test-artifacts" / f"hub-{which}"
    d.mkdir(parents=True, exist_ok=True)
    for s in students:
        try:
            s.page.screenshot(path=str(d / f"{s.name}.png"), timeout=10_000)
            cells = s.js("(p) => window.__ggbmTest.allCells(p)", NB)
            (d / f"{s.name}.txt").write_text("\n----\n".join(
                f"[{c.get('count')} {c.get('state')}] {c.get('source')}\n{_text(c)}"
                for c in cells if c.get("type") == "code")
                + f"\n\nblocked: {s.blocked}\n")
        except Exception as err:  # the page may be gone; keep what can be kept
            (d / f"{s.name}.txt").write_text(f"no artifacts: {err}\n")


def _class(hub: Hub, which: str, students: list[Student]) -> None:
    for s in students:
        _login(s, hub)
    for s in students:
        s.page.wait_for_function(_WAIT_KERNEL, arg=NB, timeout=RUN_TIMEOUT_MS, polling=100)

    # --- everyone runs the lesson at the same time ---------------------------------------
    for s in students:
        s.js(_RUN_ALL, [NB, FIRST_COMMAND])
    for s in students:
        s.page.wait_for_function(_ALL_DONE, arg=NB, timeout=RUN_TIMEOUT_MS, polling=100)
    first: dict[str, float] = {}
    version = hub.geogebra_version
    for s in students:
        cells = [c for c in s.js("(p) => window.__ggbmTest.allCells(p)", NB) if c["type"] == "code"]
        texts = [_text(c) for c in cells]
        assert not any("ERROR" in t or "Traceback" in t for t in texts), (s.name, texts)
        assert re.search(rf"mine \({s.index}(\.0)?, {10 * s.index}(\.0)?\) 5\.0", texts[-1]), \
            (s.name, texts[-1])
        applet = s.js(_APPLET)
        assert applet is not None, s.name
        assert sorted(applet["names"]) == sorted(["A", "B", "s", "d", "M", "P"]), (s.name, applet)
        assert applet["P"] == [s.index, 10 * s.index], (s.name, applet)
        hub_t = s.js("() => window.__hub")
        assert hub_t["first"] is not None, s.name
        first[s.name] = (hub_t["first"] - hub_t["t0"]) / 1000
        # Every GeoGebra file came from this student's own server on the hub.
        ggb = [u for u in s.requests if "/ggbmagic/geogebra/" in u]
        own = hub.url(f"user/{s.name}/ggbmagic/geogebra/{version}/")
        assert f"{own}deployggb.js" in ggb, (s.name, ggb[:5])
        assert all(u.startswith(own) for u in ggb), (s.name, ggb[:5])
        if which == "real":
            assert any(u.startswith(f"{own}HTML5/5.0/webSimple/") for u in ggb), s.name
        assert not s.blocked, (s.name, s.blocked[:5])
        assert all(u.startswith((hub.origin + "/", "data:", "blob:")) for u in s.requests)
        # GeoGebra reads some of its files with XMLHttpRequest (Sec-Fetch-Mode: cors, no
        # XSRF token); the single-user server must answer with the file, not send the
        # student to the hub's login (bundle/handler.py check_xsrf_cookie).
        xhr = s.js("""async (u) => { const r = await fetch(u, {redirect: 'manual'});
                                   return [r.status, r.type, (await r.text()).length]; }""",
                   f"{own}deployggb.js")
        assert xhr[0] == 200 and xhr[2] > 1000, (s.name, xhr)

    # --- one floods, one restarts, the others carry on ------------------------------------
    flooder, restarter, *others = students
    flood = _run_new(flooder, f"for k in range({FLOOD}):\n    ggb.command(f'F{{k}} = ({{k}}, 1)')\n"
                              "print('flooded', len(ggb.objects()))")
    # Kernel ▸ Restart Kernel… and its dialog, as a student does (LabPage.restart_kernel).
    restarter.js("(p) => { const T = window.__ggbmTest; T.watchStatus(p); "
                 "T.app().shell.activateById(T.panel(p).id); "
                 "void T.app().commands.execute('kernelmenu:restart'); }", NB)
    restarter.page.locator(".jp-Dialog .jp-mod-accept").click()
    tags = {s.name: _run_new(s, f"%ggb Q = ({s.index}, -{s.index})\n"
                                'print("again", ggb.coords("Q"))') for s in others}
    during: dict[str, float] = {}
    for s in others:
        text, took = _wait_cell(s, tags[s.name])
        during[s.name] = took
        assert re.search(rf"again \({s.index}(\.0)?, -{s.index}(\.0)?\)", text), (s.name, text)
    restarter.page.wait_for_function("() => window.__ggbmTest.seenStatus.includes('restarting')",
                                     timeout=RUN_TIMEOUT_MS)
    restarter.page.wait_for_function(_WAIT_KERNEL, arg=NB, timeout=RUN_TIMEOUT_MS, polling=100)
    back, _ = _wait_cell(restarter, _run_new(restarter, '%load_ext ggbmagic\n%ggb R = (7, 7)\n'
                                                         'print("back", ggb.coords("R"))'))
    assert re.search(r"back \(7(\.0)?, 7(\.0)?\)", back), back
    flooded, flood_s = _wait_cell(flooder, flood)
    assert f"flooded {6 + FLOOD}" in flooded, flooded

    for s in students:
        applet = s.js(_APPLET)
        floods = [n for n in applet["names"] if re.fullmatch(r"F\d+", n)]
        assert len(floods) == (FLOOD if s is flooder else 0), (s.name, len(floods))
        if s in others:
            assert applet["Q"] == [s.index, -s.index], (s.name, applet)
            assert applet["P"] == [s.index, 10 * s.index], (s.name, applet)
        if s is restarter:
            assert applet["R"] == [7, 7], applet
        assert not s.blocked, (s.name, s.blocked[:5])

    figures = {"geogebra": which, "version": version, "users": len(students),
               "spawn_s": hub.spawned,  # type: ignore[attr-defined]
               "first_answer_s": first, "answer_during_flood_and_restart_s": during,
               "flood_s": flood_s, "flood_commands": FLOOD}
    art = REPO / "test-artifacts"
    art.mkdir(exist_ok=True)
    (art / f"hub-{which}.json").write_text(json.dumps(figures, indent=2))
    conftest.FIGURES.append(
        f"HUB CLASS [{which}] GeoGebra {version}, {len(students)} students: first answer "
        + ", ".join(f"{v:.1f}" for v in first.values())
        + " s; an answer during a flood and a restart "
        + ", ".join(f"{v:.2f}" for v in during.values()) + " s")
