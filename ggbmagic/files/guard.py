"""Every construction the kernel hands GeoGebra passes here: size limits, then its
JavaScript removed (``scripts.py``) unless the user asked to keep it.

Used by ``GeoGebra.load`` and by the ``call``/``api`` passthroughs of the Apps API methods
that take a construction (``setBase64``, ``setXML``, ``evalXML``), which used to reach
GeoGebra unchecked (a 1 MiB file that unpacks to gigabytes took the kernel to 2 GiB).
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from ..errors import GgbError
from ..ggbfile import check_ggb
from .scripts import ScriptReport, strip_ggb, strip_xml

__all__ = ["ALLOW_JAVASCRIPT_WARNING", "CONSTRUCTION_METHODS", "guard_call", "guard_file"]

#: The Apps API methods whose first argument is a construction.
CONSTRUCTION_METHODS = frozenset({"setBase64", "setXML", "evalXML"})

ALLOW_JAVASCRIPT_WARNING = (
    "ggbmagic: the JavaScript of {source} will run in this page with your Jupyter rights: "
    "it can read, change and delete your files and run code in your kernel. "
    "Allow it only for files you trust.")


def guard_file(data: bytes, source: Path, *, allow_javascript: bool,
               max_unpacked: int) -> tuple[bytes, ScriptReport]:
    """A .ggb's bytes as GeoGebra may get them, and what was removed."""
    check_ggb(data, source, max_unpacked)
    if allow_javascript:
        return data, ScriptReport()
    return strip_ggb(data)


def guard_call(method: str, args: tuple[Any, ...], *, allow_javascript: bool,
               max_unpacked: int) -> tuple[tuple[Any, ...], ScriptReport]:
    """The arguments of an API call as GeoGebra may get them, and what was removed."""
    if method not in CONSTRUCTION_METHODS or not args or not isinstance(args[0], str):
        return args, ScriptReport()
    first, rest = args[0], args[1:]
    if method == "setBase64":
        if len(first) > (max_unpacked + 2) // 3 * 4 + 4096:
            raise GgbError(f"setBase64: the file is larger than {max_unpacked} bytes; "
                           "raise `%config GgbMagics.max_ggb_unpacked_bytes` if you trust it")
        try:
            data = base64.b64decode(first, validate=True)
        except (binascii.Error, ValueError):
            raise GgbError("setBase64 takes the base64 text of a .ggb file "
                           "(e.g. from ggb.api.getBase64())") from None
        data, report = guard_file(data, Path("the file given to setBase64"),
                                  allow_javascript=allow_javascript, max_unpacked=max_unpacked)
        return (base64.b64encode(data).decode("ascii"), *rest) if report else args, report
    if len(first) > max_unpacked or len(first.encode("utf-8", "surrogatepass")) > max_unpacked:
        raise GgbError(f"{method}: the XML is larger than {max_unpacked} bytes; raise "
                       "`%config GgbMagics.max_ggb_unpacked_bytes` if you trust it")
    if allow_javascript:
        return args, ScriptReport()
    xml, removed = strip_xml(first, f"the XML given to {method}")
    return ((xml, *rest), ScriptReport(removed)) if removed else (args, ScriptReport())
