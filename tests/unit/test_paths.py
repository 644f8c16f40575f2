"""Tables of cases for ggbmagic.paths: kernel ids, socket paths, connection file names."""

from __future__ import annotations

import doctest
import os
import tempfile
from pathlib import Path

import pytest

from ggbmagic import paths
from ggbmagic.paths import (
    MAX_UNIX_PATH,
    is_kernel_id,
    kernel_id_from_connection_file,
    port_file_path,
    socket_dir,
    socket_path,
    user_tag,
)

UUID = "1f0c2a9e-7b2d-4e4a-9a43-0e7f5b3c9d11"
#: The per-user directory name (finding 2 of issue 8: one directory per user).
SUB = f"ggbmagic-{os.getuid()}"

KERNEL_ID_CASES: list[tuple[str, str, bool]] = [
    ("uuid4", UUID, True),
    ("upper-case hex", UUID.upper(), True),
    ("one character", "a", True),
    ("digits", "123", True),
    ("underscore inside", "my_kernel", True),
    ("64 characters", "a" * 64, True),
    ("65 characters", "a" * 65, False),
    ("empty", "", False),
    ("parent walk", "../x", False),
    ("slash", "a/b", False),
    ("backslash", "a\\b", False),
    ("dot inside", "a.b", False),
    ("dot only", ".", False),
    ("dot dot", "..", False),
    ("leading dash", "-abc", False),
    ("leading underscore", "_abc", False),
    ("space", "a b", False),
    ("leading space", " abc", False),
    ("trailing newline", "abc\n", False),
    ("inner newline", "abc\ndef", False),
    ("NUL", "abc\x00", False),
    ("non-ASCII letter", "ké", False),
    ("absolute path", "/etc/passwd", False),
]


@pytest.mark.parametrize(("value", "expected"), [c[1:] for c in KERNEL_ID_CASES],
                         ids=[c[0] for c in KERNEL_ID_CASES])
def test_is_kernel_id(value: str, expected: bool) -> None:
    assert is_kernel_id(value) is expected


CONNECTION_FILE_CASES: list[tuple[str, str, str | None]] = [
    ("jupyter server name", f"/run/user/1000/jupyter/runtime/kernel-{UUID}.json", UUID),
    ("relative", f"kernel-{UUID}.json", UUID),
    ("short id", "/x/kernel-abc-123.json", "abc-123"),
    ("windows-style separators kept in dir", f"runtime/kernel-{UUID}.json", UUID),
    ("other json", "/x/other.json", None),
    ("no id", "/x/kernel-.json", None),
    ("not json", f"/x/kernel-{UUID}.txt", None),
    ("double extension", f"/x/kernel-{UUID}.json.bak", None),
    ("id with dot", "/x/kernel-a.b.json", None),
    ("prefix", f"/x/my-kernel-{UUID}.json", None),
    ("id too long", f"/x/kernel-{'a' * 65}.json", None),
    ("directory named like one", f"/x/kernel-{UUID}.json/", UUID),
    ("trailing newline", f"/x/kernel-{UUID}.json\n", None),
    ("empty", "", None),
]


@pytest.mark.parametrize(("path", "expected"), [c[1:] for c in CONNECTION_FILE_CASES],
                         ids=[c[0] for c in CONNECTION_FILE_CASES])
def test_kernel_id_from_connection_file(path: str, expected: str | None) -> None:
    assert kernel_id_from_connection_file(path) == expected


def test_extracted_ids_are_kernel_ids() -> None:
    for _, _path, expected in CONNECTION_FILE_CASES:
        if expected is not None:
            assert is_kernel_id(expected)


# ------------------------------------------------------------------- socket_path

@pytest.mark.parametrize("runtime_dir", ["/run/j", Path("/run/j"), "/run/j/"])
def test_socket_path_normal(runtime_dir: str | Path) -> None:
    path = socket_path(UUID, runtime_dir)
    assert path == Path("/run/j") / SUB / f"{UUID}.sock"
    assert path.parent == socket_dir(runtime_dir)


def test_socket_path_at_the_limit_stays_in_the_runtime_dir() -> None:
    name = f"/{SUB}/{UUID}.sock"
    runtime_dir = "/" + "r" * (MAX_UNIX_PATH - len(name) - 1)
    path = socket_path(UUID, runtime_dir)
    assert len(os.fsencode(path)) == MAX_UNIX_PATH
    assert path == Path(runtime_dir) / SUB / f"{UUID}.sock"


def deep(tmp: str, n: int) -> str:
    return f"{tmp}/" + "/".join(f"very-deep-runtime-directory-{i}" for i in range(n))


@pytest.mark.parametrize("kernel_id", [UUID, "a", "k" * 64])
def test_socket_path_falls_back_for_a_long_runtime_dir(kernel_id: str) -> None:
    runtime_dir = deep("/home/someone", 5)
    normal = Path(runtime_dir) / SUB / f"{kernel_id}.sock"
    assert len(os.fsencode(normal)) > MAX_UNIX_PATH  # the case under test
    path = socket_path(kernel_id, runtime_dir)
    assert len(os.fsencode(path)) <= MAX_UNIX_PATH
    assert path.parent == Path(tempfile.gettempdir()) / f"ggbmagic-{os.getuid()}"
    assert path.name.endswith(f"-{kernel_id}.sock")
    assert path == socket_path(kernel_id, runtime_dir)  # deterministic: kernel and relay agree


def test_socket_path_fallback_differs_per_runtime_dir() -> None:
    first = socket_path(UUID, deep("/home/a", 5))
    second = socket_path(UUID, deep("/home/b", 5))
    assert first != second
    assert first.parent == second.parent


def test_socket_path_fallback_same_for_relative_and_absolute(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.chdir(tmp_path)
    relative = "/".join(f"very-deep-runtime-directory-{i}" for i in range(5))
    assert socket_path(UUID, relative) == socket_path(UUID, tmp_path / relative)


@pytest.mark.parametrize("bad", ["", "../x", "a/b", "a.b", "abc\n", "a" * 65])
@pytest.mark.parametrize("func", [socket_path, port_file_path],
                         ids=["socket_path", "port_file_path"])
def test_paths_refuse_bad_kernel_ids(func: object, bad: str) -> None:
    with pytest.raises(ValueError, match="not a kernel id"):
        func(bad, "/run/j")  # type: ignore[operator]


def test_port_file_path() -> None:
    assert port_file_path(UUID, "/run/j") == Path("/run/j") / SUB / f"{UUID}.port"


def test_socket_dir_is_per_user() -> None:
    # Two users sharing a runtime directory get two directories: neither can lock the
    # other out by creating it first.
    assert user_tag() == str(os.getuid())
    assert socket_dir("/shared/rt") == Path("/shared/rt") / SUB
    assert socket_dir("/shared/rt").name != "ggbmagic"


def test_doctests() -> None:
    result = doctest.testmod(paths)
    assert result.attempted > 0
    assert result.failed == 0
