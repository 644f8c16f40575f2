"""Kernel-path benchmark: a real ipykernel and the Python browser stand-in of
tests/kernel/client.py, over the real comm and the real out-of-band Unix socket.

    python benchmarks/bench_kernel.py [--n 500] [--json out.json]

Prints p50/p95 of one `ggb.command` round trip and of one `%ggb` line magic (both timed
inside the kernel, so the cell's own overhead is not counted), and the time of a
1,000-line `%%ggb` script. One run; the browser path is measured by bench_browser.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.kernel.client import KernelSession

CELL = r"""
import json, statistics, time
def _pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
def _stats(xs):
    return {"p50_ms": statistics.median(xs) * 1e3, "p95_ms": _pct(xs, 0.95) * 1e3,
            "n": len(xs)}
for _ in range(20):  # warm-up
    ggb.command("x = 1")
api = []
for i in range(N):
    t = time.perf_counter(); ggb.command(f"x = {i}"); api.append(time.perf_counter() - t)
magic = []
ip = get_ipython()
for i in range(N):
    t = time.perf_counter(); ip.run_line_magic("ggb", f"-q x = {i}")
    magic.append(time.perf_counter() - t)
script = "\n".join(f"P{i} = ({i}, {i})" for i in range(1000))
runs = []
for _ in range(5):
    t = time.perf_counter(); ip.run_cell_magic("ggb", "-q --clear", script)
    runs.append(time.perf_counter() - t)
print(json.dumps({"command_round_trip": _stats(api), "line_magic": _stats(magic),
                  "script_1000_lines": {"median_ms": statistics.median(runs) * 1e3,
                                        "max_ms": max(runs) * 1e3, "runs": len(runs)}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="round trips to time")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ggbbench") as tmp:
        session = KernelSession(Path(tmp))
        try:
            session.ok("%load_ext ggbmagic")
            ex = session.ok(f"N = {args.n}\n" + CELL, timeout=600)
        finally:
            session.close()
    figures = json.loads(ex.stdout.strip().splitlines()[-1])
    rt, lm, sc = (figures["command_round_trip"], figures["line_magic"],
                  figures["script_1000_lines"])
    print("kernel path (real ipykernel, Python browser stand-in, Unix socket):")
    print(f"  ggb.command round trip   p50 {rt['p50_ms']:.2f} ms   p95 {rt['p95_ms']:.2f} ms"
          f"   (n={rt['n']})")
    print(f"  %ggb line magic          p50 {lm['p50_ms']:.2f} ms   p95 {lm['p95_ms']:.2f} ms"
          f"   (n={lm['n']})")
    print(f"  %%ggb 1,000-line script  median {sc['median_ms']:.1f} ms   max {sc['max_ms']:.1f} ms"
          f"   ({sc['runs']} runs)")
    print(json.dumps({"kernel": figures}))
    if args.json:
        args.json.write_text(json.dumps({"kernel": figures}, indent=2))


if __name__ == "__main__":
    main()
