"""Re-measure issue 15's attacks on the loopback port (``GGBMAGIC_TRANSPORT=tcp``).

The listener runs alone in its process (tests/loopback_target.py), the attacker in
another (tests/loopback_attacker.py):

* flood: welcomes out of 20 for a browser that says hello 10 ms after connecting, while
  the attacker holds N waiting connections and reopens each one the kernel closes;
* headers: the listener's RSS before, during and after 400 unfinished handshakes of
  ~1 MiB of headers each;
* descriptors: the listener's open fds during 2,500 unfinished handshakes.

    python benchmarks/attack_loopback.py [--repo DIR] [--holders 16 144 300]

``--repo`` runs another checkout's ggbmagic (with this one's tests/loopback_*.py copied
in) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import connect

HERE = Path(__file__).resolve().parents[1]


class Target:
    def __init__(self, repo: Path) -> None:
        self.runtime = tempfile.mkdtemp(prefix="ggba")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.loopback_target", self.runtime], cwd=repo,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.port, self.token, _ = self.proc.stdout.readline().split()

    def probe(self) -> tuple[int, int, dict[str, int]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        rss, fds, counters = self.proc.stdout.readline().split(" ", 2)
        return int(rss) // 1024, int(fds), json.loads(counters)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.runtime, ignore_errors=True)


def attacker(repo: Path, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.loopback_attacker",
                             *map(str, args)], cwd=repo, stdout=subprocess.PIPE, text=True)


def browser(port: str, token: str) -> bool:
    try:
        with connect(f"ws://127.0.0.1:{port}/", open_timeout=10) as ws:
            time.sleep(0.01)
            ws.send(json.dumps({"v": 1, "type": "hello", "token": token}))
            return bool(json.loads(ws.recv(timeout=10))["type"] == "welcome")
    except (ConnectionClosed, InvalidHandshake, OSError, TimeoutError):
        return False


def flood(repo: Path, holders: int) -> None:
    target = Target(repo)
    att = attacker(repo, "flood", target.port, holders, 30)
    try:
        assert att.stdout is not None
        att.stdout.readline()
        start = time.monotonic()
        welcomes = sum(browser(target.port, target.token) for _ in range(20))
        seconds = time.monotonic() - start
        pushed = target.probe()[2].get("pushed_out", "n/a")
        att.kill()
        print(f"flood, {holders} holders: {welcomes} of 20 welcomes in {seconds:.1f} s "
              f"(pushed out: {pushed})", flush=True)
    finally:
        att.kill()
        att.wait()
        target.close()


def headers(repo: Path, count: int, size: int, hold: float, rounds: int = 1) -> None:
    target = Target(repo)
    try:
        for _ in range(rounds):
            _headers_round(repo, target, count, size, hold)
    finally:
        target.close()


def _headers_round(repo: Path, target: Target, count: int, size: int, hold: float) -> None:
    if True:
        before, fds_before, _ = target.probe()
        att = attacker(repo, "headers", target.port, count, size, hold)
        time.sleep(hold / 2)
        during, fds_during, _ = target.probe()
        assert att.stdout is not None
        still_open = att.stdout.readline().strip()
        att.wait()
        time.sleep(1.0)
        after, fds_after, counters = target.probe()
        print(f"{count} unfinished handshakes of {size // 1024} KiB: RSS {before} → "
              f"{during} → {after} MiB (before, during, after); fds {fds_before} → "
              f"{fds_during} → {fds_after}; still open at the end: {still_open}; "
              f"cut for size: {counters.get('handshakes_too_large', 'n/a')}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--holders", type=int, nargs="*", default=[16, 144, 300])
    args = parser.parse_args()
    repo: Path = args.repo
    if repo != HERE:
        for name in ("loopback_target.py", "loopback_attacker.py", "__init__.py"):
            (repo / "tests").mkdir(exist_ok=True)
            shutil.copy(HERE / "tests" / name, repo / "tests" / name)
    for holders in args.holders:
        flood(repo, holders)
    headers(repo, 400, 1 << 20, 6.0)
    headers(repo, 2500, 1024, 6.0, rounds=3)


if __name__ == "__main__":
    main()
