"""End-to-end latency of ggbmagic in a real JupyterLab + headless Chromium.

Run: ``.venv/bin/python benchmarks/bench_browser.py`` (from the repository root).

What it measures, inside the kernel (``time.perf_counter`` in the cell itself):

* ``command``: 200 round trips of ``ggb.command('x = 1')`` (kernel → comm → browser →
  test double → relay → kernel); p50, p95, min, max in ms, after 10 warm-up calls.
* ``script``: one ``%%ggb`` cell of 1,000 lines (run through ``run_cell_magic`` so the
  magic's whole path is timed), wall time in ms.

GeoGebra itself cannot load here; deployggb.js is answered with the test double
(tests/browser/assets). The double evaluates commands in microseconds, so the numbers
are ggbmagic's transport and JupyterLab's, not GeoGebra's. Playwright is attached to
the page (it receives every websocket frame), which adds roughly 0.6–1 ms per round
trip; no other request is intercepted.

Prints one JSON object and one readable line.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser._lab import LabPage, launch_chromium  # noqa: E402
from tests.browser._server import LabServer  # noqa: E402

N_COMMANDS = 200
N_WARMUP = 10
SCRIPT_LINES = 1000

COMMAND_CELL = f"""\
import json as _json, math as _math, time as _time
for _ in range({N_WARMUP}):
    ggb.command('x = 1')
_ts = []
for _ in range({N_COMMANDS}):
    _t0 = _time.perf_counter()
    ggb.command('x = 1')
    _ts.append((_time.perf_counter() - _t0) * 1000.0)
_ts.sort()
def _pct(p):  # nearest rank
    return _ts[max(0, _math.ceil(p / 100.0 * len(_ts)) - 1)]
print("BENCH" + _json.dumps({{
    "command_n": len(_ts), "command_p50_ms": _pct(50), "command_p95_ms": _pct(95),
    "command_min_ms": _ts[0], "command_max_ms": _ts[-1]}}))
"""

SCRIPT_CELL = f"""\
_body = "\\n".join(f"q{{i}} = ({{i}}, {{i % 7}})" for i in range({SCRIPT_LINES}))
_t0 = _time.perf_counter()
get_ipython().run_cell_magic('ggb', '-q', _body)
_script_ms = (_time.perf_counter() - _t0) * 1000.0
print("BENCH" + _json.dumps({{
    "script_lines": {SCRIPT_LINES}, "script_ms": _script_ms,
    "script_last_exists": ggb.exists("q{SCRIPT_LINES - 1}")}}))
"""

# Time spent inside the test double's evalCommandGetLabels (its evaluator, its
# synchronous SVG re-render, and any listener it calls back synchronously), so the
# double's own cost can be told apart from ggbmagic's transport.
WRAP_JS = """(aid) => {
  const api = window.__ggbDouble.applets[aid];
  const orig = api.evalCommandGetLabels;
  window.__bench = {ms: 0, calls: 0};
  api.evalCommandGetLabels = function (...a) {
    const t0 = performance.now();
    try { return orig.apply(this, a); }
    finally { window.__bench.ms += performance.now() - t0; window.__bench.calls++; }
  };
}"""


def _bench_line(stdout: str) -> dict[str, object]:
    line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCH")), None)
    if line is None:
        raise RuntimeError(f"no BENCH line in the cell's output:\n{stdout}")
    return dict(json.loads(line[len("BENCH"):]))


def _take_double_time(lab: LabPage) -> dict[str, float]:
    got = lab.page.evaluate("() => { const b = window.__bench; "
                            "window.__bench = {ms: 0, calls: 0}; return b; }")
    return {"ms": float(got["ms"]), "calls": float(got["calls"])}


def main() -> int:
    server = LabServer(name="bench").start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            lab = LabPage.open(browser, server, route_all=False)
            nb = server.create_notebook("bench.ipynb")
            t0 = time.monotonic()
            lab.goto_notebook(nb)
            t_open = time.monotonic() - t0
            t0 = time.monotonic()
            lab.run(nb, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
            t_first = time.monotonic() - t0
            lab.wait_ggb_ready()
            kid = lab.kernel_id(nb)
            lab.page.evaluate(WRAP_JS, lab.applet_id(kid))
            _take_double_time(lab)
            result = _bench_line(lab.run(nb, COMMAND_CELL, timeout_ms=300_000,
                                         clean=True).stdout)
            dbl = _take_double_time(lab)
            result["command_double_mean_ms"] = dbl["ms"] / max(dbl["calls"], 1)
            # The same again with the double's drawing off: what remains is ggbmagic's
            # transport and JupyterLab's message handling.
            lab.page.evaluate("() => { window.__ggbDoubleNoRender = true; }")
            bare = _bench_line(lab.run(nb, COMMAND_CELL, timeout_ms=300_000,
                                       clean=True).stdout)
            lab.page.evaluate("() => { window.__ggbDoubleNoRender = false; }")
            _take_double_time(lab)
            for key in ("command_p50_ms", "command_p95_ms"):
                result[key.replace("command_", "command_no_drawing_")] = bare[key]
            result.update(_bench_line(lab.run(nb, SCRIPT_CELL, timeout_ms=300_000,
                                              clean=True).stdout))
            dbl = _take_double_time(lab)
            result["script_double_ms"] = dbl["ms"]
            result.update({
                "open_notebook_s": round(t_open, 2),
                "first_cell_with_load_ext_s": round(t_first, 2),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()},
            })
            browser.close()
    finally:
        server.stop()
        server.cleanup()
    for key in ("command_p50_ms", "command_p95_ms", "command_min_ms", "command_max_ms",
                "command_no_drawing_p50_ms", "command_no_drawing_p95_ms",
                "command_double_mean_ms", "script_ms", "script_double_ms"):
        result[key] = round(result[key], 3)
    print(json.dumps(result, indent=2))
    print(f"ggb.command round trip: p50 {result['command_p50_ms']:.2f} ms, "
          f"p95 {result['command_p95_ms']:.2f} ms (n={result['command_n']}); "
          f"[test double's own share: mean {result['command_double_mean_ms']:.2f} ms; "
          f"with its drawing off: p50 {result['command_no_drawing_p50_ms']:.2f} ms, "
          f"p95 {result['command_no_drawing_p95_ms']:.2f} ms]; "
          f"%%ggb with {result['script_lines']} lines: {result['script_ms']:.0f} ms "
          f"[of which inside the test double: {result['script_double_ms']:.0f} ms]; "
          f"first cell with %load_ext: {result['first_cell_with_load_ext_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
