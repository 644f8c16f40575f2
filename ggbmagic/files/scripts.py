"""JavaScript out of GeoGebra constructions — pure, tested from tables of cases.

A ``.ggb`` file can carry JavaScript in two places, and GeoGebra runs both in the page
that shows the applet, with the user's Jupyter credentials (measured on 5.0.745.0, for
``setBase64``, ``setXML``, ``evalXML`` and an applet built from ``ggbBase64``):

* the ``geogebra_javascript.js`` member, whose ``ggbOnInit`` runs once the file is loaded;
* ``<javascript val="…" onUpdate="…"/>`` in an object's XML, run on click and on update.

So by default both are removed before GeoGebra sees the construction: the member is
dropped and every ``javascript`` element is cut out of every XML member. GeoGebra's own
script language (``<ggbscript …/>``) is kept. The browser has a twin of this module
(``frontend/src/core/filescripts.ts``) for constructions that never pass the kernel.

>>> strip_xml('<element label="A"><javascript val="x()"/><ggbscript val="n=1"/></element>')
('<element label="A"><ggbscript val="n=1"/></element>', ('JavaScript of A (on click)',))
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from ..errors import GgbError

__all__ = ["ScriptReport", "is_javascript_member", "strip_ggb", "strip_xml"]

# A javascript element: optional namespace prefix, attributes with quoted values (a `>`
# inside a value is legal XML and must not end the tag early), then `/>`, or `>` and
# anything up to its end tag. Case-insensitive, as a lenient parser might be.
_NAME = r"(?:[A-Za-z_][\w.\-]*:)?javascript"
_ATTR = r"""\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*')"""
_JS_ELEMENT = re.compile(
    rf"<{_NAME}(?=[\s/>])((?:{_ATTR})*)\s*(?:/>|>.*?</{_NAME}\s*>|>)", re.S | re.I | re.A)
# What must never remain: any tag whose name ends in "javascript".
_LEFTOVER = re.compile(r"<\s*/?\s*(?:[\w.\-]*:)?javascript\b", re.I | re.A)
_ENTITY = re.compile(r"<!ENTITY", re.I)
_ATTR_NAME = re.compile(r"""([^\s=/>"']+)\s*=\s*(?:"[^"]*"|'[^']*')""")
_ELEMENT_START = re.compile(r"""<element\b(?:\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'))*""")
_LABEL = re.compile(r"""\slabel\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: What GeoGebra writes into every file: an empty ggbOnInit, nothing to report.
_EMPTY_INIT = re.compile(r"\s*function\s+ggbOnInit\s*\(\s*\)\s*\{\s*\}\s*;?\s*")
_EVENTS = {"val": "on click", "onupdate": "on update"}


@dataclass(frozen=True)
class ScriptReport:
    """What :func:`strip_ggb` or :func:`strip_xml` removed (empty: nothing)."""

    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.removed)

    def __str__(self) -> str:
        return ", ".join(self.removed)

    def note(self, source: str) -> str:
        """The sentence that tells the user what was removed from *source*."""
        return (f"ggbmagic removed the JavaScript of {source} ({self}): JavaScript from a "
                "file would run in this page with your Jupyter rights. GeoGebra scripts "
                "(GGBScript) still run. To keep it, for a file you trust: "
                "`%ggb --load FILE --allow-javascript` or `ggb.load(FILE, allow_javascript=True)`.")


def _owner(xml: str, pos: int) -> str:
    """The label of the last ``<element>`` opened before *pos* (the script's object)."""
    start = xml.rfind("<element", 0, pos)
    while start >= 0 and not (last := _ELEMENT_START.match(xml, start)):
        start = xml.rfind("<element", 0, start)
    if start < 0 or last is None:
        return "the construction"
    m = _LABEL.search(last.group(0))
    label = (m.group(1) if m.group(1) is not None else m.group(2)) if m else ""
    return label[:40] or "an object"


def strip_xml(xml: str, where: str = "") -> tuple[str, tuple[str, ...]]:
    """*xml* without its JavaScript elements, and what was removed ("JavaScript of A
    (on click, on update)"). Raises :class:`GgbError` for XML whose JavaScript cannot be
    removed safely (entity declarations, a javascript tag in a form not recognised)."""
    if _ENTITY.search(xml):
        raise GgbError(f"{where or 'this XML'} declares XML entities, which GeoGebra files "
                       "never do; ggbmagic does not open it")
    removed: list[str] = []

    def cut(m: re.Match[str]) -> str:
        events = [_EVENTS.get(a.lower(), a) for a in _ATTR_NAME.findall(m.group(1))]
        removed.append(f"JavaScript of {_owner(xml, m.start())}"
                       + (f" ({', '.join(events)})" if events else ""))
        return ""

    out = _JS_ELEMENT.sub(cut, xml)
    if _LEFTOVER.search(out):
        raise GgbError(f"{where or 'this XML'} holds a JavaScript element ggbmagic cannot "
                       "remove safely; it does not open it")
    return out, tuple(removed)


def is_javascript_member(name: str) -> bool:
    """Whether a zip member is (or could be taken for) the file's global JavaScript."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].lower().endswith("javascript.js")


def strip_ggb(data: bytes) -> tuple[bytes, ScriptReport]:
    """*data* (a .ggb already checked by ``check_ggb``: its size is bounded) without its
    JavaScript. The very same bytes come back when there was none to remove."""
    removed: list[str] = []
    members: list[tuple[zipfile.ZipInfo, bytes]] = []
    changed = False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                body = archive.read(info)
                if is_javascript_member(info.filename):
                    if _EMPTY_INIT.fullmatch(body.decode("utf-8", "replace")):
                        members.append((info, body))  # GeoGebra's empty default: harmless
                        continue
                    changed = True
                    removed.append(f"{info.filename[:60]} (ggbOnInit)")
                    continue
                if info.filename.lower().endswith(".xml"):
                    xml = body.decode("utf-8", "replace")
                    stripped, cut = strip_xml(xml, info.filename[:60])
                    if cut or stripped != xml:
                        removed.extend(cut)
                        body = stripped.encode("utf-8")
                        changed = True
                members.append((info, body))
    except GgbError:
        raise
    except Exception as exc:  # check_ggb ran first; anything left is a damaged file
        raise GgbError(f"the file cannot be read: {type(exc).__name__}") from None
    if not changed:
        return data, ScriptReport()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, body in members:
            archive.writestr(info.filename, body)
    return out.getvalue(), ScriptReport(tuple(removed))
