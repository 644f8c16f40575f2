"""Round trips of the GeoGebra widget (ggbmagic.widget), beside the panel's, in one run.

Run: ``.venv/bin/python benchmarks/bench_widget.py [--geogebra double|real|both]``.

* JupyterLab (one server, one notebook, headless Chromium): the panel's ``ggb.command``
  and ``%ggb -q x = 1``, then a ``GeoGebraWidget`` in the same notebook — which the
  magics drive from then on — with the same two loops (its answers on the loopback
  socket).
* marimo (``marimo run``): ``ggb.command('x = 1')`` of a widget in a cell (loopback).
  marimo has no magics.

Each loop: 200 round trips after 10 warm-up calls, timed in the kernel
(``time.perf_counter``); p50 and p95 in ms. Playwright is attached to the pages.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.bench_browser import PRELUDE, _bench, summary  # noqa: E402
from tests.browser._geogebra import real_geogebra_dir  # noqa: E402
from tests.browser._lab import LabPage, launch_chromium  # noqa: E402
from tests.browser._server import LabServer  # noqa: E402
from tests.widget._marimo import MarimoPage, MarimoServer  # noqa: E402

N, WARM = 200, 10

LOOPS = f"""\
_ip = get_ipython()
print("BENCH" + _json.dumps({{
    "command": _timed(lambda: ggb.command('x = 1'), {N}, {WARM}),
    "magic": _timed(lambda: _ip.run_line_magic('ggb', '-q x = 1'), {N}, {WARM})}}))
"""

MARIMO_NOTEBOOK = f'''import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from ggbmagic.widget import GeoGebraWidget
    ggb = GeoGebraWidget(height=300)
    view = mo.ui.anywidget(ggb.widget)
    view
    return ggb, mo


@app.cell
def _(ggb, mo):
    import json
    import time

    def _timed(fn, n, warm):
        for _ in range(warm):
            fn()
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000.0)
        return out
    times = _timed(lambda: ggb.command("x = 1"), {N}, {WARM})
    mo.md("RESULT bench: " + json.dumps(times) + " " + ggb.mode)
    return


if __name__ == "__main__":
    app.run()
'''


def jupyterlab(which: str) -> dict[str, Any]:
    server = LabServer(name=f"bench-widget-{which}", geogebra=which).start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            lab = LabPage.open(browser, server)
            nb = server.create_notebook("bench.ipynb")
            lab.goto_notebook(nb)
            lab.run(nb, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
            lab.wait_ggb_ready(lab.kernel_id(nb))
            lab.run(nb, PRELUDE, clean=True)
            panel = _bench(lab.run(nb, LOOPS, timeout_ms=300_000, clean=True).stdout)
            where = ""
            if server.geogebra_files is not None:
                files = server.geogebra_files
                where = (f"deployggb_url={files.deployggb_url!r}, "
                         f"html5_codebase={files.codebase_url!r}, ")
            lab.run(nb, f"from ggbmagic.widget import GeoGebraWidget\n"
                        f"ggb = GeoGebraWidget({where}height=300)\nggb", clean=True)
            lab.run(nb, "assert ggb.command('B = (1, 1)') and ggb.mode == 'loopback'",
                    clean=True)
            widget = _bench(lab.run(nb, LOOPS, timeout_ms=300_000, clean=True).stdout)
            browser.close()
    finally:
        server.stop()
        server.cleanup()
    return {"panel": {k: summary(v) for k, v in panel.items()},
            "widget": {k: summary(v) for k, v in widget.items()}}


def marimo(which: str) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="ggbm-bench-"))
    notebook = folder / "bench_widget_nb.py"
    notebook.write_text(MARIMO_NOTEBOOK)
    server = MarimoServer([notebook], geogebra=which).start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = MarimoPage.open(browser, server)
            page.goto(notebook.name)
            text = page.result("bench", timeout_ms=600_000)
            times, mode = text.rsplit(" ", 1)
            if mode != "loopback":
                raise RuntimeError(f"the widget was in the {mode} mode")
            browser.close()
    finally:
        server.stop()
        server.cleanup()
    return {"command": summary(json.loads(times))}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geogebra", choices=("double", "real", "both"), default=None)
    args = parser.parse_args(argv)
    which = args.geogebra or ("both" if real_geogebra_dir() else "double")
    kinds = ["double", "real"] if which == "both" else [which]
    results: dict[str, Any] = {}
    for k in kinds:
        # marimo first: a failure there should not cost the JupyterLab figures, and back.
        results[k] = {"marimo": marimo(k)}
        print(k, "marimo", json.dumps(results[k]["marimo"]), flush=True)
        results[k]["jupyterlab"] = jupyterlab(k)
        print(k, "jupyterlab", json.dumps(results[k]["jupyterlab"]), flush=True)
    print(json.dumps(results, indent=2))
    for k, r in results.items():
        lab, mar = r["jupyterlab"], r["marimo"]
        for name, part in (("panel", lab["panel"]), ("widget", lab["widget"])):
            print(f"{k}: JupyterLab {name}: ggb.command p50 {part['command']['p50_ms']:.2f} / "
                  f"p95 {part['command']['p95_ms']:.2f} ms; %ggb p50 "
                  f"{part['magic']['p50_ms']:.2f} / p95 {part['magic']['p95_ms']:.2f} ms")
        print(f"{k}: marimo widget (loopback): ggb.command p50 "
              f"{mar['command']['p50_ms']:.2f} / p95 {mar['command']['p95_ms']:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
