"""What a GeoGebra Math Apps Bundle is, and which of its files the applet needs — pure.

The official bundle (``geogebra-math-apps-bundle-5-2-*.zip``) unpacks to a folder
``GeoGebra/`` holding ``deployggb.js`` (the loader) and ``HTML5/5.0/<module>/`` (one
folder per GWT module: ``web3d``, ``webSimple``, …, each with ``<module>.nocache.js``)
beside ``HTML5/5.0/css/``. The applet needs the loader, the chosen modules and the
styles; the rest (demo pages, server scripts) is left out.

Nothing here reads a file: the callers (:mod:`ggbmagic.bundle.store`) list a zip's or a
folder's entries as :class:`Entry` values and get back a :class:`Plan` or a
:class:`BundleError` that says what is wrong and how to fix it.

>>> plan = plan_install([Entry("GeoGebra/deployggb.js", 10),
...                      Entry("GeoGebra/HTML5/5.0/webSimple/webSimple.nocache.js", 5),
...                      Entry("GeoGebra/HTML5/5.0/css/general.css", 3)])
>>> plan.modules, [f.target for f in plan.files]
(('webSimple',), ['deployggb.js', 'HTML5/5.0/webSimple/webSimple.nocache.js', \
'HTML5/5.0/css/general.css'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BUNDLE_SUFFIXES",
    "CODEBASE_DIR",
    "LOADER",
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MODULE_PREFERENCE",
    "VERSION_PATTERN",
    "BundleError",
    "Entry",
    "Plan",
    "PlannedFile",
    "check_entry_name",
    "check_version",
    "plan_install",
    "version_from_loader",
]

#: The loader, relative to the bundle's ``GeoGebra/`` folder.
LOADER = "deployggb.js"
#: Where the modules live, relative to ``GeoGebra/``.
CODEBASE_DIR = "HTML5/5.0/"
#: The shared styles every module loads (``HTML5/5.0/css/``): not a module.
CSS_DIR = "css"

#: Which module the panel uses when several are installed: the full one first.
MODULE_PREFERENCE = ("web3d", "web", "webSimple")

#: File kinds the applet loads; anything else in the bundle (demo pages, PHP scripts,
#: readmes) is not copied. Leaving out HTML also keeps the Jupyter origin free of
#: pages that would run with the user's Jupyter credentials.
BUNDLE_SUFFIXES = frozenset({
    ".js", ".css", ".gif", ".png", ".jpg", ".jpeg", ".svg", ".ico", ".woff", ".woff2",
    ".ttf", ".otf", ".eot", ".json", ".txt", ".wasm", ".map",
})

#: A bundle is ~100 MiB unpacked with every module; more is not a bundle.
MAX_TOTAL_BYTES = 512 * 1024 * 1024
#: The official zip has a few thousand entries.
MAX_ENTRIES = 50_000
#: Unpacked/packed ratio above which an entry is a zip bomb (text compresses ~10x).
MAX_RATIO = 200
#: Ratio checks start at this size: tiny files may compress oddly well.
RATIO_MIN_BYTES = 1024 * 1024

#: A GeoGebra version as it appears in URLs: ``5.0.745.0``.
VERSION_PATTERN = r"[0-9]+(?:\.[0-9]+){1,3}"
_VERSION_RE = re.compile(VERSION_PATTERN)
# deployggb.js's fallback codebase names its own version (measured on 5.0.745.0:
# codebase="https://www.geogebra.org/apps/5.0.745.0/").
_LOADER_VERSION_RE = re.compile(rf"geogebra\.org/apps/({VERSION_PATTERN})/")
_MODULE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,40}")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


class BundleError(ValueError):
    """The zip or folder is not a usable GeoGebra bundle; the message says how to fix it."""


@dataclass(frozen=True)
class Entry:
    """One file of a zip or folder: its path with ``/`` separators and its size.

    ``packed`` is the compressed size (zip only; 0 for a folder); ``link`` marks a
    symbolic link, ``special`` anything that is neither a file nor a directory.
    """

    name: str
    size: int
    packed: int = 0
    is_dir: bool = False
    link: bool = False
    special: bool = False


@dataclass(frozen=True)
class PlannedFile:
    source: str  #: the entry's name in the zip or folder
    target: str  #: relative to the installed version's folder
    size: int


@dataclass(frozen=True)
class Plan:
    """What to copy: the files, the modules found, and what was left out."""

    root: str  #: the prefix of ``GeoGebra/`` in the source (``""`` or ``"x/GeoGebra/"``)
    modules: tuple[str, ...]
    files: tuple[PlannedFile, ...]
    skipped: int
    total_bytes: int


def check_entry_name(name: str) -> str:
    """The entry's name if it stays inside the target folder, else :class:`BundleError`.

    >>> check_entry_name("GeoGebra/deployggb.js")
    'GeoGebra/deployggb.js'
    >>> check_entry_name("../evil.js")
    Traceback (most recent call last):
    ...
    ggbmagic.bundle.checks.BundleError: refusing entry '../evil.js': it points outside ...
    """
    parts = name.split("/")
    bad = (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or _DRIVE_RE.match(name) is not None
        or any(p in ("..", ".") for p in parts)
    )
    if bad:
        raise BundleError(f"refusing entry {name!r}: it points outside the folder it is "
                          "unpacked to (is this zip tampered with?)")
    return name


def check_version(version: str) -> str:
    """A version usable in a URL and a folder name (``5.0.745.0``), else BundleError."""
    if not _VERSION_RE.fullmatch(version):
        raise BundleError(f"{version!r} is not a GeoGebra version such as 5.0.745.0")
    return version


def version_from_loader(text: str) -> str | None:
    """The GeoGebra version a ``deployggb.js`` names, or None.

    >>> version_from_loader('else{codebase="https://www.geogebra.org/apps/5.0.745.0/"}')
    '5.0.745.0'
    >>> version_from_loader("no version here") is None
    True
    """
    found = {m.group(1) for m in _LOADER_VERSION_RE.finditer(text)}
    return found.pop() if len(found) == 1 else None


def _check_sizes(entries: list[Entry]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise BundleError(f"{len(entries)} entries: more than a GeoGebra bundle "
                          f"has ({MAX_ENTRIES} at most); is this the right file?")
    total = 0
    for e in entries:
        if e.size < 0 or e.packed < 0:
            raise BundleError(f"refusing entry {e.name!r}: negative size")
        total += e.size
        if e.size >= RATIO_MIN_BYTES and e.packed and e.size > MAX_RATIO * e.packed:
            raise BundleError(f"refusing entry {e.name!r}: it unpacks {e.size // e.packed}x "
                              "its packed size (a zip bomb?)")
    if total > MAX_TOTAL_BYTES:
        raise BundleError(f"the files unpack to {total} bytes, more than a GeoGebra bundle "
                          f"({MAX_TOTAL_BYTES} at most): a zip bomb, or not a bundle")


def _find_root(names: set[str]) -> str:
    """The prefix of the folder holding ``deployggb.js`` and ``HTML5/5.0/``."""
    roots = sorted({n[: -len(LOADER)] for n in names
                    if n == LOADER or n.endswith("/" + LOADER)}, key=len)
    for root in roots:
        if any(n.startswith(root + CODEBASE_DIR) for n in names):
            return root
    if roots:
        raise BundleError(f"{roots[0]}{LOADER} has no {CODEBASE_DIR} folder beside it: "
                          "not a GeoGebra Math Apps Bundle (use the official "
                          "geogebra-math-apps-bundle zip or its unpacked folder)")
    raise BundleError(f"no GeoGebra/{LOADER}: not a GeoGebra Math Apps Bundle (use the "
                      "official geogebra-math-apps-bundle zip or its unpacked folder)")


def _modules_in(names: set[str], root: str) -> list[str]:
    base = root + CODEBASE_DIR
    found = set()
    for n in names:
        if not n.startswith(base):
            continue
        parts = n[len(base):].split("/")
        if len(parts) == 2 and parts[1] == f"{parts[0]}.nocache.js" \
                and _MODULE_RE.fullmatch(parts[0]):
            found.add(parts[0])
    return sorted(found, key=lambda m: (m not in MODULE_PREFERENCE, m))


def plan_install(entries: list[Entry], modules: tuple[str, ...] = ()) -> Plan:
    """Check a bundle's entries and say which files to copy (all modules unless named).

    Raises :class:`BundleError` for an unsafe entry (outside the folder, a link, a
    device), a bomb (sizes), a zip that is not a bundle, or a module that is missing.
    """
    for e in entries:
        check_entry_name(e.name.rstrip("/") if e.is_dir else e.name)
        if e.link or e.special:
            raise BundleError(f"refusing entry {e.name!r}: a bundle holds plain files only, "
                              "not links or devices")
    files = [e for e in entries if not e.is_dir]
    _check_sizes(files)
    names = {e.name for e in files}
    root = _find_root(names)
    found = _modules_in(names, root)
    if not found:
        raise BundleError(f"no module in {root}{CODEBASE_DIR} (a folder <module>/ with "
                          "<module>.nocache.js, e.g. web3d/ or webSimple/): the bundle "
                          "is incomplete")
    missing = [m for m in modules if m not in found]
    if missing:
        raise BundleError(f"the bundle has no module {', '.join(missing)} "
                          f"(it has: {', '.join(found)}); choose one of those with --module")
    chosen = tuple(modules) if modules else tuple(found)
    if not any(n.startswith(f"{root}{CODEBASE_DIR}{CSS_DIR}/") for n in names):
        raise BundleError(f"no {root}{CODEBASE_DIR}{CSS_DIR}/ folder: the bundle is "
                          "incomplete (GeoGebra's styles are missing)")
    wanted = tuple(f"{root}{CODEBASE_DIR}{d}/" for d in (*chosen, CSS_DIR))
    planned: list[PlannedFile] = []
    skipped = 0
    for e in files:
        keep = e.name == root + LOADER or (
            e.name.startswith(wanted) and _suffix(e.name) in BUNDLE_SUFFIXES)
        if keep:
            planned.append(PlannedFile(e.name, e.name[len(root):], e.size))
        else:
            skipped += 1
    return Plan(root=root, modules=chosen, files=tuple(planned), skipped=skipped,
                total_bytes=sum(f.size for f in planned))


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base[base.rfind("."):].lower() if "." in base else ""
