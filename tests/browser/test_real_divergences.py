"""Where the real GeoGebra (5.0.745.0, webSimple) differed from what ggbmagic assumed,
typed into real notebook cells: each test failed on the real GeoGebra before its fix.

Every test runs on the real GeoGebra (``[real]``) and on the test double (``[double]``),
which is pinned to the real answers by the conformance suite. The measured facts are the
rows of tests/conformance/real-answers.json (docs/architecture.md, "Which GeoGebra the
tests talk to").
"""

from __future__ import annotations

import json
import re
import time

from tests.results import assert_created, point

from ._lab import LabPage


def _start(lab: LabPage, notebook: str, setup: str = "") -> str:
    lab.run(notebook, "%load_ext ggbmagic" + (f"\n{setup}" if setup else ""), clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)
    return kid


def _out(lab: LabPage, notebook: str, source: str) -> str:
    return lab.run(notebook, source, clean=True).stdout.strip()


# --- scripting commands ---------------------------------------------------------------

SCRIPTING = """\
%%ggb -o res
A = (1, 2)
a = 1
C = (5, 5)
SetColor(A, "red")
SetValue(a, 2)
SetCoords(A, 3, 3)
Delete(C)
B = (0, 1)"""


def test_scripting_commands_are_reported_as_run(lab: LabPage, notebook: str) -> None:
    """SetColor, SetValue, SetCoords, Delete answer null like a failure; they ran."""
    kid = _start(lab, notebook)
    cell = lab.run(notebook, SCRIPTING)
    assert "UsageError" not in cell.stderr, cell.text
    cell.assert_clean()
    assert _out(lab, notebook, "print(res.ok, len(res), [l['ok'] for l in res])") == \
        "True 8 [True, True, True, True, True, True, True, True]"
    # The changes really happened (asked in the page, not the kernel).
    color = lab.applet_api(kid, "api => api.getColor('A')")
    assert str(color).upper() == "#FF0000"
    assert lab.applet_api(kid, "api => [api.getValue('a'), api.getXcoord('A'), "
                               "api.exists('C'), api.exists('B')]") == [2, 3, False, True]
    # The result says what each scripting line changed.
    assert "changed A" in cell.text, cell.text
    one = lab.run(notebook, '%ggb SetColor(B, "green")', clean=True)
    assert "changed B" in one.text, one.text


def test_failed_scripting_command_names_its_line(lab: LabPage, notebook: str) -> None:
    """SetColor(Nope, …) is never a silent success: %%ggb, %ggb and ggb.command fail."""
    _start(lab, notebook, "%ggb A = (1, 2)")
    cell = lab.run(notebook, '%%ggb\nB = (2, 2)\nSetColor(Nope, "red")\nC = (3, 3)')
    assert not cell.errors, cell.text
    assert "UsageError" in cell.stderr, cell.text
    assert re.search(r"\bline 2\b", cell.stderr), cell.stderr
    assert "Nope" in cell.stderr and "nothing was changed" in cell.stderr, cell.stderr
    assert _out(lab, notebook, "print(ggb.exists('B'), ggb.exists('C'))") == "True False"

    line = lab.run(notebook, '%ggb SetCoords(Nope, 1, 2)')
    assert "UsageError" in line.stderr and "Nope" in line.stderr, line.text
    call = _out(lab, notebook, "from ggbmagic.errors import GgbCommandError\n"
                               "try:\n    ggb.command('Delete(Nope)')\n"
                               "except GgbCommandError as e:\n    print('failed:', e)")
    assert call.startswith("failed:") and "Nope" in call, call
    # A failure that names no missing object still fails, naming the unknown command.
    bad = lab.run(notebook, '%ggb Frobnicate(1)')
    assert "UsageError" in bad.stderr and "no command Frobnicate" in bad.stderr, bad.text


# --- lazily loaded command modules -------------------------------------------------------

TRIANGLE = "%ggb A = (0, 0)\n%ggb B = (4, 0)\n%ggb C = (0, 3)"


def test_lazy_command_on_first_use_in_line_magic(lab: LabPage, notebook: str) -> None:
    """TriangleCenter throws "Discrete commands not loaded yet" the first time."""
    kid = _start(lab, notebook, TRIANGLE)
    cell = lab.run(notebook, "%ggb G = TriangleCenter(A, B, C, 2)", clean=True)
    assert re.search(r"\bG\b.*point", cell.text), cell.text
    assert lab.applet_api(kid, "api => api.exists('G')") is True


def test_lazy_command_on_first_use_in_cell_magic(lab: LabPage, notebook: str) -> None:
    _start(lab, notebook, TRIANGLE)
    cell = lab.run(notebook, "%%ggb -o res\nG = TriangleCenter(A, B, C, 2)\n"
                             "O = TriangleCenter(A, B, C, 3)", clean=True)
    assert "UsageError" not in cell.stderr, cell.text
    assert _out(lab, notebook, "print(res.ok, res.labels)") == "True ['G', 'O']"


def test_lazy_command_on_first_use_through_the_api(lab: LabPage, notebook: str) -> None:
    _start(lab, notebook, TRIANGLE)
    got = _out(lab, notebook,
               "print(ggb.api.evalCommandGetLabels('G = TriangleCenter(A, B, C, 2)'), "
               "ggb.api.evalCommand('H = TriangleCenter(A, B, C, 3)'))")
    assert got == "G True", got


# --- load ---------------------------------------------------------------------------------


def test_load_confirms_the_file_and_frees_the_queue(lab: LabPage, notebook: str) -> None:
    """setBase64's callback never comes in 5.0.745: load waits for the objects instead."""
    kid = _start(lab, notebook, "%ggb A = (1, 2)\n%ggb B = (3, 4)\n%ggb s = Segment(A, B)\n"
                                "%ggb --save saved.ggb")
    lab.run(notebook, "%ggb --clear", clean=True)
    start = time.monotonic()
    cell = lab.run(notebook, "%ggb --load saved.ggb\n"
                             "print(sorted(ggb.objects().names))\n%ggb D = (7, 7)", clean=True)
    elapsed = time.monotonic() - start
    assert "['A', 'B', 's']" in cell.stdout, cell.text
    # Promptness is the promise: before the fix the load alone waited 20 s.
    assert elapsed < 8, f"load + one command took {elapsed:.1f} s"
    # D came after the file and survived it.
    assert lab.applet_api(kid, "api => api.getAllObjectNames()") == ["A", "B", "s", "D"]


def test_a_request_never_holds_the_queue_past_its_deadline(lab: LabPage, notebook: str) -> None:
    """A load that never completes fails at its own timeout; the next command runs."""
    _start(lab, notebook, "%ggb A = (1, 2)\n%ggb --save one.ggb")
    # A file of one object announced as 99: the browser can never confirm it.
    stuck = _out(lab, notebook, "\n".join([
        "import base64, time",
        "from ggbmagic import protocol",
        "from ggbmagic.errors import GgbError",
        "b64 = base64.b64encode(open('one.ggb', 'rb').read()).decode()",
        "msg = protocol.call('setBase64', [b64], expect_objects=99)",
        "t0 = time.monotonic()",
        "try:",
        "    ggb._run(msg, lambda r: r, 1.5)",
        "except GgbError as e:",
        "    print(type(e).__name__, round(time.monotonic() - t0, 1), e)",
    ]))
    assert "did not finish loading" in stuck, stuck
    start = time.monotonic()
    cell = lab.run(notebook, "%ggb Z = (5, 5)", clean=True)
    assert_created(cell.text, *point("Z", 5, 5))
    assert time.monotonic() - start < 5, "the queue was still held by the stuck load"


# --- values -----------------------------------------------------------------------------


def test_value_of_undefined_infinite_and_non_numbers(lab: LabPage, notebook: str) -> None:
    _start(lab, notebook, "\n".join([
        "%ggb A = (1, 2)", "%ggb und = 1/0", "%ggb neg = -1/0", "%ggb nn = sqrt(-1)",
        '%ggb tx = "hi"', "%ggb l1 = {1, 2, 3}", "%ggb d = 4"]))
    got = _out(lab, notebook, "print(ggb.value('und'), ggb.value('neg'), ggb.value('nn'), "
                              "ggb.value('d'), ggb.value('x(A) - 1'))")
    assert got == "inf -inf nan 4.0 0.0", got
    errors = _out(lab, notebook, "\n".join([
        "from ggbmagic.errors import GgbValueTypeError",
        "for n in ('A', 'tx', 'l1'):",
        "    try:",
        "        ggb.value(n)",
        "    except GgbValueTypeError as e:",
        "        print(e.kind, '|', e)",
    ])).splitlines()
    assert len(errors) == 3, errors
    assert errors[0].startswith("point |") and "coords('A')" in errors[0], errors
    assert errors[1].startswith("text |") and "value_string('tx')" in errors[1], errors
    assert errors[2].startswith("list |") and "value_string('l1')" in errors[2], errors
    assert _out(lab, notebook, "print(ggb.value_string('l1'))") == "l1 = {1, 2, 3}"
    # The object table shows the undefined/infinite numbers too.
    table = lab.run(notebook, "%ggb nn2 = sqrt(-2)", clean=True).text
    assert "nn2" in table and "?" in table, table


# --- events ---------------------------------------------------------------------------


def test_client_events_without_index_keys(lab: LabPage, notebook: str) -> None:
    _start(lab, notebook, "%ggb A = (1, 2)\n%ggb B = (2, 2)")
    lab.run(notebook, '%ggb SetColor(A, "red")', clean=True)
    lab.run(notebook, "%ggb t1 = Polygon((0, 0), (2, 0), (0, 2))\n%ggb Delete(t1)", clean=True)
    style = json.loads(_out(lab, notebook, "import json\nprint(json.dumps("
                                           "[e for e in ggb.events if e['type'] == "
                                           "'updateStyle']))"))
    assert style, "no updateStyle event"
    event = style[-1]
    assert not [k for k in event if k.isdigit()], event
    assert (event["target"], event["argument"]) == ("A", "A"), event
    assert set(event) <= {"seq", "type", "target", "targets", "argument", "time", "value",
                          "fields"}, event
    deleted = json.loads(_out(lab, notebook, "print(json.dumps([e for e in ggb.events "
                                             "if e['type'] == 'deleteGeos']))"))
    assert deleted and "t1" in deleted[-1]["targets"], deleted
    table = lab.run(notebook, "%ggb_events --type updateStyle --type deleteGeos",
                    clean=True).text
    assert "updateStyle" in table and "deleteGeos" in table, table
    assert "'0'" not in table and '"0"' not in table, table
    assert re.search(r"deleteGeos\s.*t1", table), table


# --- labels ---------------------------------------------------------------------------


def test_another_label_is_shown_and_explained(lab: LabPage, notebook: str) -> None:
    _start(lab, notebook)
    cell = lab.run(notebook, "%ggb ln = Line((0, 0), (1, 1))", clean=True)
    assert "ln_{1}" in cell.text, cell.text
    assert "not ln" in cell.text and "function" in cell.text, cell.text
    script = lab.run(notebook, "%%ggb\nP = (1, 1)\nsin = 3", clean=True)
    assert "sin_{1}" in script.text and "line 2" in script.text, script.text
