"""Installed GeoGebra bundles in the Jupyter data directories: install, list, remove.

The one place that reads bundles and writes installed ones. A bundle is installed as

    <data dir>/ggbmagic/geogebra/<version>/deployggb.js
    <data dir>/ggbmagic/geogebra/<version>/HTML5/5.0/<module>/…   (one folder per module)
    <data dir>/ggbmagic/geogebra/<version>/HTML5/5.0/css/…
    <data dir>/ggbmagic/geogebra/<version>/ggbmagic-geogebra.json  (what was installed)

where ``<data dir>`` is the user's Jupyter data directory (``--user``), the
environment's (``--sys-prefix``, shared by everyone who uses that Python: a JupyterHub's
users) or one given outright. The server extension serves whatever it finds on
``jupyter_path()`` (:func:`find`). A new version is unpacked beside the others and
renamed into place, so a server never sees half a bundle.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Literal

from .checks import (
    LOADER,
    BundleError,
    Entry,
    Plan,
    check_version,
    plan_install,
    version_from_loader,
)

__all__ = [
    "MANIFEST",
    "Installed",
    "Scope",
    "find",
    "install",
    "installed",
    "remove",
    "search_dirs",
    "target_dir",
]

MANIFEST = "ggbmagic-geogebra.json"
SUBDIR = ("ggbmagic", "geogebra")
MANIFEST_FORMAT = 1
#: How much of deployggb.js is read to find the version (it is ~40 KB).
LOADER_READ_LIMIT = 4 * 1024 * 1024
Scope = Literal["user", "sys-prefix"]


@dataclass(frozen=True)
class Installed:
    """One installed GeoGebra: what its manifest says and where it is."""

    version: str
    modules: tuple[str, ...]
    path: Path
    source: str
    files: int
    bytes: int

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["modules"] = list(self.modules)
        d["path"] = str(self.path)
        return d


def target_dir(scope: Scope = "user", data_dir: Path | None = None) -> Path:
    """Where ``install`` writes: ``<data dir>/ggbmagic/geogebra``."""
    from jupyter_core.paths import ENV_JUPYTER_PATH, jupyter_data_dir

    if data_dir is not None:
        base = Path(data_dir)
    elif scope == "sys-prefix":
        base = Path(ENV_JUPYTER_PATH[0])
    else:
        base = Path(jupyter_data_dir())
    return base.joinpath(*SUBDIR)


def search_dirs() -> list[Path]:
    """Where installed bundles are looked for, first wins (user, JUPYTER_PATH, env, system)."""
    from jupyter_core.paths import jupyter_path

    return [Path(p) for p in jupyter_path(*SUBDIR)]


# --- reading a source ------------------------------------------------------------------

def _zip_entries(zf: zipfile.ZipFile) -> list[Entry]:
    out = []
    for info in zf.infolist():
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode) if info.create_system == 3 else 0
        out.append(Entry(info.filename, info.file_size, info.compress_size,
                         is_dir=info.is_dir(), link=kind == stat.S_IFLNK,
                         special=kind not in (0, stat.S_IFREG, stat.S_IFDIR)))
    return out


def _folder_entries(folder: Path) -> list[Entry]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in [*dirnames, *filenames]:
            p = Path(dirpath, name)
            st = p.lstat()
            rel = p.relative_to(folder).as_posix()
            is_dir = stat.S_ISDIR(st.st_mode)
            out.append(Entry(rel + "/" if is_dir else rel, 0 if is_dir else st.st_size,
                             is_dir=is_dir, link=stat.S_ISLNK(st.st_mode),
                             special=not (is_dir or stat.S_ISREG(st.st_mode)
                                          or stat.S_ISLNK(st.st_mode))))
    return out


class _Source:
    """A bundle zip or folder: its entries, and each file's bytes as a stream."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.entries = _folder_entries(path)
        elif zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            self.entries = _zip_entries(self._zip)
        elif path.exists():
            raise BundleError(f"{path} is neither a zip nor a folder: give the "
                              "geogebra-math-apps-bundle zip or its unpacked folder")
        else:
            raise BundleError(f"{path} does not exist")

    def open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(name)
        return open(self.path / name, "rb")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _copy(src: IO[bytes], dest: Path, limit: int) -> int:
    """Copy at most ``limit`` bytes; a file that grew past what it declared is refused."""
    n = 0
    with open(dest, "xb") as out:
        while chunk := src.read(1 << 20):
            n += len(chunk)
            if n > limit:
                raise BundleError(f"{dest.name} is larger than its zip entry says "
                                  "(a zip bomb?)")
            out.write(chunk)
    return n


# --- install, list, remove ---------------------------------------------------------------

def install(source: Path, *, scope: Scope = "user", data_dir: Path | None = None,
            modules: tuple[str, ...] = (), version: str | None = None) -> Installed:
    """Install the bundle at ``source`` (zip or folder); replaces the same version."""
    src = _Source(Path(source))
    try:
        plan = plan_install(src.entries, modules)
        loader = plan.root + LOADER
        with src.open(loader) as f:
            text = f.read(LOADER_READ_LIMIT).decode("utf-8", errors="replace")
        found = version_from_loader(text)
        if version is None and found is None:
            raise BundleError(f"cannot tell the GeoGebra version from {loader}: pass it "
                              "with --geogebra-version (e.g. 5.0.745.0)")
        version = check_version(version or str(found))
        root = target_dir(scope, data_dir)
        root.mkdir(parents=True, exist_ok=True)
        return _unpack(src, plan, root, version)
    finally:
        src.close()


def _unpack(src: _Source, plan: Plan, root: Path, version: str) -> Installed:
    tmp = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=root))
    try:
        written = 0
        for f in plan.files:
            dest = tmp / f.target
            dest.parent.mkdir(parents=True, exist_ok=True)
            with src.open(f.source) as stream:
                # A folder's entry says its size; a zip's says what it should unpack to.
                written += _copy(stream, dest, f.size)
        tmp.chmod(0o755)  # mkdtemp makes it 0700; the server may run as anyone
        info = Installed(version=version, modules=plan.modules, path=root / version,
                         source=src.path.name, files=len(plan.files), bytes=written)
        manifest = info.as_json() | {"format": MANIFEST_FORMAT}
        del manifest["path"]
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        final = root / version
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{version}-old-", dir=root))
            final.rename(old / "v")
        tmp.rename(final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return info
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _read_manifest(folder: Path) -> Installed | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        version = check_version(str(data["version"]))
        if version != folder.name or not (folder / LOADER).is_file():
            return None
        return Installed(version=version, modules=tuple(str(m) for m in data["modules"]),
                         path=folder, source=str(data.get("source", "")),
                         files=int(data.get("files", 0)), bytes=int(data.get("bytes", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def installed(dirs: list[Path] | None = None) -> list[Installed]:
    """Every installed GeoGebra, newest version first; a version in two places counts once
    (the first place on the search path wins, as the server serves it)."""
    seen: dict[str, Installed] = {}
    for d in dirs if dirs is not None else search_dirs():
        with contextlib.suppress(OSError):
            for child in sorted(d.iterdir()):
                if child.name.startswith(".") or child.name in seen:
                    continue
                info = _read_manifest(child)
                if info is not None:
                    seen[info.version] = info
    return sorted(seen.values(), key=lambda i: [int(p) for p in i.version.split(".")],
                  reverse=True)


def find(version: str, dirs: list[Path] | None = None) -> Installed | None:
    """The installed ``version`` the server serves, or None."""
    return next((i for i in installed(dirs) if i.version == version), None)


def remove(version: str, *, scope: Scope = "user", data_dir: Path | None = None) -> Path:
    """Remove an installed version from one data directory; returns the folder removed."""
    folder = target_dir(scope, data_dir) / check_version(version)
    if _read_manifest(folder) is None:
        raise BundleError(f"GeoGebra {version} is not installed in {folder.parent} "
                          "(`jupyter ggbmagic geogebra list` says where each one is)")
    aside = Path(tempfile.mkdtemp(prefix=f".{version}-rm-", dir=folder.parent))
    folder.rename(aside / "v")
    shutil.rmtree(aside, ignore_errors=True)
    return folder


if __name__ == "__main__":  # pragma: no cover - manual check
    print(json.dumps([i.as_json() for i in installed()], indent=2), file=sys.stdout)
