"""A hostile local user against the kernel's loopback port (issue 15), as a process.

    python -m tests.loopback_attacker flood PORT HOLDERS SECONDS
        HOLDERS connections at once, each doing a full WebSocket handshake and then never
        saying hello; each one closed by the kernel is opened again at once. Prints the
        handshakes per second it achieved.
    python -m tests.loopback_attacker headers PORT COUNT BYTES SECONDS
        COUNT connections that each send BYTES of HTTP headers (8 KiB lines, as many as
        the kernel reads) and never finish the request; holds them SECONDS. Prints how
        many were still open at the end.

Used by tests/unit/test_oob_flood.py and benchmarks/attack_loopback.py. The attacker
never knows the token, so it can never complete a hello: that is the point.
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys
import time

REQUEST = (
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


async def _holder(port: int, until: float, count: list[int], holders: int) -> None:
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.001)
            continue
        try:
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write(REQUEST.format(key=key).encode())
            status = await reader.readline()
            if status.startswith(b"HTTP/1.1 101"):
                count[0] += 1
                if count[0] == holders:
                    print("flooding", flush=True)  # every holder got in at least once
            while (await reader.readline()).strip():
                pass  # the rest of the response's headers
            # Hold it, silent, until the kernel says anything (its close frame: it is
            # pushing us out) or closes; then make a new one at once.
            await asyncio.wait_for(reader.read(1), max(0.0, until - time.monotonic()))
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.transport.abort()


async def flood(port: int, holders: int, seconds: float) -> float:
    """Hold *holders* waiting connections for *seconds*; return handshakes per second."""
    count = [0]
    start = time.monotonic()
    await asyncio.gather(*(_holder(port, start + seconds, count, holders) for _ in range(holders)))
    return count[0] / (time.monotonic() - start)


async def headers(port: int, connections: int, size: int, seconds: float) -> int:
    """Open *connections* unfinished handshakes of *size* bytes; return those still open."""
    writers = []
    line = b"X-Pad: " + b"a" * 8000 + b"\r\n"
    for _ in range(connections):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            break  # out of descriptors on our side, or refused
        writers.append((reader, writer))
        writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for _ in range(max(1, size // len(line))):
            writer.write(line)
        await asyncio.sleep(0)
    await asyncio.sleep(seconds)
    open_ = sum(1 for reader, _ in writers if not reader.at_eof()
                and not reader._transport.is_closing())  # type: ignore[attr-defined]
    for _, writer in writers:
        writer.transport.abort()
    return open_


def main(argv: list[str]) -> None:
    mode, port = argv[0], int(argv[1])
    if mode == "flood":
        rate = asyncio.run(flood(port, int(argv[2]), float(argv[3])))
        print(f"{rate:.0f}", flush=True)
    elif mode == "headers":
        print(asyncio.run(headers(port, int(argv[2]), int(argv[3]), float(argv[4]))), flush=True)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
