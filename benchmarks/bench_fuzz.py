"""Fuzz benchmark: 100,000 malformed frames of every kind over ONE authenticated
connection to a real kernel's OOB socket (issue 8).

    make bench-fuzz                    # or: python benchmarks/bench_fuzz.py [--n 100000]

Prints the frames sent and refused by kind, the kernel's counters, the server closes
(goal 0), the kernel's RSS growth, the bytes written to the notebook (stdout/stderr on
IOPub, what a saved .ipynb would keep; goal < 64 KB), and the time the kernel takes to
answer ``print(1)`` right after the flood (its main thread must not be held up) and
once every frame has been read. The client reads its answers on a thread, as a browser
does; answers the kernel had to drop because they were not read fast enough are counted
by the kernel (``answers_dropped``).
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from websockets.exceptions import ConnectionClosed

from tests.kernel.rawkernel import RawKernel

#: The kernel's frame limit here: small, so that "too large" frames stay cheap to send.
LIMIT = 64 * 1024
BIG = 16 * 1024  # the size of a "huge field": far over what an error may echo

Kind = tuple[str, Callable[[int], str | bytes]]

KINDS: list[Kind] = [
    ("not JSON", lambda i: f"garbage {i} {{"),
    ("not an object", lambda i: json.dumps([i])),
    ("deep nesting", lambda i: "[" * 20_000),
    ("non-finite number", lambda i: '{"v":1,"type":"heartbeat","time":1e400}'),
    ("huge integer", lambda i: '{"v":1,"type":"heartbeat","time":' + "9" * 600 + "}"),
    ("NaN", lambda i: '{"v":1,"type":"heartbeat","time":NaN}'),
    ("lone surrogate", lambda i: '{"v":1,"type":"closed","reason":"x\\udc00"}'),
    ("invalid UTF-8 binary", lambda i: b"\xff\xfe\x00{"),
    ("bad version", lambda i: json.dumps({"v": 2, "type": "ready", "applet": {}})),
    ("huge version", lambda i: json.dumps({"v": "v" * BIG, "type": "ready"})),
    ("unknown type", lambda i: json.dumps({"v": 1, "type": f"nope{i}"})),
    ("huge type", lambda i: json.dumps({"v": 1, "type": "t" * BIG})),
    ("missing field", lambda i: json.dumps({"v": 1, "type": "reply", "ok": True})),
    ("wrong field type", lambda i: json.dumps({"v": 1, "type": "heartbeat", "time": "now"})),
    ("bad event in a batch", lambda i: json.dumps({"v": 1, "type": "event", "events": [
        {"type": "add", "target": "A", "time": 1.0}, {"type": "add", "target": i}]})),
    ("second hello", lambda i: json.dumps({"v": 1, "type": "hello", "token": "x"})),
    ("unknown reply id", lambda i: json.dumps({"v": 1, "type": "reply", "id": f"r{i}",
                                               "ok": True, "result": None})),
    ("oversized browser error", lambda i: json.dumps({"v": 1, "type": "error",
                                                      "code": "c" * BIG,
                                                      "message": "m" * BIG})),
    ("frame too large", lambda i: json.dumps({"v": 1, "type": "heartbeat", "time": 1,
                                              "pad": "x" * (LIMIT + 1)})),
]


class Reader(threading.Thread):
    """Reads the kernel's answers as a browser would; counts error codes and closes."""

    def __init__(self, ws: object) -> None:
        super().__init__(daemon=True)
        self.ws = ws
        self.codes: collections.Counter[str] = collections.Counter()
        self.closed: ConnectionClosed | None = None
        self.pong = threading.Event()

    def run(self) -> None:
        try:
            for frame in self.ws:  # type: ignore[attr-defined]
                msg = json.loads(frame)
                if msg["type"] == "error":
                    self.codes[msg["code"]] += 1
                elif msg["type"] == "pong":
                    self.pong.set()
        except ConnectionClosed as exc:
            self.closed = exc


def counters(kernel: RawKernel) -> dict[str, int]:
    return dict(json.loads(kernel.run(
        "import json; print(json.dumps(ggb.channel.counters.as_dict()))")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="malformed frames to send")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    runtime = Path(tempfile.mkdtemp(prefix="ggbfz", dir="/tmp"))
    kernel = RawKernel(runtime)
    try:
        kernel.run(f"%config GgbMagics.max_frame_bytes = {LIMIT}\n%load_ext ggbmagic")
        ws = kernel.connect()
        reader = Reader(ws)
        reader.start()
        kernel.run("import gc; gc.collect()")
        before = counters(kernel)
        rss_before = kernel.rss_bytes()
        notebook_before = kernel.stream_bytes()

        sent: collections.Counter[str] = collections.Counter()
        closes = 0
        start = time.perf_counter()
        for i in range(args.n):
            name, make = KINDS[i % len(KINDS)]
            try:
                ws.send(make(i))
            except ConnectionClosed:
                closes += 1
                break
            sent[name] += 1
        send_s = time.perf_counter() - start

        t = time.perf_counter()
        assert kernel.run("print(1)").strip() == "1"
        print1_during_ms = (time.perf_counter() - t) * 1e3

        # Every frame read: `ready` is handled after all of them, in order.
        ws.send(json.dumps({"v": 1, "type": "ready", "applet": {"version": "fuzz"}}))
        t = time.perf_counter()
        kernel.run("ggb.channel.wait_ready(600, 600)", timeout=600)
        drained_s = time.perf_counter() - start
        kernel.run("import gc; gc.collect()")
        t = time.perf_counter()
        assert kernel.run("print(1)").strip() == "1"
        print1_after_ms = (time.perf_counter() - t) * 1e3
        after = counters(kernel)
        rss_after = kernel.rss_bytes()
        notebook = kernel.stream_bytes() - notebook_before
        ws.send(json.dumps({"v": 1, "type": "heartbeat", "time": 1}))
        pong = reader.pong.wait(30)
        if reader.closed is not None:
            closes += 1
        ws.close()
    finally:
        kernel.close()
        shutil.rmtree(runtime, ignore_errors=True)

    delta = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    figures = {
        "frames_sent": sum(sent.values()),
        "sent_by_kind": dict(sent),
        "kernel_counters_delta": delta,
        "error_answers_read_by_code": dict(reader.codes),
        "server_closes": closes,
        "connection_alive_after (pong)": pong,
        "kernel_rss_growth_mib": round((rss_after - rss_before) / 2**20, 1),
        "notebook_bytes": notebook,
        "send_seconds": round(send_s, 2),
        "all_read_seconds": round(drained_s, 2),
        "print1_right_after_flood_ms": round(print1_during_ms, 1),
        "print1_after_all_read_ms": round(print1_after_ms, 1),
    }
    width = max(len(name) for name, _ in KINDS)
    print(f"fuzz: {figures['frames_sent']} malformed frames over one authenticated connection")
    for name, _ in KINDS:
        print(f"  {name:<{width}}  {sent[name]:>7}")
    print("kernel counters (delta): " + ", ".join(f"{k}={v}" for k, v in sorted(delta.items())))
    print("error answers read, by code: " + ", ".join(
        f"{k}={v}" for k, v in sorted(reader.codes.items())))
    print(f"server closes: {closes} (goal 0); connection answers afterwards: {pong}")
    print(f"kernel RSS growth: {figures['kernel_rss_growth_mib']} MiB")
    print(f"bytes written to the notebook: {notebook} (goal < 65536)")
    print(f"sent in {send_s:.2f} s; all read after {drained_s:.2f} s")
    print(f"print(1): {print1_during_ms:.1f} ms right after the flood, "
          f"{print1_after_ms:.1f} ms once all was read")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    if closes or not pong or notebook >= 65536:
        sys.exit(1)


if __name__ == "__main__":
    main()
