"""``%ggb --doctor``: which path this kernel's panel answers on, why not the others, the
measured round trip, and a fix-it sentence for each missing piece.

:func:`diagnose` is pure (a table of cases in tests/unit/test_doctor.py); the facts come
from the channel (the live links, the browser's ``ladder`` frame) and the kernel
(whether it offers subshells, its ipykernel version).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from ..richtext import RichRepr, plain
from .link import LinkPath

__all__ = ["Doctor", "DoctorFacts", "diagnose"]

#: What a hub admin or user can do, per missing piece.
FIX_RELAY = ("The relay needs the kernel on the Jupyter server's own machine; a kernel behind "
             "a kernel gateway (Kernel/Enterprise Gateway) cannot use it — the subshell "
             "path takes over.")
FIX_IPYKERNEL = ("Install ipykernel ≥ 7 in the kernel's environment "
                 "(`pip install 'ipykernel>=7'`) and restart the kernel.")
FIX_SETTING = ("Turn comms over subshells back on: Settings → Kernels → Kernel Comms over "
               "subshells → “One subshell per comm-target” (JupyterLab ≥ 4.4, Notebook 7).")
FIX_FRONTEND = ("Use JupyterLab ≥ 4.4 or Notebook 7: they send comm messages on subshells.")
NAGLE = ("Each answer crosses the Jupyter server's kernel WebSockets, where a stock server "
         "leaves Nagle's algorithm on (tens of ms a round trip); jupyter_server has no "
         "option for it: a hub admin can turn TCP_NODELAY on (docs/architecture.md, "
         "“The transport ladder”).")


@dataclass
class DoctorFacts:
    """What the kernel knows; ``browser`` is the page's last ``ladder`` frame."""

    path: LinkPath | None
    kernel_subshells: bool
    ipykernel: str
    browser: dict[str, Any] = field(default_factory=dict)
    rtt_ms: float | None = None
    relay_listening: bool = True


@dataclass
class Row:
    path: str
    verdict: str  # "in use", "not used", "unavailable", "—"
    why: str
    fix: str = ""


def diagnose(f: DoctorFacts) -> list[Row]:
    """One row per rung: relay, subshell, after-cell. Pure."""
    rows: list[Row] = []
    used = f.path
    seen = bool(f.browser)
    relay_reason = str(f.browser.get("relay") or "")
    # relay
    if used is LinkPath.RELAY:
        rows.append(Row("relay", "in use", "the server's relay reaches this kernel's socket"))
    elif not f.relay_listening:
        rows.append(Row("relay", "unavailable", "this kernel's OOB listener is not running",
                        "Run `%load_ext ggbmagic` again."))
    elif relay_reason:
        rows.append(Row("relay", "unavailable", relay_reason, FIX_RELAY))
    elif not seen:
        rows.append(Row("relay", "unknown", "no page has connected to this kernel yet",
                        "Open the notebook in JupyterLab 4 or Notebook 7 with the ggbmagic "
                        "extension and run `%ggb --open`."))
    else:
        rows.append(Row("relay", "not used", "the page uses another path"))
    # subshell
    comms = str(f.browser.get("comms_over_subshells") or "")
    offered = f.kernel_subshells
    if used is LinkPath.SUBSHELL:
        rows.append(Row("subshell", "in use",
                        "the page's comm is handled on a kernel subshell during cells", NAGLE))
    elif used is LinkPath.RELAY:
        rows.append(Row("subshell", "not needed", "the relay answers during cells"))
    elif not offered:
        rows.append(Row("subshell", "unavailable",
                        f"this kernel offers no subshells (ipykernel {f.ipykernel})",
                        FIX_IPYKERNEL))
    elif comms == "disabled":
        rows.append(Row("subshell", "unavailable",
                        "the page has comms over subshells switched off", FIX_SETTING))
    elif seen and f.browser.get("supports_subshells") is False:
        rows.append(Row("subshell", "unavailable",
                        "the page's kernel connection does not use subshells", FIX_FRONTEND))
    elif not seen:
        rows.append(Row("subshell", "unknown", "no page has connected to this kernel yet"))
    else:
        rows.append(Row("subshell", "not used", "the page uses another path"))
    # after-cell
    if used is LinkPath.AFTER_CELL:
        rows.append(Row("after-cell", "in use",
                        "answers arrive only after each cell: commands, scripts, --png and "
                        "--save show their result when the cell ends; ggb.value() and "
                        "callbacks inside a cell raise at once",
                        "Enable a path above, or split cells that need an answer."))
    else:
        rows.append(Row("after-cell", "not needed" if used else "—",
                        "a path above answers during cells" if used else "no page connected"))
    return rows


@dataclass
class Doctor(RichRepr):
    """The ``%ggb --doctor`` report."""

    facts: DoctorFacts
    kernel_id: str = ""

    @property
    def rows(self) -> list[Row]:
        return diagnose(self.facts)

    def __rich__(self) -> RenderableType:
        table = Table(show_header=True, box=None, pad_edge=False)
        table.add_column("path", style="bold")
        table.add_column("")
        table.add_column("why")
        used = self.facts.path
        head = Text.assemble(("path in use: ", "bold"),
                             plain(used.value if used else "none (no page connected)"))
        for row in self.rows:
            why = plain(row.why)
            if row.fix:
                why.append("\n→ ")
                why.append(plain(row.fix))
            table.add_row(plain(row.path), plain(row.verdict), why)
        rtt = ("round trip: "
               + (f"{self.facts.rtt_ms:.1f} ms (ping on {used.value})"
                  if self.facts.rtt_ms is not None and used else "not measured (no path "
                  "answers during a cell)"))
        from rich.console import Group

        return Group(head, plain(rtt), table,
                     plain(f"kernel {self.kernel_id}, ipykernel {self.facts.ipykernel}"))
