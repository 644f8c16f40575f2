"""A kernel's OOB listener on a loopback port, alone in its process (as in a kernel),
for the attack measurements: prints ``<port> <token> <pid>`` and serves until stdin
closes; each line read from stdin is answered with ``<rss_kib> <open_fds> <counters>``.

    python -m tests.loopback_target RUNTIME_DIR
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from ggbmagic.channel import Channel

KERNEL_ID = "0b5c9e7e-3333-4222-8333-944455556666"


def nothing(*args: Any) -> None:
    pass


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def main() -> None:
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=Path(sys.argv[1]), send=nothing,
                 hello=nothing, use_tcp=True)
    ch.start()
    print(ch.port, ch.token, os.getpid(), flush=True)
    try:
        for _ in sys.stdin:
            fds = len(os.listdir("/proc/self/fd"))
            print(rss_kib(), fds, json.dumps(ch.counters.as_dict()), flush=True)
    finally:
        ch.stop()


if __name__ == "__main__":
    main()
