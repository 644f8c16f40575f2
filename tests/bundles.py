"""Synthetic GeoGebra bundles for the tests: the official layout, made up files.

``make_bundle`` writes a folder laid out like the Math Apps Bundle (``GeoGebra/deployggb.js``,
``GeoGebra/HTML5/5.0/<module>/<module>.nocache.js``, ``GeoGebra/HTML5/5.0/css/``) with
small made-up contents; ``double_bundle`` does the same with the GeoGebra *test double*
as its ``deployggb.js``, so the double can be installed and served exactly like the real
GeoGebra (the hub tests do). Neither contains any of GeoGebra's own files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = ["DOUBLE_BUNDLE_VERSION", "double_bundle", "make_bundle", "zip_folder"]

DOUBLE_JS = Path(__file__).resolve().parent / "browser" / "assets" / "deployggb_double.js"
#: The version a bundle of the double is installed as (the double's own DOUBLE_VERSION).
DOUBLE_BUNDLE_VERSION = "1.0"


def make_bundle(root: Path, *, version: str | None = "5.0.745.0",
                modules: tuple[str, ...] = ("webSimple",), loader: str | None = None,
                extra: dict[str, bytes] | None = None) -> Path:
    """Write a bundle folder under ``root`` (``root/GeoGebra/...``) and return ``root``."""
    g = root / "GeoGebra"
    h = g / "HTML5" / "5.0"
    if loader is None:
        fallback = f'codebase="https://www.geogebra.org/apps/{version}/"' if version else ""
        loader = f"/* synthetic deployggb.js */ var GGBApplet = function () {{}}; {fallback}\n"
    files: dict[str, bytes] = {
        "GeoGebra/deployggb.js": loader.encode(),
        "GeoGebra/HTML5/5.0/css/general.css": b".ggb { color: black }\n",
        "GeoGebra/HTML5/5.0/css/bundles/simple-bundle.css": b".simple { margin: 0 }\n",
        "GeoGebra/HTML5/5.0/GeoGebra.html": b"<html>a demo page, not needed</html>\n",
    }
    for m in modules:
        files |= {
            f"GeoGebra/HTML5/5.0/{m}/{m}.nocache.js": f"/* {m} bootstrap */\n".encode(),
            f"GeoGebra/HTML5/5.0/{m}/0123ABCD.cache.js": b"/* permutation */\n" * 100,
            f"GeoGebra/HTML5/5.0/{m}/fonts/latin/font.woff2": b"wOF2" + bytes(60),
            f"GeoGebra/HTML5/5.0/{m}/clear.cache.gif": b"GIF89a" + bytes(37),
            f"GeoGebra/HTML5/5.0/{m}/html/skydriveproxy.php": b"<?php echo 1; ?>\n",
        }
    files |= extra or {}
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    assert h.is_dir()
    return root


def double_bundle(root: Path) -> Path:
    """A bundle whose ``deployggb.js`` is the GeoGebra test double (install it with
    ``--geogebra-version`` :data:`DOUBLE_BUNDLE_VERSION`: the double names no version)."""
    return make_bundle(root, version=None, loader=DOUBLE_JS.read_text(encoding="utf-8"))


def zip_folder(folder: Path, dest: Path, *, prefix: str = "") -> Path:
    """Zip ``folder``'s contents (names relative to it, under ``prefix``) into ``dest``."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, prefix + p.relative_to(folder).as_posix())
    return dest
