"""Result objects with rich reprs: text/plain and text/html (rendered by rich) in
notebooks, ``__rich__`` in a terminal, image/png and image/svg+xml for snapshots.

No I/O (the images' ``save``, which the user asks for, is in images.py).

>>> r = CommandResult("A = (1, 2)", ok=True, labels=["A"], objects=[
...     {"name": "A", "type": "point", "value": "A = (1, 2)", "definition": "",
...      "command": "", "defined": True, "visible": True, "x": 1.0, "y": 2.0}])
>>> r["A"]["x"], r.labels
(1.0, ['A'])
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .diagnose.failures import UNDEFINED_LABEL, redefined_note
from .events import Event
from .images import GifImage, PngImage, SvgImage
from .labels import relabel_note
from .pictures.visibility import hidden_drawings, is_hidden_drawing
from .protocol import LineResult, ObjectInfo
from .richtext import RichRepr, no_controls, plain, render_html, render_text

__all__ = [
    "CommandResult",
    "EventTable",
    "GifImage",
    "ObjectTable",
    "PngImage",
    "ScriptResult",
    "Status",
    "SvgImage",
    "as_object_list",
    "event_detail",
    "plain",
    "render_html",
    "render_text",
    "shorten",
]

# PngImage, SvgImage (images.py) and plain, render_text, render_html (richtext.py) keep
# their old home here.

#: Longest text shown in a result table's cell; the rest is a call away (shorten).
SHOWN_CHARS = 200


def shorten(text: str, name: str = "", method: str = "") -> str:
    """*text* cut to about SHOWN_CHARS characters for a table, saying how long it is and
    how to get all of it (a list of 100,000 numbers printed 837 KB into the notebook).

    >>> shorten("L = {" + ", ".join(["1"] * 100) + "}", "L")[-58:]
    '… (304 characters in all; ggb.value_string("L") gives all)'
    """
    if len(text) <= SHOWN_CHARS:
        return text
    if name:
        call = (f'ggb.call("{method}", "{name}")' if method
                else f'ggb.value_string("{name}")')
        how = f"; {call} gives all"
    else:
        how = ""
    return f"{text[:SHOWN_CHARS - 20]}… ({len(text):,} characters in all{how})"


def _fmt_number(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return f"{value:.10g}"
    return "" if value is None else str(value)


def _coords(obj: ObjectInfo) -> str:
    parts = [obj.get(k) for k in ("x", "y", "z")]
    if parts[0] is None:
        return ""
    if parts[2] in (None, 0, 0.0):
        parts = parts[:2]
    return "(" + ", ".join(_fmt_number(p) for p in parts) + ")"


def hidden_note(names: Sequence[str]) -> str:
    """The sentence under a result whose new objects GeoGebra did not draw.

    >>> hidden_note(["L"])
    'not drawn: L exists but is hidden; `%ggb --show L` or ggb.show("L") draws it'
    """
    them = ", ".join(names)
    quoted = ", ".join(f'"{n}"' for n in names)
    one = len(names) == 1
    return (f"not drawn: {them} {'exists' if one else 'exist'} but {'is' if one else 'are'} "
            f"hidden; `%ggb --show {','.join(names)}` or ggb.show({quoted}) draws "
            f"{'it' if one else 'them'}")


def _type_cell(obj: ObjectInfo) -> Text:
    kind = plain(obj.get("type"))
    if is_hidden_drawing(obj):
        return Text.assemble(kind, (" (hidden)", "bold yellow"))
    return kind


def _ok(ok: bool) -> Text:
    return Text("✓", style="bold green") if ok else Text("✗", style="bold red")


@dataclass(repr=False)
class CommandResult(RichRepr):
    """What one GeoGebra command did: ``ok``, the labels it created and their objects.

    ``changed``: for a command that created nothing (SetColor, SetValue, Delete, …), the
    objects its events named. ``note``: why an object has another label than the one
    written (``ln = …`` becomes ``ln_{1}``).
    """

    text: str
    ok: bool
    labels: list[str]
    objects: list[ObjectInfo]
    changed: list[str] = field(default_factory=list)
    note: str = ""

    def __getitem__(self, name: str) -> ObjectInfo:
        for obj in self.objects:
            if obj["name"] == name:
                return obj
        raise KeyError(name)

    def __rich__(self) -> RenderableType:
        if not self.objects:
            if not self.ok:
                note = "failed"
            elif self.changed:
                note = "done, changed " + ", ".join(self.changed)
            else:
                note = "done (no new objects)"
            return Text.assemble(_ok(self.ok), " ", (str(self.text), "bold"), f"  — {note}")
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("", "name", "type", "value"):
            table.add_column(col)
        for obj in self.objects:
            table.add_row(_ok(self.ok), plain(obj.get("name")), _type_cell(obj),
                          plain(shorten(str(obj.get("value") or ""), str(obj.get("name")))))
        # Below the table, not as its caption: a caption wraps to the table's width.
        notes = [self.note] if self.note else []
        hidden = hidden_drawings(self.objects)
        if hidden:
            notes.append(hidden_note(hidden))
        if notes:
            return Group(table, *(Text(no_controls(n), style="italic") for n in notes))
        return table


@dataclass(repr=False)
class ScriptResult(RichRepr):
    """Per-line results of a ``%%ggb`` script, in order; only the lines that ran."""

    lines: list[LineResult]
    total: int = 0
    #: Notes on lines that ran but did not do what was meant (a CAS command without CAS).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(line.get("ok") for line in self.lines) and len(self.lines) == self.total

    @property
    def failed(self) -> list[LineResult]:
        return [line for line in self.lines if not line.get("ok")]

    @property
    def labels(self) -> list[str]:
        return [label for line in self.lines for label in line.get("labels") or []
                if label != UNDEFINED_LABEL]

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[LineResult]:
        return iter(self.lines)

    def records(self) -> list[dict[str, Any]]:
        """One flat dict per line: line, command, ok, labels, values."""
        return [
            {
                "line": line.get("line"),
                "command": str(line.get("text", "")),
                "ok": bool(line.get("ok")),
                "labels": ", ".join(str(label) for label in line.get("labels") or []
                                    if label != UNDEFINED_LABEL),
                "values": "; ".join(str(obj.get("value", "")) for obj in line.get("objects") or []
                                    if isinstance(obj, dict)),
            }
            for line in self.lines
        ]

    def to_pandas(self) -> Any:
        """The results as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records(),
                                         columns=["line", "command", "ok", "labels", "values"])

    def __rich__(self) -> RenderableType:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("line", "", "command", "created"):
            table.add_column(col, overflow="fold")
        notes: list[str] = []
        for rec, line in zip(self.records(), self.lines, strict=False):
            # plain()/Text(): GeoGebra's and the browser's words are never rich markup.
            values = "; ".join(shorten(str(obj.get("value", "")), str(obj.get("name", "")))
                               for obj in line.get("objects") or [] if isinstance(obj, dict))
            created = plain(values) if values else Text(_line_outcome(line))
            table.add_row(plain(rec["line"]), _ok(rec["ok"]), plain(shorten(rec["command"])),
                          created)
            text, labels = str(line.get("text", "")), line.get("labels") or []
            note = redefined_note(text, labels) or relabel_note(
                text, [x for x in labels if x != UNDEFINED_LABEL])
            if note:
                notes.append(f"line {line.get('line')}: {note}")
        notes.extend(self.notes)
        hidden = hidden_drawings(obj for line in self.lines for obj in line.get("objects") or []
                                 if isinstance(obj, dict))
        if hidden:
            notes.append(hidden_note(hidden))
        skipped = self.total - len(self.lines)
        if skipped > 0:
            table.caption = f"{skipped} line(s) not run after the failure"
        if notes:
            return Group(table, *(Text(no_controls(note), style="italic") for note in notes))
        return table


def _line_outcome(line: LineResult) -> str:
    """The "created" cell of a line that created nothing."""
    if not line.get("ok"):
        error = line.get("error")
        return f"failed: {error}" if error else "failed"
    changed = line.get("changed") or []
    return "changed " + ", ".join(changed) if changed else "—"


_OBJECT_COLUMNS = ("name", "type", "definition", "value", "x", "y", "z")


@dataclass(repr=False)
class ObjectTable(RichRepr):
    """The construction as a table: name, type, definition, value string, coordinates."""

    objects: list[ObjectInfo]

    def __len__(self) -> int:
        return len(self.objects)

    def __iter__(self) -> Iterator[ObjectInfo]:
        return iter(self.objects)

    def __getitem__(self, name: str) -> ObjectInfo:
        for obj in self.objects:
            if obj["name"] == name:
                return obj
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(obj["name"] == name for obj in self.objects)

    @property
    def names(self) -> list[str]:
        return [obj["name"] for obj in self.objects]

    def records(self) -> list[dict[str, Any]]:
        """One dict per object with the table's columns (coordinates None if not a point)."""
        rows = []
        for obj in self.objects:
            row: dict[str, Any] = {
                "name": obj.get("name"),
                "type": obj.get("type", ""),
                "definition": obj.get("definition") or obj.get("command") or "",
                "value": obj.get("value", ""),
            }
            for axis in ("x", "y", "z"):
                row[axis] = obj.get(axis)
            rows.append(row)
        return rows

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame indexed by name (pandas must be installed)."""
        import pandas as pd

        frame = pd.DataFrame.from_records(self.records(), columns=list(_OBJECT_COLUMNS))
        return frame.set_index("name")

    def __rich__(self) -> RenderableType:
        if not self.objects:
            return Text("The construction is empty.")
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("name", "type", "definition", "value", "coordinates"):
            table.add_column(col, overflow="fold")
        for row, obj in zip(self.records(), self.objects, strict=False):
            name = str(row["name"])
            table.add_row(plain(name), _type_cell(obj),
                          plain(shorten(str(row["definition"]), name, "getDefinitionString")),
                          plain(shorten(str(row["value"]), name)), plain(_coords(obj)))
        return table


@dataclass(repr=False)
class EventTable(RichRepr):
    """Applet events (add, update, remove, rename, clear, select, dragEnd, …) as a table."""

    events: list[Event]
    dropped: int = 0

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __getitem__(self, index: int) -> Event:
        return self.events[index]

    def to_pandas(self) -> Any:
        """The events as a pandas DataFrame indexed by sequence number."""
        import pandas as pd

        cols = ["seq", "type", "target", "argument", "time", "value"]
        frame = pd.DataFrame.from_records([{c: e.get(c) for c in cols} for e in self.events],
                                          columns=cols)
        return frame.set_index("seq")

    def __rich__(self) -> RenderableType:
        if not self.events:
            return Text("No applet events yet.")
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("seq", "type", "target", "detail"):
            table.add_column(col, overflow="fold")
        for e in self.events:
            table.add_row(plain(e.get("seq")), plain(e.get("type")), plain(e.get("target")),
                          plain(event_detail(e)))
        if self.dropped:
            table.caption = f"{self.dropped} older event(s) dropped (buffer full)"
        return table


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return _fmt_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def event_detail(event: Event) -> str:
    """The "detail" cell of an event: its value, the objects it names, its other fields.

    >>> event_detail({"seq": 1, "type": "deleteGeos", "target": None, "argument": None,
    ...               "time": 0.0, "targets": ["A", "B"]})
    'A, B'
    """
    parts: list[str] = []
    if event.get("value"):
        parts.append(str(event["value"]))
    argument = event.get("argument")
    # GeoGebra repeats the target as the argument of e.g. updateStyle: say it once.
    if argument not in (None, "", event.get("target")):
        parts.append(_plain(argument))
    targets = event.get("targets")
    if targets:
        parts.append(_plain(targets))
    fields = event.get("fields")
    if fields:
        parts.append(_plain(fields))
    return "; ".join(parts)


_MODE_TEXT = {"loopback": "inside the cell (widget, loopback socket)",
              "after-the-cell": "after the cell (widget, custom messages)",
              "not connected": "widget not shown yet"}


@dataclass(repr=False)
class Status(RichRepr):
    """Connection status of the GeoGebra panel, as shown by ``%ggb`` alone."""

    state: str
    connected: bool
    kernel_id: str
    applet: dict[str, Any] = field(default_factory=dict)
    rtt_ms: float | None = None
    objects: int | None = None
    counters: dict[str, int] = field(default_factory=dict)
    message: str = ""
    callbacks_dropped: int = 0
    events_dropped: int = 0
    #: The transport path in use (relay, subshell, after-cell; ggbmagic/transport/).
    path: str = ""
    #: The widget's way back (ggbmagic.widget): "loopback", "after-the-cell", …
    mode: str = ""

    def __rich__(self) -> RenderableType:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_row("GeoGebra panel", Text.assemble(_ok(self.connected), " ", str(self.state)))
        if self.mode:
            table.add_row("answers", plain(_MODE_TEXT.get(self.mode, self.mode)))
        if self.applet:
            table.add_row("applet", plain(f"{self.applet.get('appName', '?')} "
                                          f"{self.applet.get('version', '')}".strip()))
            where = geogebra_source(self.applet)
            if where:
                table.add_row("GeoGebra from", plain(where))
        if self.path:
            table.add_row("path", plain(f"{self.path} (`%ggb --doctor` explains)"))
        if self.rtt_ms is not None:
            table.add_row("round trip", f"{self.rtt_ms:.2f} ms")
        if self.objects is not None:
            table.add_row("objects", plain(self.objects))
        table.add_row("kernel", plain(self.kernel_id))
        refused = {k: v for k, v in self.counters.items()
                   if v and k not in ("connections", "frames_in", "events")}
        if refused:
            table.add_row("refused", plain(", ".join(f"{k}={v}" for k, v in refused.items())))
        if self.callbacks_dropped:
            table.add_row("callbacks dropped", plain(
                f"{self.callbacks_dropped} (more were waiting than GgbMagics.callback_queue)"))
        if self.events_dropped:
            table.add_row("events dropped", plain(
                f"{self.events_dropped} (the event buffer was full: GgbMagics.event_buffer "
                "events or GgbMagics.event_buffer_bytes bytes)"))
        if self.message:
            table.add_row("", plain(self.message))
        return table


def geogebra_source(applet: dict[str, Any]) -> str:
    """Where the browser's GeoGebra came from (the ``ready`` frame's optional fields).

    >>> geogebra_source({"source": "server", "module": "webSimple", "url": "http://h/x.js"})
    'this Jupyter server (installed bundle, module webSimple)'
    >>> geogebra_source({"source": "settings", "url": "https://school/GeoGebra/deployggb.js"})
    'https://school/GeoGebra/deployggb.js (settings)'
    >>> geogebra_source({})
    ''
    """
    source, module, url = (str(applet.get(k) or "") for k in ("source", "module", "url"))
    mod = f", module {module}" if module else ""
    if source == "server":
        return f"this Jupyter server (installed bundle{mod})"
    if source in ("settings", "geogebra.org"):
        return f"{url or source} ({'settings' if source == 'settings' else 'default'}{mod})"
    return ""


def as_object_list(value: Any) -> list[ObjectInfo]:
    """The ``objects`` list of a browser result, defensively (a missing list is empty)."""
    objects = value.get("objects") if isinstance(value, dict) else None
    if not isinstance(objects, Sequence):
        return []
    return [cast(ObjectInfo, o) for o in objects if isinstance(o, dict) and "name" in o]
