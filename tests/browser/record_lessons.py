"""Run the lessons on the REAL GeoGebra and store their outputs in notebooks/*.ipynb.

    python -m tests.browser.record_lessons [--dry-run] [--force] [NAME ...]   # make lessons-record

Each ``notebooks/0*.ipynb`` (or the ones named) is copied into a fresh JupyterLab, run
top to bottom (Run ▸ Run All Cells) in headless Chromium with ggbmagic's self-hosted
settings pointing at the real GeoGebra, saved by JupyterLab, and written back with its
outputs: the tables, and the PNG snapshots GeoGebra drew. So GitHub and a PDF show the
lesson as a student sees it.

It refuses to run on the test double (outputs made by the double must never be
stored): without the real GeoGebra's files it stops, and it checks the applet's
``getVersion()`` before it writes anything. A lesson whose run shows an error is not
written (``--force`` writes it anyway, ``--dry-run`` writes nothing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import sync_playwright

from ._geogebra import REAL_GEOGEBRA_HINT, default_real_geogebra_dir, real_geogebra_dir
from ._lab import LabPage, check_image_outputs, copy_without_outputs, launch_chromium
from ._server import LabServer

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
#: A lesson on the real GeoGebra (loading it, a PNG per snapshot) may take a while.
RUN_TIMEOUT_MS = 600_000


def problems(name: str, cells: list[dict[str, Any]]) -> list[str]:
    """What went wrong in a run: errors, cells that did not run, bad images."""
    out = []
    for i, cell in enumerate(cells):
        if cell["type"] != "code":
            continue
        first = cell["source"].splitlines()[0][:60] if cell["source"] else ""
        where = f"{name} cell {i} ({first!r})"
        if cell["source"].strip() and cell["count"] is None:
            out.append(f"{where}: did not run")
        for o in cell["outputs"]:
            if o.get("output_type") == "error":
                out.append(f"{where}: {o.get('ename')}: {o.get('evalue')}")
            elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                text = "".join(o.get("text", ""))
                if "UsageError" in text or "Traceback" in text:
                    out.append(f"{where}: stderr: {text.strip()[:300]}")
        try:
            check_image_outputs(cell["outputs"])
        except (AssertionError, ValueError, SyntaxError) as exc:
            out.append(f"{where}: bad image: {exc}")
    return out


def record(lab: LabPage, source: Path) -> tuple[dict[str, Any], list[str], str]:
    """Run one lesson; return the saved notebook (nbformat dict), problems, GeoGebra version."""
    name = source.name
    copy_without_outputs(source, lab.server.root_dir / name)
    lab.goto_notebook(name)
    cells = lab.run_all(name, timeout_ms=RUN_TIMEOUT_MS)
    found = problems(name, cells)
    kid = lab.kernel_id(name)
    # The applet is shown in the panel or inline in a cell's output (lesson 02 moves it):
    # ask whichever view holds it now.
    version = str(lab.page.evaluate(
        "(kid) => { for (const n of document.querySelectorAll("
        "`[data-ggbmagic-kernel-id=\"${kid}\"][data-ggbmagic-applet-id]`)) {"
        " const api = window[n.dataset.ggbmagicAppletId];"
        " if (api && typeof api.getVersion === 'function') return api.getVersion(); }"
        " return ''; }", kid) or "")
    # JupyterLab writes the notebook as it holds it (outputs, execution counts).
    lab.page.evaluate("(p) => window.__ggbmTest.panel(p).context.save()", name)
    saved = lab.server.api("GET", f"api/contents/{name}?content=1")
    return saved["content"], found, version


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.browser.record_lessons")
    ap.add_argument("names", nargs="*", help="lessons to record (default: notebooks/0*.ipynb)")
    ap.add_argument("--dry-run", action="store_true", help="run and check, write nothing")
    ap.add_argument("--force", action="store_true", help="write a lesson even if its run failed")
    ap.add_argument("--out", type=Path, help="write into this folder instead of notebooks/")
    args = ap.parse_args(argv)
    if real_geogebra_dir() is None:
        print(f"refusing: no real GeoGebra at {default_real_geogebra_dir()} (outputs made by "
              f"the test double are never stored); {REAL_GEOGEBRA_HINT}", file=sys.stderr)
        return 2
    lessons = sorted(NOTEBOOKS.glob("0*.ipynb"))
    if args.names:
        lessons = [p for p in lessons if p.stem in args.names or p.name in args.names]
        if not lessons:
            print(f"no such lesson: {args.names}", file=sys.stderr)
            return 2
    server = LabServer(name="lessons", geogebra="real").start()
    failed = 0
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                for source in lessons:
                    lab = LabPage.open(browser, server)
                    try:
                        nb, found, version = record(lab, source)
                        if lab.geogebra_org_requests:
                            found.append(f"requests to geogebra.org: {lab.geogebra_org_requests}")
                    finally:
                        lab.close()
                        server.shutdown_all_sessions()
                    if not version or version.startswith("ggbmagic-test-double"):
                        print(f"refusing to store {source.name}: the applet was not the real "
                              f"GeoGebra (getVersion() = {version!r})", file=sys.stderr)
                        return 2
                    status = "ok" if not found else f"{len(found)} problem(s)"
                    print(f"{source.name}: ran on GeoGebra {version}: {status}")
                    for line in found:
                        print(f"  {line}")
                    if found:
                        failed += 1
                    if args.dry_run or (found and not args.force):
                        continue
                    node = nbformat.from_dict(nb)
                    nbformat.validate(node)
                    target = (args.out / source.name) if args.out else source
                    target.parent.mkdir(parents=True, exist_ok=True)
                    nbformat.write(node, str(target))  # Jupyter's own layout
                    print(f"  wrote {target}")
            finally:
                browser.close()
    finally:
        server.stop()
        server.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
