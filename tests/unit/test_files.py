""".ggb files: check_ggb refuses what is not a GeoGebra archive; atomic_write never leaves
a half-written target or a stray temporary file."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ggbmagic.applet import atomic_write, check_ggb
from ggbmagic.errors import GgbError

XML = ('<?xml version="1.0" encoding="utf-8"?>\n<geogebra format="5.0">'
       '<construction><element type="point" label="A"/></construction></geogebra>\n') * 20


def make_zip(members: dict[str, str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def corrupt_member(data: bytes, name: str, at: float = 0.5) -> bytes:
    """Flip 4 bytes of *name*'s stored data at fraction *at* of it (0: its first bytes),
    keeping the archive's structure (central directory, sizes, stored CRC)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    # Local header: 30 bytes + file name + extra field, then the (compressed) data.
    header = data[info.header_offset:info.header_offset + 30]
    name_len = int.from_bytes(header[26:28], "little")
    extra_len = int.from_bytes(header[28:30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + int(info.compress_size * at)
    flipped = bytes(b ^ 0xFF for b in data[middle:middle + 4])
    return data[:middle] + flipped + data[middle + 4:]


GGB = make_zip({"geogebra.xml": XML, "geogebra_javascript.js": "function ggbOnInit() {}"})


# ------------------------------------------------------------------- check_ggb

@pytest.mark.parametrize("data", [
    GGB,
    make_zip({"geogebra.xml": XML}, zipfile.ZIP_STORED),
    make_zip({"geogebra_thumbnail.png": "x", "geogebra.xml": XML}),
], ids=["deflated", "stored", "xml not first"])
def test_check_ggb_accepts_a_ggb_archive(data: bytes) -> None:
    check_ggb(data, Path("lesson.ggb"))  # no exception


REFUSED: list[tuple[str, Callable[[], bytes], list[str]]] = [
    ("no geogebra.xml", lambda: make_zip({"other.xml": XML}), ["has no geogebra.xml"]),
    ("xml in a folder", lambda: make_zip({"sub/geogebra.xml": XML}), ["has no geogebra.xml"]),
    ("empty zip", lambda: make_zip({}), ["has no geogebra.xml"]),
    ("not a zip", lambda: b"<geogebra format='5.0'/>", ["not a GeoGebra file", "zip archive"]),
    ("empty bytes", lambda: b"", ["not a GeoGebra file", "zip archive"]),
    ("truncated zip", lambda: GGB[: len(GGB) // 2], ["not a GeoGebra file", "zip archive"]),
    ("zip missing its last byte", lambda: GGB[:-1], ["not a GeoGebra file"]),
    ("corrupt stored member",
     lambda: corrupt_member(make_zip({"geogebra.xml": XML}, zipfile.ZIP_STORED),
                            "geogebra.xml"),
     ["corrupt", "geogebra.xml", "checksum"]),
    ("corrupt deflated member, bad CRC", lambda: corrupt_member(GGB, "geogebra.xml"),
     ["corrupt", "geogebra.xml"]),
    # Damage at the start of a deflate stream makes zlib itself fail (zlib.error), not
    # the CRC check: still a corrupt file, not a crash.
    ("corrupt deflated member, bad deflate stream",
     lambda: corrupt_member(GGB, "geogebra.xml", at=0.0), ["corrupt", "geogebra.xml"]),
    ("corrupt second member", lambda: corrupt_member(GGB, "geogebra_javascript.js"),
     ["geogebra_javascript.js"]),
]


@pytest.mark.parametrize(("build", "needles"), [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_check_ggb_refuses(build: Callable[[], bytes], needles: list[str]) -> None:
    with pytest.raises(GgbError) as info:
        check_ggb(build(), Path("/work/lesson.ggb"))
    message = str(info.value)
    assert "/work/lesson.ggb" in message
    for needle in needles:
        assert needle in message


def test_corrupt_member_helper_really_corrupts() -> None:
    # Guard for the test above: the damaged archive still opens and lists its members.
    damaged = corrupt_member(make_zip({"geogebra.xml": XML}, zipfile.ZIP_STORED),
                             "geogebra.xml")
    with zipfile.ZipFile(io.BytesIO(damaged)) as archive:
        assert archive.namelist() == ["geogebra.xml"]
        assert archive.testzip() == "geogebra.xml"


# ------------------------------------------------------------------- atomic_write

def leftovers(directory: Path, target: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != target.name)


def test_atomic_write_creates_the_file(tmp_path: Path) -> None:
    target = tmp_path / "lesson.ggb"
    atomic_write(target, GGB)
    assert target.read_bytes() == GGB
    assert leftovers(tmp_path, target) == []


def test_atomic_write_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "lesson.ggb"
    target.write_bytes(b"old contents, longer than the new ones" * 100)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path, target) == []


def test_atomic_write_leaves_other_files_alone(tmp_path: Path) -> None:
    (tmp_path / "other.ggb").write_bytes(b"other")
    target = tmp_path / "lesson.ggb"
    atomic_write(target, b"data")
    assert (tmp_path / "other.ggb").read_bytes() == b"other"
    assert leftovers(tmp_path, target) == ["other.ggb"]


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("broken", ["os.fsync", "os.replace"])
def test_interrupted_write_keeps_the_old_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                broken: str) -> None:
    target = tmp_path / "lesson.ggb"
    target.write_bytes(b"the old lesson")
    monkeypatch.setattr(broken, _fail)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, GGB)
    monkeypatch.undo()
    assert target.read_bytes() == b"the old lesson"
    assert leftovers(tmp_path, target) == []
    assert not list(tmp_path.glob(".lesson.ggb.*.tmp"))


def test_interrupted_write_of_a_new_file_leaves_nothing(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "new.ggb"
    monkeypatch.setattr("os.replace", _fail)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, GGB)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_keyboard_interrupt_also_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "lesson.ggb"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, GGB)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path, target) == []


def test_temp_file_is_in_the_target_directory(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Same directory, so that os.replace is a rename on one filesystem.
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr("os.replace", spy)
    target = tmp_path / "lesson.ggb"
    atomic_write(target, b"data")
    ((src, dst),) = seen
    assert Path(src).parent == tmp_path
    assert Path(src).name.startswith(".lesson.ggb.")
    assert Path(src).name.endswith(".tmp")
    assert Path(dst) == target
