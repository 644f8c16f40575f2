"""End-to-end latency of ggbmagic in a real JupyterLab + headless Chromium, on both GeoGebras.

Run: ``.venv/bin/python benchmarks/bench_browser.py [--geogebra double|real|both]``
(from the repository root). The default is the test double, plus the real GeoGebra when
its files are on the machine (see tests/browser/_geogebra.py); ``real`` fails without them.

Each figure is taken per transport path (docs/architecture.md, "The transport ladder"),
all from one run: ``relay-comm`` (the relay answers, requests go on the comm as before
the ladder), ``relay`` (requests over the open socket, the default) in a local
JupyterLab, and ``subshell`` through a real ``jupyter kernelgateway``
(``--paths relay,subshell`` picks some). ``%ggb --doctor`` names the path each used.

What it measures, inside the kernel (``time.perf_counter`` in the cell itself):

* ``command``: 200 round trips of ``ggb.command('x = 1')`` (kernel → comm → browser →
  GeoGebra → relay → kernel) after 10 warm-up calls; p50 and p95 in ms.
* ``magic``: 200 ``%ggb -q x = 1`` line magics (the magic's whole path, no display),
  split into three parts per round trip, each reported as p50/p95:
  - ``geogebra``: GeoGebra's own time for the command, ``evalCommandGetLabels``, timed
    in the page by wrapping the API object's method (``performance.now``);
  - ``describe``: the describe calls the frontend makes for the result
    (getObjectType, getValueString, getDefinitionString, getCommandString, isDefined,
    getVisible, getX/Y/Zcoord, getValue), timed the same way;
  - ``transport``: the rest — kernel, comm, JupyterLab, the relay and the socket.
* ``script``: one ``%%ggb`` cell of 1,000 lines, wall time, and GeoGebra's share.
* For the double only: the same ``command`` loop with its drawing off
  (``window.__ggbDoubleNoRender``), to show what its SVG redraw costs.

Playwright is attached to the page (it receives every websocket frame), which adds
roughly 0.6–1 ms per round trip. Prints one JSON document and readable lines. Figures
taken on a shared machine are not final.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser._gateway import KernelGateway  # noqa: E402
from tests.browser._geogebra import real_geogebra_dir  # noqa: E402
from tests.browser._lab import LabPage, launch_chromium  # noqa: E402
from tests.browser._server import LabServer  # noqa: E402

N_COMMANDS = 200
N_WARMUP = 10
SCRIPT_LINES = 1000

PRELUDE = """\
import json as _json, time as _time
def _timed(fn, n, warm):
    for _ in range(warm):
        fn()
    out = []
    for _ in range(n):
        t0 = _time.perf_counter()
        fn()
        out.append((_time.perf_counter() - t0) * 1000.0)
    return out
"""

COMMAND_CELL = f"""\
print("BENCH" + _json.dumps(_timed(lambda: ggb.command('x = 1'), {N_COMMANDS}, {N_WARMUP})))
"""

MAGIC_CELL = f"""\
_ip = get_ipython()
print("BENCH" + _json.dumps(_timed(lambda: _ip.run_line_magic('ggb', '-q x = 1'),
                                   {N_COMMANDS}, 0)))
"""

SCRIPT_CELL = f"""\
_body = "\\n".join(f"q{{i}} = ({{i}}, {{i % 7}})" for i in range({SCRIPT_LINES}))
_t0 = _time.perf_counter()
get_ipython().run_cell_magic('ggb', '-q', _body)
print("BENCH" + _json.dumps({{"ms": (_time.perf_counter() - _t0) * 1000.0,
                             "last_exists": ggb.exists("q{SCRIPT_LINES - 1}")}}))
"""

# Wraps the page's API object (window[appletId], the object the product calls) so that
# each evalCommandGetLabels opens a "trip" and the describe calls after it add to it.
WRAP_JS = """(aid) => {
  const api = window[aid];
  const DESCRIBE = ['getObjectType', 'getValueString', 'getDefinitionString',
    'getCommandString', 'isDefined', 'getVisible', 'getXcoord', 'getYcoord',
    'getZcoord', 'getValue'];
  const trips = [];
  window.__benchTrips = trips;
  const wrap = (name, onTime) => {
    const orig = api[name];
    api[name] = function (...a) {
      const t0 = performance.now();
      try { return orig.apply(this, a); } finally { onTime(performance.now() - t0); }
    };
  };
  wrap('evalCommandGetLabels', (ms) => { trips.push({geogebra: ms, describe: 0}); });
  for (const name of DESCRIBE) {
    wrap(name, (ms) => { if (trips.length) trips[trips.length - 1].describe += ms; });
  }
}"""


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    # The mean as well: the page's performance.now() ticks in 0.1 ms steps (Chromium
    # coarsens it), so sub-tick parts show only in the mean over many round trips.
    return {"p50_ms": round(pct(values, 50), 3), "p95_ms": round(pct(values, 95), 3),
            "mean_ms": round(sum(values) / len(values), 3), "n": len(values)}


def _bench(stdout: str) -> Any:
    line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCH")), None)
    if line is None:
        raise RuntimeError(f"no BENCH line in the cell's output:\n{stdout}")
    return json.loads(line[len("BENCH"):])


def _trips(lab: LabPage) -> list[dict[str, float]]:
    got = lab.page.evaluate("() => window.__benchTrips.splice(0)")
    return [{"geogebra": float(t["geogebra"]), "describe": float(t["describe"])} for t in got]


PATHS = ("relay-comm", "relay", "subshell")


def _measure(lab: LabPage, nb: str, which: str, path: str) -> dict[str, Any]:
    """The command, magic and script figures on one page whose kernel is loaded."""
    kid = lab.kernel_id(nb)
    lab.page.evaluate(WRAP_JS, lab.applet_id(kid))
    _trips(lab)
    command = _bench(lab.run(nb, COMMAND_CELL, timeout_ms=300_000, clean=True).stdout)
    _trips(lab)
    magic = _bench(lab.run(nb, MAGIC_CELL, timeout_ms=300_000, clean=True).stdout)
    trips = _trips(lab)
    if len(trips) != len(magic):
        raise RuntimeError(f"{len(magic)} magics but {len(trips)} commands in the page")
    transport = [m - t["geogebra"] - t["describe"] for m, t in zip(magic, trips, strict=True)]
    script = _bench(lab.run(nb, SCRIPT_CELL, timeout_ms=300_000, clean=True).stdout)
    script_geogebra = sum(t["geogebra"] for t in _trips(lab))
    doctor = lab.run(nb, "%ggb --doctor", clean=True).text
    return {
        "geogebra": which,
        "path": path,
        "doctor_path": doctor.split("path in use: ", 1)[-1].split()[0],
        "geogebra_version": lab.applet_api(kid, "api => api.getVersion()"),
        "command": summary(command),
        "magic": {
            "total": summary(magic),
            "geogebra": summary([t["geogebra"] for t in trips]),
            "describe": summary([t["describe"] for t in trips]),
            "transport": summary(transport),
        },
        "script": {"lines": SCRIPT_LINES, "ms": round(script["ms"], 1),
                   "geogebra_ms": round(script_geogebra, 1),
                   "last_exists": script["last_exists"]},
    }


def _open(lab: LabPage, server: LabServer) -> tuple[str, float]:
    nb = server.create_notebook("bench.ipynb")
    lab.goto_notebook(nb)
    t0 = time.monotonic()
    lab.run(nb, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    t_first = time.monotonic() - t0
    lab.wait_ggb_ready(lab.kernel_id(nb))
    lab.run(nb, PRELUDE, clean=True)
    return nb, t_first


def run_one(which: str, paths: tuple[str, ...] = PATHS) -> list[dict[str, Any]]:
    """Every path on one GeoGebra: the relay (requests on the comm, then on the socket)
    in a local JupyterLab, the subshell path through a real kernel gateway."""
    results: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        if {"relay-comm", "relay"} & set(paths):
            server = LabServer(name=f"bench-{which}", geogebra=which).start()
            try:
                lab = LabPage.open(browser, server)
                nb, t_first = _open(lab, server)
                for path in ("relay-comm", "relay"):
                    if path not in paths:
                        continue
                    flag = "False" if path == "relay-comm" else "True"
                    lab.run(nb, f"ggb.channel.requests_over_socket = {flag}", clean=True)
                    r = _measure(lab, nb, which, path)
                    r["first_cell_with_load_ext_s"] = round(t_first, 2)
                    results.append(r)
                if which == "double":
                    lab.page.evaluate("() => { window.__ggbDoubleNoRender = true; }")
                    bare = _bench(lab.run(nb, COMMAND_CELL, timeout_ms=300_000,
                                          clean=True).stdout)
                    lab.page.evaluate("() => { window.__ggbDoubleNoRender = false; }")
                    results[-1]["command_no_drawing"] = summary(bare)
                assert not lab.geogebra_org_requests, lab.geogebra_org_requests
                lab.close()
            finally:
                server.stop()
                server.cleanup()
        if "subshell" in paths:
            gateway = KernelGateway().start()
            server = LabServer(name=f"bench-gw-{which}", geogebra=which,
                               extra_args=(f"--GatewayClient.url={gateway.url}",)).start()
            try:
                lab = LabPage.open(browser, server)
                nb, t_first = _open(lab, server)
                r = _measure(lab, nb, which, "subshell")
                r["first_cell_with_load_ext_s"] = round(t_first, 2)
                results.append(r)
                assert not lab.geogebra_org_requests, lab.geogebra_org_requests
                lab.close()
            finally:
                server.stop()
                server.cleanup()
                gateway.stop()
                gateway.cleanup()
        browser.close()
    return results


def describe(r: dict[str, Any]) -> str:
    m = r["magic"]
    lines = [
        f"[{r['geogebra']} {r['geogebra_version']}, path {r['path']}"
        f" (doctor: {r['doctor_path']})] ggb.command:"
        f" p50 {r['command']['p50_ms']:.2f} ms,"
        f" p95 {r['command']['p95_ms']:.2f} ms (n={r['command']['n']})",
        f"  %ggb: p50 {m['total']['p50_ms']:.2f} / p95 {m['total']['p95_ms']:.2f} ms = "
        f"GeoGebra's own {m['geogebra']['p50_ms']:.2f} / {m['geogebra']['p95_ms']:.2f}"
        f" + describe {m['describe']['p50_ms']:.2f} / {m['describe']['p95_ms']:.2f}"
        f" + transport {m['transport']['p50_ms']:.2f} / {m['transport']['p95_ms']:.2f}"
        f" (p50 / p95 of each part; means {m['geogebra']['mean_ms']:.3f}"
        f" + {m['describe']['mean_ms']:.3f} + {m['transport']['mean_ms']:.3f})",
        f"  %%ggb with {r['script']['lines']} lines: {r['script']['ms']:.0f} ms"
        f" (GeoGebra's own: {r['script']['geogebra_ms']:.0f} ms);"
        f" first cell with %load_ext: {r['first_cell_with_load_ext_s']:.2f} s",
    ]
    if "command_no_drawing" in r:
        lines.append(f"  ggb.command with the double's drawing off: p50 "
                     f"{r['command_no_drawing']['p50_ms']:.2f} ms, p95 "
                     f"{r['command_no_drawing']['p95_ms']:.2f} ms")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="bench_browser.py")
    ap.add_argument("--geogebra", choices=["double", "real", "both", "auto"], default="auto",
                    help="auto (default): the double, and the real GeoGebra when present")
    ap.add_argument("--paths", default="",
                    help=f"comma-separated, of {', '.join(PATHS)} (default: all)")
    args = ap.parse_args(argv)
    which = {"double": ["double"], "real": ["real"], "both": ["double", "real"]}.get(
        args.geogebra, ["double", "real"] if real_geogebra_dir() else ["double"])
    if "real" in which and real_geogebra_dir() is None:
        print("no real GeoGebra on this machine (see tests/browser/_geogebra.py)",
              file=sys.stderr)
        return 2
    paths = tuple(args.paths.split(",")) if args.paths else PATHS
    results = [r for w in which for r in run_one(w, paths)]
    doc = {"results": results,
           "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "platform": platform.platform()}}
    print(json.dumps(doc, indent=2))
    for r in results:
        print(describe(r))
    if "real" not in which:
        print("(no real GeoGebra here: only the double was measured)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
