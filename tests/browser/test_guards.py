"""Issue 21 in a real notebook: size guards keep the page responsive, errors name their
cause word for word, and a GeoGebra URL that fails is named within seconds.

Each runs on the GeoGebra test double and, when it is on the machine, on the real
GeoGebra (conftest.py); the messages are the same on both (the double is pinned to the
real answers by the conformance rows ``errors: …``, ``no CAS: …``, ``redefine: …``).
"""

from __future__ import annotations

import json
import re
import time

import pytest

from ggbmagic.diagnose import no_cas_note

from ._lab import LabPage

MORE = ("Send less (a sample such as data[::10], or a result computed in Python), or raise "
        "the limit with `%config GgbMagics.max_command_chars = N` (GeoGebra's parser slows "
        "down faster than the text grows: 100,000 characters take about a second, "
        "1,600,000 took 89 s with the page frozen). Nothing was sent to GeoGebra.")


def _usage_error(stderr: str) -> str:
    """The message of the UsageError IPython printed, on one line."""
    m = re.search(r"UsageError: (.*)", stderr, re.S)
    assert m, stderr
    return " ".join(m.group(1).split())


def _page_answers(lab: LabPage, timeout_ms: int = 5_000) -> None:
    """The page's main thread is free: a trivial evaluation answers within the bound."""
    lab.page.wait_for_function("() => true", timeout=timeout_ms)


def test_size_guards_keep_the_page_responsive(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)
    lab.run(notebook, "big = [i * 0.1 for i in range(1_000_000)]", clean=True)

    # 1,000,000 floats: refused by the kernel before anything is sent.
    cell = lab.run(notebook, "%ggb L = {{big}}")
    assert not cell.errors, cell.text
    assert _usage_error(cell.stderr) == (
        "`{{ big }}` would make at least 3,000,000 characters of GeoGebra source "
        "(1,000,000 elements), over the limit of 100,000 characters per command "
        "(GgbMagics.max_command_chars). " + MORE)
    assert cell.seconds < 10, f"the refusal took {cell.seconds:.1f} s"
    _page_answers(lab)

    # With the kernel's guard off, the browser's own ceiling refuses without running it.
    lab.run(notebook, "%config GgbMagics.max_command_chars = 0", clean=True)
    cell = lab.run(notebook, "%ggb L = {{big[:40000]}}")
    message = _usage_error(cell.stderr)
    assert re.fullmatch(
        r"GeoGebra refused the request: the browser refuses a command of [\d,]+ characters, "
        r"over its limit of 400,000 \(GeoGebra would block the page for minutes\); send "
        r"less, e.g. a sample of the data", message), message
    _page_answers(lab)
    assert lab.applet_api(kid, "api => api.exists('L')") is False
    assert lab.applet_api(kid, "api => api.getObjectNumber()") == 1

    # Within the limits: it runs, and the table shows a shortened value with the way to all.
    lab.run(notebook, "%config GgbMagics.max_command_chars = 100_000", clean=True)
    cell = lab.run(notebook, "%ggb M = {{big[:3000]}}", clean=True)
    assert lab.applet_api(kid, "api => api.exists('M')") is True
    shown = " ".join(cell.text.split())
    assert re.search(r"… \([\d,]+ characters in all; ggb.value_string\(\"M\"\) gives all\)",
                     shown), shown
    assert len(json.dumps(cell.outputs)) < 8_000, "the whole value went into the notebook"
    full = lab.run(notebook, "print(len(ggb.value_string('M')) > 10_000)", clean=True)
    assert full.stdout.strip() == "True"
    _page_answers(lab)


ERRORS = [
    ("%ggb Circel(A, 2)",
     "GeoGebra could not run 'Circel(A, 2)': GeoGebra has no command Circel (command names "
     "are English and case-sensitive); did you mean Circle, Incircle or CircleArc?."),
    ("%ggb Pont(3, 4)",
     "GeoGebra could not run 'Pont(3, 4)': GeoGebra has no command Pont (command names are "
     "English and case-sensitive); did you mean Point, ToPoint or PointIn?."),
    ('%ggb SetColor(Z, "red")',
     "GeoGebra could not run 'SetColor(Z, \"red\")': there is no object named Z; nothing "
     "was changed. Create it first or check the spelling (names are case-sensitive)."),
    ("%ggb import math",
     "`import math` is a Python import, not GeoGebra: run it in a Python cell (without "
     "%ggb / %%ggb); nothing was sent to GeoGebra."),
    ("%%ggb\nW = (0, 0)\nfor i in range(3):\n    print(i)",
     "line 2: `for i in range(3):` is a Python for loop, not GeoGebra: run it in a Python "
     "cell (without %ggb / %%ggb); nothing was sent to GeoGebra."),
]


def test_errors_name_their_cause(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    for source, expected in ERRORS:
        cell = lab.run(notebook, source)
        assert not cell.errors, cell.text
        assert _usage_error(cell.stderr) == expected, source
    # The Python lines were sent nowhere: W of the refused script does not exist.
    assert lab.applet_api(kid, "api => api.exists('W')") is False

    # A CAS command on this GeoGebra without CAS (webSimple; the double has none either).
    cell = lab.run(notebook, "%ggb Solve(x^2 = 4)", clean=True)
    assert no_cas_note(["Solve"], ["l1"]) in " ".join(cell.text.split()), cell.text

    # A re-run that GeoGebra answers with "undefined" labels says what happened.
    lab.run(notebook, "%ggb B = (4, 0)\n%ggb C = (0, 6)", clean=True)
    lab.run(notebook, "%ggb tri = Polygon(A, B, C)", clean=True)
    again = lab.run(notebook, "%ggb tri = Polygon(A, B, C)", clean=True)
    text = " ".join(again.text.split())
    assert ("tri already existed: GeoGebra redefined it in place, and its 3 other outputs "
            "kept their names") in text, text
    assert "?" not in text, text

    # Python API errors: one message, no traceback through ggbmagic, unless asked.
    cell = lab.run(notebook, "ggb.command('Circel(A, 2)')")
    assert [e["ename"] for e in cell.errors] == ["GgbCommandError"], cell.text
    assert cell.errors[0]["traceback"] == [
        "GgbCommandError: " + ERRORS[0][1],
        "(`%config GgbMagics.short_errors = False` shows the full traceback)"]
    lab.run(notebook, "%config GgbMagics.short_errors = False", clean=True)
    cell = lab.run(notebook, "ggb.command('Circel(A, 2)')")
    full = "\n".join(cell.errors[0]["traceback"])
    assert len(cell.errors[0]["traceback"]) > 2 and "applet.py" in full, full

    # ggb.on(...) as a cell's last line echoes nothing.
    cell = lab.run(notebook, "ggb.on('update', lambda e: None)", clean=True)
    assert cell.outputs == [], cell.outputs


@pytest.mark.parametrize("answer", ["404"])
def test_a_failing_deployggb_url_names_what_came_back(lab: LabPage, nb_name: str,
                                                      answer: str) -> None:
    lab.deployggb = answer
    lab.server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    lab.run(nb_name, "%load_ext ggbmagic", clean=True)
    start = time.monotonic()
    cell = lab.run(nb_name, "%ggb A = (1, 2)")
    elapsed = time.monotonic() - start
    message = _usage_error(cell.stderr)
    assert message.startswith(
        f"GeoGebra could not be loaded from {lab.deployggb_url}: deployggb.js could not be "
        f"loaded from {lab.deployggb_url}: it answered HTTP 404"), message
    assert elapsed < 10, f"the load failure took {elapsed:.1f} s to reach the kernel"


@pytest.mark.real_only(reason="the double needs no HTML5 code: it loads whatever the codebase")
def test_a_wrong_codebase_is_named_within_seconds(lab: LabPage, nb_name: str) -> None:
    """A codebase folder that does not exist: said within seconds, naming the script URL
    and the HTTP status, instead of "Loading…" until the 30 s load timeout."""
    target = lab.server.settings_dir / "ggbmagic" / "plugin.jupyterlab-settings"
    before = target.read_text() if target.exists() else None
    settings = json.loads(before) if before else {}
    codebase = f"{lab.server.origin}/ggbmagic-test-missing/HTML5/5.0/webSimple/"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(settings | {"html5Codebase": codebase}))
    try:
        lab.server.create_notebook(nb_name)
        lab.goto_notebook(nb_name)
        lab.run(nb_name, "%load_ext ggbmagic", clean=True)
        cell = lab.run(nb_name, "%ggb A = (1, 2)")
    finally:
        if before is None:
            target.unlink()
        else:
            target.write_text(before)
    message = _usage_error(cell.stderr)
    script = codebase + "webSimple.nocache.js"
    assert message.startswith(
        f"GeoGebra could not be loaded from {codebase}: GeoGebra's HTML5 code could not be "
        f"loaded from {script}: it answered HTTP 404 Not Found; check the html5Codebase "
        f"setting ({codebase}): it must be a bundle's module folder, e.g. …/HTML5/5.0/"
        "webSimple/ or …/HTML5/5.0/web3d/."), message
    assert cell.seconds < 15, f"the codebase failure took {cell.seconds:.1f} s"
