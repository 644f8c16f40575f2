""".ggb files: check what GeoGebra would open, read one, write one atomically.

A ``.ggb`` file is a zip archive holding ``geogebra.xml``. Files come from anywhere
(shared by a colleague, downloaded), so :func:`check_ggb` turns every problem of the
archive into a :class:`~ggbmagic.errors.GgbError` that says what is wrong, and refuses
archives that unpack to more than a limit (a 261 KB file can unpack to 256 MiB).

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as z:
...     z.writestr("geogebra.xml", "<geogebra/>")
>>> check_ggb(buf.getvalue(), Path("lesson.ggb"))   # no exception: a GeoGebra file
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import logging
import os
import secrets
import stat
import zipfile
import zlib
from pathlib import Path

from .errors import GgbError

__all__ = [
    "DEFAULT_MAX_UNPACKED_BYTES",
    "atomic_write",
    "check_ggb",
    "decode_ggb_base64",
    "read_ggb",
    "save_target",
]

log = logging.getLogger("ggbmagic")

#: Largest total unpacked size :func:`check_ggb` accepts (``GgbMagics.max_ggb_unpacked_bytes``).
DEFAULT_MAX_UNPACKED_BYTES = 64 * 1024 * 1024

_CHUNK = 1 << 20


def check_ggb(data: bytes, path: Path,
              max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES) -> None:
    """Refuse bytes that are not a .ggb file (a zip archive holding geogebra.xml).

    Every member is unpacked (a broken one fails its CRC or its deflate stream), counting
    the bytes really produced, never trusting the sizes the archive declares.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if "geogebra.xml" not in (info.filename for info in infos):
                raise GgbError(f"{path} is not a GeoGebra file: it has no geogebra.xml")
            total = 0
            for info in infos:
                total = _unpack_member(archive, info, path, total, max_unpacked)
    except GgbError:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, zipfile.LargeZipFile):
        # ValueError/OSError: a damaged central directory can seek before the start.
        raise GgbError(f"{path} is not a GeoGebra file (a .ggb file is a zip archive); "
                       "it may be damaged or of another kind") from None
    except NotImplementedError as exc:
        # zipfile's "zip file version 22.5" (a damaged directory entry), multi-disk, ...
        # measured: 240 of 20,000 mutated files escaped as a raw traceback.
        raise GgbError(f"{path} is not a GeoGebra file: it uses a zip feature GeoGebra "
                       f"files do not use ({str(exc)[:60]})") from None
    except Exception as exc:  # whatever else a damaged archive makes zipfile raise
        raise GgbError(f"{path} cannot be read as a GeoGebra file: it is damaged "
                       f"({type(exc).__name__})") from None


def _unpack_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path,
                   total: int, max_unpacked: int) -> int:
    name = info.filename[:80]
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                total += len(chunk)
                if total > max_unpacked:
                    raise GgbError(
                        f"{path} unpacks to more than {max_unpacked} bytes, more than any "
                        "GeoGebra file needs; ggbmagic refuses it. If you trust the file, "
                        "raise `%config GgbMagics.max_ggb_unpacked_bytes`.")
    except NotImplementedError:  # a RuntimeError too: caught first
        raise GgbError(f"{path} is not a GeoGebra file: {name} uses a compression method "
                       f"({info.compress_type}) that GeoGebra files do not use") from None
    except RuntimeError as exc:  # zipfile's "is encrypted, password required"
        if "encrypt" not in str(exc):
            raise GgbError(f"{path} cannot be unpacked: {str(exc)[:80]}") from None
        raise GgbError(f"{path} is not a GeoGebra file: {name} is encrypted "
                       "(GeoGebra files have no password)") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise GgbError(f"{path} is corrupt: {name} fails its checksum "
                       f"or cannot be unpacked ({str(exc)[:80]})") from None
    return total


def read_ggb(path: str | os.PathLike[str],
             max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES) -> tuple[Path, bytes]:
    """Read and check a .ggb file for ``GeoGebra.load``; the errors say how to fix it."""
    source = Path(path).expanduser()
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise GgbError(f"no such file: {source}; check the path "
                       f"(relative paths start at {Path.cwd()})") from None
    except OSError as exc:
        raise GgbError(f"cannot read {source}: {exc.strerror}") from None
    check_ggb(data, source, max_unpacked)
    return source, data


def save_target(path: str | os.PathLike[str]) -> Path:
    """Where ``GeoGebra.save`` may write: a ``.ggb`` name in a folder that exists."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".ggb":
        raise ValueError(f"{target.name}: GeoGebra files end in .ggb")
    if not target.parent.is_dir():
        raise GgbError(f"the folder {target.parent} does not exist; create it first")
    return target


def decode_ggb_base64(encoded: object, target: Path,
                      max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES) -> bytes:
    """The bytes of GeoGebra's ``getBase64()`` answer, checked as a .ggb file."""
    if not isinstance(encoded, str) or not encoded:
        raise GgbError("GeoGebra returned no file")
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise GgbError("GeoGebra returned a file that is not valid base64") from None
    check_ggb(data, target, max_unpacked)
    return data


def atomic_write(target: Path, data: bytes) -> None:
    """Write *data* to *target* so that *target* is never half-written.

    A temporary file in the same directory is renamed over *target* once complete and
    synced; then the directory is synced, so the rename survives a crash. The file keeps
    the mode of the file it replaces, or gets ``0o666 & ~umask`` like any new file.
    """
    try:
        old_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        old_mode = None
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    # 0o666: the kernel applies the umask, as for any file the user creates.
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if old_mode is not None:
                os.chmod(tmp, old_mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory for fsync; NTFS journals renames
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        log.debug("ggbmagic: cannot open %s to sync it", directory, exc_info=True)
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse fsync on a directory; the file is saved
        log.debug("ggbmagic: cannot sync the directory %s", directory, exc_info=True)
    finally:
        os.close(fd)
