"""Reproduce the start/stop race of the socket thread (issue 20), N times.

A start that fails (here: the socket directory's name is taken by a file, as when
another user's entry is refused) is followed at once by ``stop()``, as
tests/unit/test_private_dir.py does. Before the fix a failed start was reported while
the thread was still closing its loop, and ``stop()`` in that window raised
``RuntimeError: Event loop is closed`` (10 of 300 runs). Prints the count of clean runs.

    python benchmarks/race_start_stop.py [runs]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from ggbmagic.channel import Channel
from ggbmagic.errors import GgbError
from ggbmagic.paths import socket_dir

KERNEL_ID = "5d1c2a9e-7b2d-4e4a-9a43-0e7f5b3c9d11"


def nothing(*args: Any) -> None:
    pass


def once() -> str | None:
    """One failed start and a stop; None if clean, else what went wrong."""
    runtime = Path(tempfile.mkdtemp(prefix="ggbr", dir="/tmp"))
    try:
        socket_dir(runtime).write_text("in the way")
        ch = Channel(kernel_id=KERNEL_ID, runtime_dir=runtime, send=nothing, hello=nothing)
        try:
            ch.start()
        except GgbError:
            pass
        else:
            return "the start did not fail"
        try:
            ch.stop()
        except Exception as exc:  # the race
            return f"{type(exc).__name__}: {exc}"
        return None
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    failures: dict[str, int] = {}
    for _ in range(runs):
        problem = once()
        if problem is not None:
            failures[problem] = failures.get(problem, 0) + 1
    print(f"start/stop race: {runs - sum(failures.values())} of {runs} runs clean")
    for problem, count in failures.items():
        print(f"  {count} × {problem}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
