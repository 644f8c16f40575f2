"""The exceptions ggbmagic raises to Python code; each message says what to do.

The magics turn these into :class:`IPython.core.error.UsageError` (no traceback);
Python callers can catch them by class.
"""

from __future__ import annotations

__all__ = [
    "GgbCommandError",
    "GgbError",
    "GgbTimeoutError",
    "GgbValueTypeError",
    "LoadFailedError",
    "NoFrontendError",
    "NoPlaceError",
    "PanelClosedError",
]

OPEN_HINT = "Run `%ggb --open` (or `ggb.open()`) to open the panel again."


class GgbError(Exception):
    """Base class of every ggbmagic error."""


class NoFrontendError(GgbError):
    """No browser answered: not a Jupyter frontend, or the ggbmagic extension is missing."""


class NoPlaceError(GgbError):
    """The frontend has no place beside the notebook for the GeoGebra panel."""

    def __init__(self, detail: str = "") -> None:
        detail = f" ({detail})" if detail else ""
        super().__init__(
            "This Jupyter frontend offers no place beside the notebook for the GeoGebra "
            f"panel{detail}. Show the applet in the cell's output instead: run "
            "`%ggb --open --inline` (or `%config GgbMagics.placement = 'inline'` before "
            "`%load_ext ggbmagic`), or open the notebook in JupyterLab or Notebook 7."
        )


class PanelClosedError(GgbError):
    """The user closed the GeoGebra panel of this notebook."""

    def __init__(self, reason: str = "panel closed") -> None:
        super().__init__(f"The GeoGebra panel of this notebook was closed ({reason}). {OPEN_HINT}")


class LoadFailedError(GgbError):
    """The browser could not load GeoGebra (offline, blocked URL, wrong codebase)."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(
            f"GeoGebra could not be loaded from {url}: {message}. Check the network, or point "
            "JupyterLab's settings (Settings → ggbmagic → deployggbUrl / html5Codebase) at a "
            f"self-hosted GeoGebra Math Apps Bundle, then reload the page. {OPEN_HINT}"
        )
        self.url = url


class GgbTimeoutError(GgbError, TimeoutError):
    """The browser did not answer in time; the request is abandoned (a late answer is dropped)."""


class GgbCommandError(GgbError):
    """A GeoGebra command failed. ``line`` is its 1-based line number in the cell, if any."""

    def __init__(self, text: str, line: int | None = None, detail: str = "") -> None:
        where = f"line {line}: " if line is not None else ""
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"GeoGebra could not run {where}{text!r}{extra}. Check the command's name and "
            "arguments (English command names, e.g. Distance(A, B)) and that the objects it "
            "uses exist."
        )
        self.text = text
        self.line = line


class GgbValueTypeError(GgbError, TypeError):
    """``value()`` of an object that has no number (a point, a text, a list, …)."""

    def __init__(self, name: str, kind: str, instead: str) -> None:
        super().__init__(f"{name!r} is a {kind}, not a number: ggb.value() reads numbers. "
                         f"Use {instead}.")
        self.name = name
        self.kind = kind


#: What to do when the panel can only answer after the cell (the after-cell path).
AFTER_CELL_FIX = (
    "Split the cell (run what needs the answer in the next cell), or let the page answer "
    "during a cell: enable kernel subshells (JupyterLab ≥ 4.4 or Notebook 7: Settings → "
    "Kernels → Kernel Comms over subshells; a kernel with ipykernel ≥ 7). "
    "`%ggb --doctor` shows which path is in use and why."
)


class AfterCellError(GgbError):
    """The request needs GeoGebra's answer inside the running cell, but the only path to
    the panel answers after the cell (subshells off, or ipykernel < 7, and no relay)."""

    def __init__(self, what: str, why: str = "") -> None:
        because = f" ({why})" if why else ""
        super().__init__(
            f"{what} needs GeoGebra's answer inside this cell, but this kernel's panel can "
            f"only answer after the cell ends: the after-cell path{because}. "
            + AFTER_CELL_FIX)
