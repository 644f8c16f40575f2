"""The applet in a cell's output: the display the browser turns into the live applet.

``%ggb --open --inline`` displays one output with three representations:

* ``application/vnd.ggbmagic.applet+json`` — rendered by ggbmagic's JupyterLab /
  Notebook 7 mime renderer as the live applet (trusted outputs only), carrying the
  construction as a base64 .ggb file so that a reopened notebook starts from it;
* ``image/png`` — a picture of the construction for GitHub, nbviewer, a PDF or an
  untrusted notebook;
* ``text/plain`` — what a terminal shows.

All inline outputs of a kernel share one display id: after every cell that changed the
construction the kernel's copy (:mod:`ggbmagic.construction`) is refreshed, and the
outputs get it with a new picture (``update_display_data``), so the saved notebook holds
the last state. Outputs a reloaded or reopened page restored from the saved notebook no
longer answer to that display id; the browser applies the same update to them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from .construction import Keeper

__all__ = ["MIME_TYPE", "InlineOutputs", "bundle"]

log = logging.getLogger("ggbmagic")

MIME_TYPE = "application/vnd.ggbmagic.applet+json"
TEXT = ("GeoGebra applet (ggbmagic). Live in JupyterLab or Notebook 7 with ggbmagic "
        "installed and the notebook trusted; elsewhere its last picture shows.")

#: ``call(method, *args)`` of the Python API, with the kernel's usual timeout.
Call = Callable[..., Any]


def bundle(kernel_id: str, ggb_b64: str | None, png_b64: str | None) -> dict[str, Any]:
    """The output's representations (pure; what :meth:`InlineOutputs.show` displays).

    >>> sorted(bundle("k", None, None))
    ['application/vnd.ggbmagic.applet+json', 'text/plain']
    >>> bundle("k", "UEs=", "iVBO")["image/png"]
    'iVBO'
    """
    data: dict[str, Any] = {
        MIME_TYPE: {"v": 1, "kernel_id": kernel_id, "ggb": ggb_b64},
        "text/plain": TEXT,
    }
    if png_b64:
        data["image/png"] = png_b64
    return data


def _execution_count() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()
    return None if shell is None else int(shell.execution_count)


class InlineOutputs:
    """The inline outputs of one kernel: showing one, and refreshing their fallback.

    *ready* says whether the applet can answer now (the refresh never waits for a
    browser); *call* is the Python API's ``call``; *picture*, when given, makes the
    fallback picture (base64 PNG; ``GeoGebra`` frames it like ``ggb.png()``), else it is
    the panel's view as it is; *keeper* keeps the kernel's copy of the construction (one
    of its own when not given).
    """

    def __init__(self, kernel_id: str, call: Call, ready: Callable[[], bool],
                 picture: Callable[[], str] | None = None,
                 keeper: Keeper | None = None) -> None:
        self.kernel_id = kernel_id
        self.display_id = f"ggbmagic-{uuid.uuid4().hex}"
        self._call = call
        self._ready = ready
        self._picture = picture
        self.keeper = keeper or Keeper(ready, lambda: call("getBase64"), _no_async)
        #: An inline output shows the construction (shown by this kernel, or restored
        #: from the saved notebook, as the browser said): only then is a picture made.
        self.used = False
        self._shown_in: int | None = None
        #: The construction the outputs carry, and its picture (base64).
        self._published: str | None = None
        self.png_b64: str | None = None

    @property
    def ggb_b64(self) -> str | None:
        """The construction as the outputs carry it (the kernel's copy when they were
        last updated)."""
        return self._published

    def show(self) -> None:
        """Display an inline output in the running cell."""
        from IPython.display import display

        publish: Any = display  # IPython's display functions carry no type hints
        publish(bundle(self.kernel_id, self.keeper.store.b64, self.png_b64), raw=True,
                display_id=self.display_id)
        self.used = True
        self._shown_in = _execution_count()

    def show_once(self) -> bool:
        """Display one unless this cell already did (the browser's news can lag)."""
        if self.used and self._shown_in is not None and self._shown_in == _execution_count():
            return False
        self.show()
        return True

    def refresh(self) -> bool:
        """Bring the kernel's copy up to date and, where an inline output shows it, put
        it with a new picture into every inline output.

        Returns whether the outputs were updated. Never raises: it runs after each cell.
        """
        self.keeper.refresh()
        ggb_b64 = self.keeper.store.b64
        if not self.used or ggb_b64 is None or not self._ready():
            return False
        if ggb_b64 == self._published and self.png_b64:
            return False
        try:
            # A framed picture sets the view for a moment: only when the construction
            # (its file holds the view too) changed, as checked above.
            png_b64 = (self._picture() if self._picture is not None
                       else self._call("getPNGBase64", 1.0, False))
        except Exception as exc:  # the browser went away, or the panel was closed
            log.debug("ggbmagic: could not refresh the inline output: %s", exc)
            return False
        if not isinstance(png_b64, str) or not png_b64:
            return False
        self._published, self.png_b64 = ggb_b64, png_b64
        from IPython.display import update_display

        publish: Any = update_display
        publish(bundle(self.kernel_id, ggb_b64, png_b64), raw=True,
                display_id=self.display_id)
        return True

    def post_run_cell(self, *_: Any) -> None:
        """IPython's ``post_run_cell`` hook: refresh when the cell's commands are done."""
        try:
            self.refresh()
        except Exception:  # an IPython hook must never raise
            log.exception("ggbmagic: refreshing the inline output failed")


def _no_async() -> Any:
    raise RuntimeError("no asynchronous copies without a channel")
