"""The widget in a real marimo (``marimo run``) in headless Chromium, on the GeoGebra
double and the real GeoGebra: the loopback mode (answers inside a cell), reactivity
both ways, a failing script line, two notebooks side by side, a reload, the lesson."""

from __future__ import annotations

import re

from ._marimo import MarimoPage


def test_commands_values_script_and_a_drag_inside_cells(marimo: MarimoPage) -> None:
    marimo.goto("probe.py")
    # Answers inside the running cell: labels, coordinates, a computed value.
    got = marimo.result("commands")
    assert got == "labels=['A'] x=1 far=5 mode=loopback", got
    assert marimo.mode() == "loopback"
    # The failing line is named; the lines after it did not run, the one before did.
    script = marimo.result("script")
    assert "line 2" in script and "Nope(" in script, script
    assert script.endswith("D exists=False B exists=True"), script
    assert marimo.applet_api("api => [api.exists('B'), api.exists('D')]") == [True, False]
    # A drag in GeoGebra re-runs the cell that reads the widget's state.
    marimo.wait_result("drag", "A=(1, 2)")
    marimo.drag("A", [[2, 2], [3, 1]])
    # Callbacks run between cells (on the kernel's loop), so the cell's first re-run after
    # the drag may come before them; the widget's picture, pushed after the drag, re-runs
    # it once more. Wait for a run that saw both the drag and its callbacks.
    marimo.page.wait_for_function(
        "() => [...document.querySelectorAll('*')].some(el => el.children.length === 0"
        " && /RESULT drag:.*A=\\(3, 1\\).* callbacks=[1-9]/.test(el.textContent))",
        timeout=30_000, polling=100)
    done = marimo.result("drag")
    match = re.search(r"last=(\w+):(\w+) A=\(3, 1\) updates=(\d+) callbacks=(\d+) "
                      r"png=True kept=iVBORw0K", done)
    assert match, done
    assert match.group(2) == "A" and int(match.group(3)) >= 1, done
    # The callback saw A's updates too (the drag's, at least one).
    assert int(match.group(4)) >= 1, done


def test_the_lesson_runs_top_to_bottom_and_its_slider_drives_geogebra(
        marimo: MarimoPage) -> None:
    marimo.goto("marimo-quickstart.py")
    marimo.wait_text("GeoGebra says: r = 2")
    marimo.wait_text("distance from A to B: d = 5.000")
    assert marimo.applet_api("api => api.getValue('r')") == 2
    # The slider (marimo's own UI element) drives GeoGebra through the Python API.
    slider = marimo.page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")
    marimo.wait_text("GeoGebra says: r = 2.5")
    assert marimo.applet_api("api => api.getValue('r')") == 2.5
    # A drag in GeoGebra drives the marimo cell that shows the distance.
    marimo.drag("A", [[4, 2]])
    marimo.wait_text("distance from A to B: d = 4.000")


def test_two_notebooks_two_widgets_no_cross_talk(marimo: MarimoPage,
                                                  browser: object) -> None:
    marimo.goto("probe.py")
    assert marimo.result("commands").startswith("labels=['A']")
    other = MarimoPage.open(marimo.page.context.browser, marimo.server)  # type: ignore[arg-type]
    try:
        other.goto("other.py")
        got = other.result("other")
        # The second notebook's kernel sees only its own object and its own events.
        assert got == "labels=['P'] names=['P'] events=['P']", got
        assert other.applet_api("api => api.getAllObjectNames()") == ["P"]
        assert "P" not in marimo.applet_api("api => api.getAllObjectNames()")
    finally:
        other.close()


def test_a_reloaded_page_gets_a_working_widget(marimo: MarimoPage) -> None:
    marimo.goto("probe.py")
    assert marimo.result("commands").startswith("labels=['A']")
    marimo.page.reload()
    # marimo run gives the reloaded page a fresh session: its widget connects anew.
    assert marimo.result("commands") == "labels=['A'] x=1 far=5 mode=loopback"
    marimo.wait_ready()
    assert marimo.mode() == "loopback"
