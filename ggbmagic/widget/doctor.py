"""``%ggb --doctor`` / ``ggb.doctor()`` for the widget: which way its answers come back,
and why not the other. :func:`diagnose` is pure (tests/widget/test_loopback.py)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table

from ..richtext import RichRepr, plain

__all__ = ["WidgetDoctor", "diagnose"]

FIX_SHOW = "Show the widget: end a cell with `ggb` (marimo: `mo.ui.anywidget(ggb.widget)`)."
FIX_LOCAL = ("Open the notebook from this machine (http://localhost or 127.0.0.1), or read "
             "values in a later cell: `ggb.watch(name)` mirrors them into the widget's state.")


def diagnose(mode: str, port: int) -> list[tuple[str, str, str]]:
    """Rows (way, verdict, why and fix) for a widget in *mode* with listener *port*.

    >>> [row[1] for row in diagnose("loopback", 4242)]
    ['in use', 'not needed']
    >>> diagnose("after-the-cell", 0)[0][1]
    'unavailable'
    """
    if port <= 0:
        loop = ("unavailable", "the widget was made with loopback=False: no listener")
    elif mode == "loopback":
        loop = ("in use", f"the page reached 127.0.0.1:{port}: answers arrive inside a cell")
    elif mode == "after-the-cell":
        loop = ("not used", "the page is not served from this machine (or its origin was "
                "refused), so it answers through the widget's messages. " + FIX_LOCAL)
    else:
        loop = ("unknown", "no page has shown the widget yet. " + FIX_SHOW)
    if mode == "after-the-cell":
        comm = ("in use", "answers arrive between cells: commands run and show their result "
                "in the widget; values needed inside a cell raise AfterTheCellError")
    elif mode == "loopback":
        comm = ("not needed", "the loopback socket answers during cells")
    else:
        comm = ("—", "no page has shown the widget yet")
    return [("loopback socket", *loop), ("widget messages (after the cell)", *comm)]


@dataclass(repr=False)
class WidgetDoctor(RichRepr):
    mode: str
    port: int
    widget_id: str = ""
    rtt_ms: float | None = None

    def __rich__(self) -> RenderableType:
        table = Table(show_header=True, box=None, pad_edge=False)
        table.add_column("way back", style="bold")
        table.add_column("")
        table.add_column("why")
        for way, verdict, why in diagnose(self.mode, self.port):
            table.add_row(plain(way), plain(verdict), plain(why))
        rtt = (f"round trip: {self.rtt_ms:.1f} ms (ping on the loopback socket)"
               if self.rtt_ms is not None else "round trip: not measured")
        return Group(plain(f"GeoGebra widget {self.widget_id}: {self.mode}"), plain(rtt), table)
