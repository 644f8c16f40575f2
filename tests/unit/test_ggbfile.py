""".ggb files from anywhere (issue 8, finding 7): every zip problem is a clear GgbError,
the unpacked size is limited, saved files get the mode the user expects and the
directory is synced."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ggbmagic.errors import GgbError
from ggbmagic.ggbfile import (
    DEFAULT_MAX_UNPACKED_BYTES,
    atomic_write,
    check_ggb,
    decode_ggb_base64,
    read_ggb,
    save_target,
)

XML = "<geogebra format='5.0'><construction/></geogebra>"


def make_zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def patch_headers(data: bytes, *, flag: int | None = None, method: int | None = None) -> bytes:
    """Set the general-purpose flag or the compression method of every member, in both
    the local headers and the central directory, as an encrypting or exotic zip tool
    would write them."""
    out = bytearray(data)
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            if flag is not None:
                old = int.from_bytes(out[at + flag_at:at + flag_at + 2], "little")
                out[at + flag_at:at + flag_at + 2] = (old | flag).to_bytes(2, "little")
            if method is not None:
                out[at + method_at:at + method_at + 2] = method.to_bytes(2, "little")
            start = at + 4
    return bytes(out)


GGB = make_zip({"geogebra.xml": XML})


@pytest.mark.parametrize(("build", "needles"), [
    (lambda: patch_headers(GGB, flag=0x1), ["encrypted", "geogebra.xml"]),
    (lambda: patch_headers(GGB, method=99), ["compression method", "99"]),
    (lambda: make_zip({"geogebra.xml": XML, "bomb.bin": b"\0" * (65 * 1024 * 1024)}),
     ["unpacks to more than", "max_ggb_unpacked_bytes"]),
], ids=["encrypted member", "unknown compression", "zip bomb"])
def test_zip_problems_are_clear_errors(build: Callable[[], bytes], needles: list[str]) -> None:
    data = build()
    with pytest.raises(GgbError) as info:
        check_ggb(data, Path("/work/shared.ggb"))
    message = str(info.value)
    assert "/work/shared.ggb" in message
    for needle in needles:
        assert needle in message


def test_the_bomb_is_small_and_the_limit_is_configurable() -> None:
    bomb = make_zip({"geogebra.xml": XML, "bomb.bin": b"\0" * (65 * 1024 * 1024)})
    assert len(bomb) < 300_000  # a small file that unpacks to 65 MiB
    check_ggb(bomb, Path("big.ggb"), max_unpacked=128 * 1024 * 1024)  # accepted
    with pytest.raises(GgbError, match="more than 1000 bytes"):
        check_ggb(make_zip({"geogebra.xml": "x" * 2000}), Path("a.ggb"), max_unpacked=1000)
    assert DEFAULT_MAX_UNPACKED_BYTES == 64 * 1024 * 1024


def test_the_declared_sizes_are_not_trusted() -> None:
    # A member that claims to be small but unpacks to more still hits the limit: the
    # check counts the bytes zlib really produced (here: patch the central directory's
    # uncompressed size down, zipfile then stops at it with a "bad CRC"/size error).
    data = bytearray(make_zip({"geogebra.xml": "y" * 5000}))
    at = data.find(b"PK\x01\x02")
    data[at + 24:at + 28] = (10).to_bytes(4, "little")
    with pytest.raises(GgbError):
        check_ggb(bytes(data), Path("liar.ggb"), max_unpacked=1000)


def test_read_and_decode_helpers(tmp_path: Path) -> None:
    path = tmp_path / "a.ggb"
    path.write_bytes(GGB)
    assert read_ggb(path) == (path, GGB)
    with pytest.raises(GgbError, match="no such file"):
        read_ggb(tmp_path / "missing.ggb")
    import base64
    assert decode_ggb_base64(base64.b64encode(GGB).decode(), path) == GGB
    for bad, needle in ((None, "no file"), ("", "no file"), ("!!", "not valid base64")):
        with pytest.raises(GgbError, match=needle):
            decode_ggb_base64(bad, path)
    with pytest.raises(ValueError, match=r"end in \.ggb"):
        save_target(tmp_path / "a.txt")
    with pytest.raises(GgbError, match="does not exist"):
        save_target(tmp_path / "nowhere" / "a.ggb")


# --- atomic_write: modes and the directory sync ----------------------------------------


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    os.umask(old)

    def set_umask(mask: int) -> None:
        os.umask(mask)

    try:
        yield set_umask
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_a_new_file_gets_the_umask_mode(tmp_path: Path, umask: Callable[[int], None],
                                        mask: int) -> None:
    umask(mask)
    target = tmp_path / "new.ggb"
    atomic_write(target, GGB)
    assert mode(target) == 0o666 & ~mask


@pytest.mark.parametrize("old_mode", [0o640, 0o604, 0o664, 0o600])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: Callable[[int], None],
                                        old_mode: int) -> None:
    umask(0o077)
    target = tmp_path / "lesson.ggb"
    target.write_bytes(b"old")
    os.chmod(target, old_mode)
    atomic_write(target, GGB)
    assert target.read_bytes() == GGB
    assert mode(target) == old_mode


def test_the_directory_is_synced_after_the_rename(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # A spy on the real fsync: which kinds of file were synced, in which order.
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        kind = "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        synced.append(kind)
        real_fsync(fd)

    monkeypatch.setattr("os.fsync", spy)
    atomic_write(tmp_path / "lesson.ggb", GGB)
    assert synced == ["file", "dir"]


def test_a_bomb_spread_over_members_is_refused_by_the_running_total() -> None:
    # Issue 20: four members of 20 MiB each stay under the limit one by one, but unpack
    # to 80 MiB together. Counting each member from zero would let this file through.
    member = b"\0" * (20 * 1024 * 1024)
    spread = make_zip({"geogebra.xml": XML, **{f"part{i}.bin": member for i in range(4)}})
    assert len(spread) < 200_000
    check_ggb(spread, Path("spread.ggb"), max_unpacked=81 * 1024 * 1024)  # all of it fits
    with pytest.raises(GgbError, match="unpacks to more than") as refused:
        check_ggb(spread, Path("spread.ggb"), max_unpacked=64 * 1024 * 1024)
    assert "spread.ggb" in str(refused.value)


def _with_extract_version(data: bytes, version: int) -> bytes:
    """Set "version needed to extract" of every central directory entry (a damaged byte
    there made zipfile raise NotImplementedError: "zip file version 22.5")."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        out[pos + 6:pos + 8] = version.to_bytes(2, "little")
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_unsupported_zip_versions_are_a_clear_error() -> None:
    data = _with_extract_version(make_zip({"geogebra.xml": XML}), 225)
    with pytest.raises(GgbError, match="zip feature GeoGebra files do not use"):
        check_ggb(data, Path("odd.ggb"))


def test_mutated_files_only_ever_raise_ggberror() -> None:
    """Issue 15: 171 of 20,000 mutated files escaped check_ggb as a raw traceback."""
    import random

    base = make_zip({"geogebra.xml": XML + " " * 200, "geogebra_javascript.js": "x"})
    rng = random.Random(15)
    for _ in range(3000):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        with contextlib.suppress(GgbError):  # GgbError or nothing: no other exception
            check_ggb(bytes(data), Path("mutated.ggb"))
