"""The files of the out-of-band socket: the private directory and the port file.

The kernel makes them (:func:`private_dir`, :func:`write_port_file`); the relay reads
the port (:func:`read_port_file`). Both refuse what another user could have planted:
a directory or file that is not ours, a symlink, a directory others could write to.
The owner checks need ``os.getuid`` (POSIX); on Windows the directory lives in the
user's own profile, and the relay's proof check (docs/protocol.md, "The relay and the
kernel") tells our kernel's listener from anyone else's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
from pathlib import Path

from .errors import GgbError

__all__ = ["first_private_dir", "is_private_dir", "private_dir", "read_port_file",
           "write_port_file"]

log = logging.getLogger("ggbmagic")

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _owned(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def private_dir(path: Path) -> None:
    """Create *path* as a 0700 directory, or check that an existing one is private and ours.

    A directory of ours that others could enter (looser than 0700) may hold anything
    they left there: it is tightened and emptied, with a warning. A directory that is
    not a directory, or not ours, is refused with a fix-it message.
    """
    with contextlib.suppress(FileExistsError):  # a file (or dangling link): refused below
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise GgbError(f"{path} is not a directory; remove it and load ggbmagic again")
    if not _owned(info):
        raise GgbError(f"{path} belongs to another user (uid {info.st_uid}); ggbmagic will "
                       "not put its socket there. Remove it, or ask its owner to.")
    if os.name == "nt":
        # No POSIX modes (a directory always reads as 0o777): the profile's ACLs guard it,
        # and emptying it here would delete other kernels' port files.
        return
    mode = stat.S_IMODE(info.st_mode)
    if mode == 0o700:
        return
    os.chmod(path, 0o700)  # first: nobody else can add entries while we empty it
    if mode & 0o077:
        _empty(path, mode)


def first_private_dir(places: list[Path]) -> Path:
    """The first of *places* (files) whose directory :func:`private_dir` accepts.

    Another user may have taken the usual directory's name first in a shared runtime
    directory or in ``/tmp`` (issue 15); the next place is then the kernel's own fallback
    directory, whose name they cannot guess (:func:`ggbmagic.paths.fallback_tag`).
    Raises the first refusal when no place is usable.
    """
    first: GgbError | None = None
    for place in places:
        try:
            private_dir(place.parent)
        except GgbError as exc:
            first = first or exc
            continue
        if first is not None:
            log.warning("ggbmagic: %s; using %s instead", first, place.parent)
        return place
    assert first is not None, "no places given"
    raise first


def is_private_dir(path: Path) -> bool:
    """Whether *path* is a real directory of ours (what the relay accepts to look in)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _owned(info)


def _empty(path: Path, mode: int) -> None:
    removed = 0
    try:
        for entry in path.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed += 1
    except OSError as exc:
        raise GgbError(f"{path} was open to other users (mode {mode:04o}) and cannot be "
                       f"emptied ({exc.strerror}); remove it and load ggbmagic again") from None
    log.warning("ggbmagic: %s was open to other users (mode %04o); it is 0700 now and the "
                "%d entries left in it were removed", path, mode, removed)


def write_port_file(path: Path, port: int) -> None:
    """Write *port* to a new 0600 file (``O_EXCL``: never through someone's file or link).

    A file already there is a stale one of a kernel with the same id (the directory is
    private and ours): it is replaced.
    """
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        path.unlink()
        fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(str(port))


def read_port_file(path: Path) -> int:
    """The port in *path*. Raises FileNotFoundError, or ValueError for a file that is not
    ours, not a regular file or holds no port."""
    fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or not _owned(info):
            raise ValueError(f"{path} is not a port file of this user")
        text = fh.read(16).decode("ascii", "replace").strip()
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"{path} holds no port")
    return port
