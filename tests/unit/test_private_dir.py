"""The socket directory when other users share the runtime directory (issue 8, finding 2).

Other users are simulated by chowning to ``nobody``. The tests run as root here; the
ownership checks compare st_uid with os.getuid(), which root does not bypass (unlike
permission checks), so they check the same thing for root as for anyone.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pwd
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import unix_connect

from ggbmagic.channel import Channel
from ggbmagic.errors import GgbError
from ggbmagic.paths import fallback_tag, socket_dir, socket_path
from ggbmagic.sockfiles import private_dir

KERNEL_ID = "5d1c2a9e-7b2d-4e4a-9a43-0e7f5b3c9d11"
NOBODY = pwd.getpwnam("nobody")


def nothing(*args: Any) -> None:
    pass


def as_nobody(path: Path) -> None:
    os.chown(path, NOBODY.pw_uid, NOBODY.pw_gid)
    assert path.lstat().st_uid != os.getuid()  # really someone else's


def start(runtime: Path) -> Channel:
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=runtime, send=nothing, hello=nothing)
    ch.start()
    return ch


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A short directory: under pytest's long tmp_path the socket path would not fit in
    a Unix socket address and would move to the /tmp fallback."""
    path = Path(tempfile.mkdtemp(prefix="ggbt", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def shared(short_tmp: Path) -> Path:
    """A runtime directory every user may write to, as a shared folder with sticky bit."""
    runtime = short_tmp / "rt"
    runtime.mkdir()
    os.chmod(runtime, 0o1777)
    return runtime


def test_another_users_directory_does_not_lock_us_out(shared: Path) -> None:
    # Another user loaded ggbmagic first: they own `ggbmagic` (the old fixed name) and
    # their own per-user directory. We still start, in a directory of our own.
    for name in ("ggbmagic", f"ggbmagic-{NOBODY.pw_uid}"):
        (shared / name).mkdir(mode=0o700)
        as_nobody(shared / name)
    ch = start(shared)
    try:
        assert len(str(socket_path(KERNEL_ID, shared))) < 100  # not the /tmp fallback
        assert ch.socket_path == socket_path(KERNEL_ID, shared)
        assert ch.socket_path.parent == socket_dir(shared)
        info = ch.socket_path.parent.lstat()
        assert info.st_uid == os.getuid()
        assert stat.S_IMODE(info.st_mode) == 0o700
        with unix_connect(str(ch.socket_path)) as ws:
            ws.send(json.dumps({"v": 1, "type": "hello", "token": ch.token}))
            assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
    finally:
        ch.stop()


def test_our_directory_owned_by_someone_else_is_refused_without_a_key(shared: Path) -> None:
    # Someone made *our* directory name first: we must not put our socket in it. Without
    # a connection key (no kernel) there is no fallback name they could not guess.
    ours = socket_dir(shared)
    ours.mkdir(mode=0o700)
    as_nobody(ours)
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=shared, send=nothing, hello=nothing)
    with pytest.raises(GgbError, match=r"belongs to another user.*Remove it"):
        ch.start()
    ch.stop()


KEY = b"the kernel's connection key"


def relay_reaches(runtime: Path, key: bytes, tcp: bool) -> bool:
    """Whether the relay's own lookup (server._open_listener) finds a listener that
    proves it is this kernel's."""
    from ggbmagic import protocol, server

    async def go() -> bool:
        options: dict[str, Any] = {"additional_headers": {
            protocol.RELAY_CHALLENGE_HEADER: "c"}, "open_timeout": 10}
        ws = await server._open_listener(KERNEL_ID, str(runtime), key, options)
        try:
            assert ws.response is not None
            return bool(ws.response.headers.get(protocol.RELAY_PROOF_HEADER)
                        == protocol.relay_proof(key, KERNEL_ID, "c"))
        finally:
            await ws.close()

    return asyncio.run(go())


@pytest.mark.parametrize("tcp", [False, True], ids=["unix", "tcp"])
@pytest.mark.parametrize("squat", ["directory", "file"])
def test_a_squatter_cannot_keep_ggbmagic_from_starting(shared: Path, tcp: bool,
                                                       squat: str) -> None:
    # Issue 15: another user creates ggbmagic-<our uid> first (a directory of theirs, or
    # a file). The kernel starts in its own fallback directory, whose name is an HMAC of
    # its id under the connection key, and the relay finds it there.
    ours = socket_dir(shared)
    if squat == "directory":
        ours.mkdir(mode=0o777)
    else:
        ours.write_text("")
    as_nobody(ours)
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=shared, send=nothing, hello=nothing,
                 proof_key=KEY, use_tcp=tcp)
    ch.start()
    try:
        place = ch._server.port_file if tcp else ch.socket_path  # OOBServer.port_file
        assert place is not None
        assert place.parent == socket_dir(shared, fallback_tag(KEY, KERNEL_ID))
        info = place.parent.lstat()
        assert info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700
        assert relay_reaches(shared, KEY, tcp)
    finally:
        ch.stop()
    assert not place.exists()


def test_a_squatted_tmp_fallback_is_not_a_dead_end(
        tmp_path: Path, shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A runtime directory too deep for a Unix socket path sends the socket to
    # <tmp>/ggbmagic-<uid>: another user may take that name first, too. (<tmp> is a
    # shared directory of this test's own, not the machine's /tmp.)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    deep = tmp_path / ("d" * 90)
    deep.mkdir()
    tmp_dir = socket_path(KERNEL_ID, deep).parent
    assert tmp_dir == socket_dir(shared)
    tmp_dir.mkdir(mode=0o755)
    as_nobody(tmp_dir)
    ch = Channel(kernel_id=KERNEL_ID, runtime_dir=deep, send=nothing, hello=nothing,
                 proof_key=KEY)
    ch.start()
    try:
        assert ch.socket_path == socket_path(KERNEL_ID, deep, fallback_tag(KEY, KERNEL_ID))
        assert ch.socket_path.parent.parent == shared
        assert relay_reaches(deep, KEY, tcp=False)
    finally:
        ch.stop()


def test_a_symlink_in_place_of_the_directory_is_refused(shared: Path, short_tmp: Path) -> None:
    elsewhere = short_tmp / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    socket_dir(shared).symlink_to(elsewhere)
    with pytest.raises(GgbError, match="is not a directory"):
        private_dir(socket_dir(shared))


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o777, 0o1733])
def test_a_loose_directory_of_ours_is_tightened_and_emptied(
        shared: Path, mode: int, caplog: pytest.LogCaptureFixture) -> None:
    ours = socket_dir(shared)
    ours.mkdir()
    os.chmod(ours, mode)
    # What others could have left there while it was open to them.
    planted_file = ours / f"{KERNEL_ID}.sock"
    planted_file.write_text("not a socket")
    planted_dir = ours / "trap"
    planted_dir.mkdir()
    (planted_dir / "x").write_text("x")
    (ours / "link").symlink_to("/etc/passwd")
    with caplog.at_level(logging.WARNING, logger="ggbmagic"):
        ch = start(shared)
    try:
        assert stat.S_IMODE(ours.lstat().st_mode) == 0o700
        assert sorted(p.name for p in ours.iterdir()) == [f"{KERNEL_ID}.sock"]
        assert stat.S_ISSOCK(planted_file.lstat().st_mode)  # ours now, not theirs
        assert Path("/etc/passwd").exists()  # the link was removed, not followed
        (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert "open to other users" in warning.getMessage()
        assert "3 entries" in warning.getMessage()
    finally:
        ch.stop()


def test_a_private_directory_is_left_as_it_is(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    ours = socket_dir(tmp_path)
    ours.mkdir(mode=0o700)
    other = ours / "another-kernel.sock"
    other.write_text("")
    with caplog.at_level(logging.WARNING, logger="ggbmagic"):
        private_dir(ours)
    assert other.exists()
    assert caplog.records == []


@pytest.mark.parametrize("make", [
    lambda p: p.write_text("a file"),
    lambda p: p.symlink_to("/tmp"),
], ids=["file", "symlink"])
def test_a_non_directory_is_refused(tmp_path: Path, make: Callable[[Path], Any]) -> None:
    target = socket_dir(tmp_path)
    make(target)
    with pytest.raises(GgbError, match="not a directory"):
        private_dir(target)


def test_windows_modes_are_not_read_as_loose(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows every directory reads as 0o777: that must not empty it (other kernels'
    # port files live there). Simulated: os.name as Windows reports it.
    ours = socket_dir(tmp_path)
    ours.mkdir()
    os.chmod(ours, 0o777)
    (ours / "other-kernel.port").write_text("1234")
    monkeypatch.setattr(os, "name", "nt")
    private_dir(ours)
    monkeypatch.undo()
    assert (ours / "other-kernel.port").exists()
