"""Where a kernel's out-of-band socket lives. Pure functions; no I/O.

The kernel (which creates the socket) and the Jupyter server relay (which connects to
it) both derive the location from the kernel id alone, so the browser never names a
filesystem path.

>>> is_kernel_id("1f0c2a9e-7b2d-4e4a-9a43-0e7f5b3c9d11")
True
>>> path = socket_path("1f0c2a9e-7b2d-4e4a-9a43-0e7f5b3c9d11", "/run/j")
>>> path.as_posix() == f"/run/j/ggbmagic-{user_tag()}/1f0c2a9e-7b2d-4e4a-9a43-0e7f5b3c9d11.sock"
True
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import re
import tempfile
from pathlib import Path

__all__ = [
    "KERNEL_ID_PATTERN",
    "SUBDIR",
    "candidates",
    "fallback_tag",
    "is_kernel_id",
    "kernel_id_from_connection_file",
    "port_file_path",
    "socket_dir",
    "socket_path",
    "user_tag",
]

#: Kernel ids as the Jupyter server makes them (uuid4), also the relay's URL pattern.
#: Deliberately narrow: no dots, no slashes, so an id can never walk out of the directory.
KERNEL_ID_PATTERN = r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}"
# \Z, not $: $ also matches before a trailing newline.
_KERNEL_ID_RE = re.compile(rf"^{KERNEL_ID_PATTERN}\Z")
_CONNECTION_FILE_RE = re.compile(rf"^kernel-({KERNEL_ID_PATTERN})\.json\Z")

#: The private (0700) directory under the Jupyter runtime directory is
#: ``<SUBDIR>-<user>``: one per user, so that in a shared (world-writable) runtime
#: directory the first user to load ggbmagic does not lock everyone else out.
SUBDIR = "ggbmagic"

#: sockaddr_un.sun_path is 108 bytes on Linux, 104 on macOS; keep room for the NUL.
MAX_UNIX_PATH = 103


def is_kernel_id(value: str) -> bool:
    """Whether *value* has the form of a kernel id (and is safe as a file name)."""
    return bool(_KERNEL_ID_RE.match(value))


def kernel_id_from_connection_file(path: str) -> str | None:
    """The kernel id in a connection file name ``kernel-<id>.json``, if it has that form.

    >>> kernel_id_from_connection_file("/x/kernel-abc-123.json")
    'abc-123'
    >>> kernel_id_from_connection_file("/x/other.json") is None
    True
    """
    match = _CONNECTION_FILE_RE.match(Path(path).name)
    return match.group(1) if match else None


def user_tag() -> str:
    """This user, as a file-name-safe tag: the uid on POSIX, the login name on Windows.

    >>> user_tag() == (str(os.getuid()) if hasattr(os, "getuid") else user_tag())
    True
    """
    if hasattr(os, "getuid"):
        return str(os.getuid())
    try:
        name = getpass.getuser()
    except Exception:  # no login name at all: still one directory per process owner
        name = "user"
    return re.sub(r"[^0-9A-Za-z_-]", "_", name)[:64] or "user"


def fallback_tag(key: bytes, kernel_id: str) -> str:
    """The suffix of a kernel's fallback directory: an HMAC of its id under the kernel's
    connection key. Kernel and relay both know the key (it is in the 0600 connection file
    and the server's kernel manager); another user does not, so cannot take the name
    first. Empty without a key (then there is no fallback).

    >>> len(fallback_tag(b"k", "abc")), fallback_tag(b"", "abc")
    (16, '')
    """
    if not key:
        return ""
    return hmac.new(key, b"ggbmagic-dir:" + kernel_id.encode(), hashlib.sha256).hexdigest()[:16]


def socket_dir(runtime_dir: str | Path, tag: str = "") -> Path:
    """The private directory that holds every ggbmagic socket of this user.

    ``<runtime_dir>/ggbmagic-<uid>``: kernel and relay run as the same user, so both
    derive the same directory from the runtime directory alone. With *tag*
    (:func:`fallback_tag`), ``<runtime_dir>/ggbmagic-<uid>-<tag>``: one kernel's own
    directory, used when another user has taken the first name in a shared directory.
    """
    return Path(runtime_dir) / (f"{SUBDIR}-{user_tag()}-{tag}" if tag else
                                f"{SUBDIR}-{user_tag()}")


def socket_path(kernel_id: str, runtime_dir: str | Path, tag: str = "") -> Path:
    """The Unix socket of *kernel_id*. Raises ValueError for an id of the wrong form.

    Normally ``<runtime_dir>/ggbmagic-<uid>/<kernel_id>.sock``. A Unix socket path must fit in
    ~104 bytes; when a deep runtime directory makes it longer, the socket goes to
    ``<tmp>/ggbmagic-<uid>/<hash of runtime_dir>-<kernel_id>.sock`` instead. Kernel and
    relay both call this function, so they always agree. The socket's parent directory
    is the private (0700) one.
    """
    if not is_kernel_id(kernel_id):
        raise ValueError(f"not a kernel id: {kernel_id!r}")
    path = socket_dir(runtime_dir, tag) / f"{kernel_id}.sock"
    if len(os.fsencode(path)) <= MAX_UNIX_PATH:
        return path
    digest = hashlib.sha256(os.fsencode(Path(runtime_dir).absolute())).hexdigest()[:12]
    return socket_dir(tempfile.gettempdir(), tag) / f"{digest}-{kernel_id}.sock"


def port_file_path(kernel_id: str, runtime_dir: str | Path, tag: str = "") -> Path:
    """The file (0600) in which a kernel on the loopback (TCP) transport writes its port:
    always on Windows, on POSIX with ``GGBMAGIC_TRANSPORT=tcp``."""
    if not is_kernel_id(kernel_id):
        raise ValueError(f"not a kernel id: {kernel_id!r}")
    return socket_dir(runtime_dir, tag) / f"{kernel_id}.port"


def candidates(kernel_id: str, runtime_dir: str | Path, key: bytes, *,
               tcp: bool) -> list[Path]:
    """Where the kernel's socket (or port file, *tcp*) may be, in the order the kernel
    tries them: the usual place, then, with a connection key, the kernel's own fallback
    directory (:func:`fallback_tag`).

    >>> [p.parent.name.count("-") for p in candidates("k1", "/r", b"key", tcp=True)]
    [1, 2]
    """
    place = port_file_path if tcp else socket_path
    tags = ["", fallback_tag(key, kernel_id)] if key else [""]
    return [place(kernel_id, runtime_dir, tag) for tag in tags]
