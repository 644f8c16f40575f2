"""The panel's life beyond the happy path: the user closes it, the kernel asks for another
GeoGebra app, the out-of-band socket drops and the browser reconnects."""

from __future__ import annotations

import re

from ._lab import LabPage


def test_closed_panel_says_how_to_reopen_and_open_brings_it_back(
        lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)

    # Close it as a user does: the tab's close icon.
    tab = lab.page.locator(".lm-TabBar-tab", has_text="GeoGebra").first
    tab.hover()
    tab.locator(".lm-TabBar-tabCloseIcon").click()
    lab.page.locator(f'[data-ggbmagic-kernel-id="{kid}"]').wait_for(state="detached",
                                                                     timeout=5_000)

    cell = lab.run(notebook, "%ggb B = (3, 4)")
    assert "UsageError" in cell.stderr, cell.text
    assert "%ggb --open" in cell.stderr, cell.stderr

    opened = lab.run(notebook, "%ggb --open\n%ggb B = (3, 4)", clean=True)
    assert re.search(r"B\s*=\s*\(3,\s*4\)", opened.text), opened.text
    lab.wait_ggb_ready(kid, timeout_ms=5_000)
    check = lab.run(notebook, "print(ggb.exists('B'))", clean=True)
    assert check.stdout.strip() == "True"


def test_open_with_another_app_rebuilds_the_applet(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)
    before = lab.applet_id(kid)

    cell = lab.run(notebook, "%ggb --open --app geometry\nprint(ggb.status().applet)",
                   clean=True)
    assert "'appName': 'geometry'" in cell.stdout, cell.text
    lab.wait_ggb_ready(kid, timeout_ms=5_000)
    after = lab.applet_id(kid)
    assert after != before, "a different app needs a new applet"
    if lab.geogebra == "double":  # webSimple ignores appName (its XML says app="classic")
        app = lab.page.evaluate(
            "(a) => window.__ggbDouble.applets[a].__double.params.appName", after)
        assert app == "geometry"
    # The new applet answers commands.
    again = lab.run(notebook, "%ggb C = (5, 6)", clean=True)
    assert re.search(r"C\s*=\s*\(5,\s*6\)", again.text), again.text


def test_browser_reconnects_after_the_socket_drops(lab: LabPage, notebook: str) -> None:
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    kid = lab.kernel_id(notebook)
    lab.wait_ggb_ready(kid)

    # Drop every OOB connection from the kernel's side, as a relay restart would.
    dropped = lab.run(notebook, (
        "import asyncio\n"
        "ch = ggb.channel\n"
        "futs = [asyncio.run_coroutine_threadsafe(p.close(1001, 'test drop'), ch._loop)\n"
        "        for p in list(ch._peers)]\n"
        "print(len([f.result(5) for f in futs]))"), clean=True)
    assert dropped.stdout.strip() == "1", dropped.text

    # The next command waits for the browser to come back (backoff) and then works.
    cell = lab.run(notebook, "%ggb B = (3, 4)", clean=True)
    assert re.search(r"B\s*=\s*\(3,\s*4\)", cell.text), cell.text
    check = lab.run(notebook, "print(ggb.channel.counters.connections, ggb.exists('B'))",
                    clean=True)
    assert check.stdout.strip() == "2 True", check.text
