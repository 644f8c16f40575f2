"""Run the conformance probes in headless Chromium on the real GeoGebra or on the double.

    python -m tests.conformance.run record          # real GeoGebra -> real-answers.json
    python -m tests.conformance.run double [--out F] [--only ID ...]   # the double, JSON out

The page is a tiny HTML file served by a static server on 127.0.0.1 with the GeoGebra's
deployggb.js (real or double) and ``harness.js``; the applets are built the way the
product's loader builds them. Nothing else is reachable: every other URL is answered 404
and counted (a probe run that needed geogebra.org fails). ``record`` refuses to run on
the double: the recorded file only ever holds answers of the real GeoGebra.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser._geogebra import (
    REAL_GEOGEBRA_HINT,
    GeoGebraFiles,
    StaticServer,
    default_real_geogebra_dir,
    real_geogebra_dir,
)
from tests.browser._lab import DOUBLE_JS, launch_chromium

from .compare import drag_pattern
from .probes import PROBES, WARM_UP, Probe, q

HERE = Path(__file__).resolve().parent
ANSWERS = HERE / "real-answers.json"
HARNESS = HERE / "harness.js"
#: How long a step may wait: a ``wait:`` poll, a promise, a callback; and the quiet
#: time after the last step in which late events still count.
BOUNDS = {"wait": 5000, "promise": 5000, "callback": 3000, "settle": 150}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>ggbmagic conformance</title></head>
<body><script src="/conformance/harness.js"></script>
</body></html>
"""
#: The product's compiled frontend (``npm run build:lib``, part of ``make install-dev``):
#: the harness builds every applet with its ``loader.js``.
PRODUCT_LIB = HERE.parents[1] / "frontend" / "lib"


def product_modules(lib: Path = PRODUCT_LIB) -> dict[str, tuple[str, bytes]]:
    """The compiled frontend's modules under ``/product/``, each also without its
    ``.js``: tsc keeps the extensionless specifiers of the sources (``'./sizing'``),
    which a browser resolves relative to the importing module's URL."""
    if not (lib / "loader.js").is_file():
        raise RuntimeError(f"{lib / 'loader.js'} is missing: build the frontend first "
                           "(make install-dev, or cd frontend && npm run build:lib)")
    out: dict[str, tuple[str, bytes]] = {}
    for path in lib.rglob("*.js"):
        url = "/product/" + path.relative_to(lib).as_posix()
        body = ("application/javascript", path.read_bytes())
        out[url] = body
        out[url[:-len(".js")]] = body
    return out


class Session:
    """One static server + one browser; pages on demand."""

    def __init__(self, browser: Browser, which: str) -> None:
        if which not in ("real", "double"):
            raise ValueError(which)
        self.which = which
        harness = ("application/javascript", HARNESS.read_bytes())
        product = product_modules()
        if which == "real":
            self.files: StaticServer = GeoGebraFiles(
                extra={"/conformance/harness.js": harness, **product})
            deployggb = "/GeoGebra/deployggb.js"
            self.codebase = "/GeoGebra/HTML5/5.0/webSimple/"
        else:
            self.files = StaticServer(None, extra={
                "/conformance/harness.js": harness, **product,
                "/double/deployggb.js": ("application/javascript", DOUBLE_JS.read_bytes())})
            deployggb = "/double/deployggb.js"
            self.codebase = ""
        self.deployggb = deployggb
        self.files.extra["/conformance/index.html"] = ("text/html; charset=utf-8", PAGE.encode())
        self.files.start()
        self.context = browser.new_context(viewport={"width": 1000, "height": 800})
        self.blocked: list[str] = []
        origin = self.files.origin + "/"
        self.context.route(lambda url: not url.startswith((origin, "data:", "blob:")),
                           self._block)
        self.console: list[str] = []
        self._shared: Page | None = None

    def _block(self, route: Any) -> None:
        self.blocked.append(route.request.url)
        route.fulfill(status=404, body="blocked by the conformance run")

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("console", lambda m: self.console.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"[pageerror] {e}"))
        codebase = self.files.url(self.codebase) if self.codebase else ""
        deployggb = self.files.url(self.deployggb.lstrip("/"))
        page.goto(self.files.url("conformance/index.html")
                  + f"?codebase={codebase}&deployggb={deployggb}")
        page.wait_for_function("() => !!window.__conformance")
        return page

    def shared(self) -> Page:
        if self._shared is None:
            self._shared = self.new_page()
            warm = Probe("warm-up", tuple(f"api.asyncEvalCommandGetLabels({q(c)})"
                                          for c in WARM_UP))
            self._run(self._shared, warm)
        return self._shared

    def _run(self, page: Page, probe: Probe) -> dict[str, Any]:
        result = page.evaluate("([p, b]) => window.__conformance.runProbe(p, b)",
                               [probe.as_js(), BOUNDS], )
        assert isinstance(result, dict)
        return result

    def _run_drag(self, page: Page, probe: Probe) -> dict[str, Any]:
        """A drag probe: its steps, then a user's drag (a real mouse on the real GeoGebra,
        the double's hook on the double), then its events as :func:`drag_pattern` keeps them."""
        assert probe.drag is not None
        start = page.evaluate("([p, b]) => window.__conformance.startProbe(p, b)",
                              [probe.as_js(), BOUNDS])
        try:
            if self.which == "real":
                path = start["path"]
                assert all(path), f"no graphics view to drag in: {path!r}"
                page.mouse.move(*path[0])
                page.mouse.down()
                for x, y in path[1:]:
                    page.mouse.move(x, y, steps=5)
                page.mouse.up()
            else:
                page.evaluate("() => window.__conformance.doubleDrag()")
            # GeoGebra handles mouse events on its own schedule: the drag is done when
            # the point is where the mouse left it.
            page.wait_for_function("() => window.__conformance.dragDone()",
                                   timeout=BOUNDS["wait"])
        finally:
            result = page.evaluate("(b) => window.__conformance.finishProbe(b)", BOUNDS)
        assert isinstance(result, dict)
        n = len(probe.steps)
        result["drag"] = drag_pattern(result["events"], n)
        result["events"] = [e for e in result["events"] if e["step"] != n]
        return result

    def run(self, probe: Probe) -> dict[str, Any]:
        if probe.drag:
            # A page of its own, at the top of the viewport: the mouse goes where it shows.
            page = self.new_page()
            try:
                return self._run_drag(page, probe)
            finally:
                page.close()
        if probe.fresh_page:
            page = self.new_page()
            try:
                return self._run(page, probe)
            finally:
                page.close()
        return self._run(self.shared(), probe)

    def version(self) -> str:
        return str(self.shared().evaluate("() => window.__conformance.version()"))

    def close(self) -> None:
        self.context.close()
        self.files.stop()


def run_all(which: str, probes: tuple[Probe, ...] = PROBES) -> dict[str, Any]:
    """Every probe's answers on ``which``, as the JSON document the record holds."""
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            s = Session(browser, which)
            try:
                rows = {}
                for probe in probes:
                    row = {"digest": probe.digest(), **s.run(probe)}
                    if probe.real_only:
                        row["real_only"] = probe.real_only
                    rows[probe.id] = row
                version = s.version()
                if s.blocked:
                    raise RuntimeError(f"the page tried to reach other sites: {s.blocked[:5]}")
            finally:
                s.close()
        finally:
            browser.close()
    return {"geogebra_version": version, "bounds_ms": BOUNDS,
            "harness_digest": harness_digest(), "rows": rows}


def harness_digest() -> str:
    """A hash of the page side of the run: how answers are taken and normalised."""
    return hashlib.sha256(HARNESS.read_bytes()).hexdigest()[:16]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.conformance.run")
    ap.add_argument("which", choices=["record", "real", "double"],
                    help="record: the real GeoGebra into real-answers.json; "
                         "real/double: print (or --out) the answers of that GeoGebra")
    ap.add_argument("--out", type=Path, help="write the JSON here")
    ap.add_argument("--only", nargs="*", help="probe ids to run (default: all)")
    args = ap.parse_args(argv)
    which = "real" if args.which in ("record", "real") else "double"
    if which == "real" and real_geogebra_dir() is None:
        print(f"no real GeoGebra at {default_real_geogebra_dir()}; {REAL_GEOGEBRA_HINT}",
              file=sys.stderr)
        return 2
    probes = PROBES
    if args.only:
        wanted = set(args.only)
        probes = tuple(p for p in PROBES if p.id in wanted)
        missing = wanted - {p.id for p in probes}
        if missing:
            print(f"unknown probe ids: {sorted(missing)}", file=sys.stderr)
            return 2
    doc = run_all(which, probes)
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    if args.which == "record":
        if args.only:
            print("record runs every probe (no --only)", file=sys.stderr)
            return 2
        if doc["geogebra_version"].startswith("ggbmagic-test-double"):
            print("refusing to record answers of the test double", file=sys.stderr)
            return 2
        ANSWERS.write_text(text, encoding="utf-8")
        print(f"wrote {ANSWERS} ({len(doc['rows'])} rows, GeoGebra "
              f"{doc['geogebra_version']})")
    elif args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
