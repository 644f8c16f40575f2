"""What keeping the kernel's copy of the construction costs, on the real GeoGebra.

Run: ``.venv/bin/python benchmarks/bench_copy.py`` (from the repository root; needs the
real GeoGebra's files, see tests/browser/_geogebra.py). On a plain page with the
GeoGebra's own ``deployggb.js`` it builds one applet (webSimple, as the tests do), then
for 3, 100 and 1,000 points times ``getBase64()`` (20 calls: p50, p95, and the file's
size) and ``getPNGBase64`` (5 calls, p50): the two calls the kernel makes after a cell
that changed the construction (the picture only once an inline output shows it). Also
says which app GeoGebra builds for each appName (the ``app`` attribute of its file).
Prints one JSON document. Figures taken on a shared machine are not final.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser._geogebra import GeoGebraFiles, real_geogebra_dir  # noqa: E402
from tests.browser._lab import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PAGE = b'<!doctype html><html><body><script src="/GeoGebra/deployggb.js"></script></body></html>'
BUILD = """([app, codebase]) => new Promise((resolve, reject) => {
  const id = 'b' + Math.random().toString(36).slice(2);
  const host = document.createElement('div');
  document.body.appendChild(host);
  const timer = setTimeout(() => reject(new Error('no applet in 60 s')), 60000);
  const params = {id, appName: app, width: 800, height: 600, showToolBar: false,
    showMenuBar: false, showAlgebraInput: false, errorDialogsActive: false, preventFocus: true,
    appletOnLoad: api => { clearTimeout(timer); window.__api = api || window[id]; resolve(id); }};
  const applet = new GGBApplet(params, true);
  applet.setHTML5Codebase(codebase);
  applet.inject(host);
})"""
APP = """() => { const m = /<geogebra\\b[^>]*\\sapp="([^"]*)"/.exec(window.__api.getXML());
  return {app: m ? m[1] : null, view3d: /<euclidianView3D\\b/.test(window.__api.getXML())}; }"""
COST = """(n) => { const api = window.__api; api.newConstruction();
  for (let i = 0; i < n; i++) api.evalCommand('P' + i + ' = (' + i + ', ' + (i % 7) + ')');
  const t = []; let s = '';
  for (let k = 0; k < 20; k++) { const t0 = performance.now(); s = api.getBase64();
                                 t.push(performance.now() - t0); }
  const p = [];
  for (let k = 0; k < 5; k++) { const t0 = performance.now(); api.getPNGBase64(1, false);
                                p.push(performance.now() - t0); }
  t.sort((a, b) => a - b); p.sort((a, b) => a - b);
  return {objects: api.getObjectNumber(), bytes: s.length, getBase64_p50_ms: t[10],
          getBase64_p95_ms: t[18], getPNGBase64_p50_ms: p[2]}; }"""


def main() -> int:
    if real_geogebra_dir() is None:
        print("bench_copy: no real GeoGebra on this machine (see tests/browser/_geogebra.py); "
              "nothing measured", file=sys.stderr)
        return 0
    out: dict[str, object] = {"apps": {}, "copies": []}
    with GeoGebraFiles(extra={"/bench.html": ("text/html", PAGE)}) as files, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(files.url("bench.html"))
            codebase = files.url("/GeoGebra/HTML5/5.0/webSimple/")
            for app in ("classic", "graphing", "geometry", "3d"):
                page.evaluate(BUILD, [app, codebase])
                out["apps"][app] = page.evaluate(APP)  # type: ignore[index]
            page.evaluate(BUILD, ["classic", codebase])
            for n in (3, 100, 1000):
                out["copies"].append(page.evaluate(COST, n))  # type: ignore[attr-defined]
        finally:
            browser.close()
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
