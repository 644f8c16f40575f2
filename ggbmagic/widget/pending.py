"""A command sent in the after-the-cell mode: its answer comes once the cell has ended."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

from ..errors import AfterCellError, GgbError

__all__ = ["AFTER_THE_CELL", "AfterTheCellError", "PendingResult"]

AFTER_THE_CELL = (
    "This frontend delivers the GeoGebra widget's answers only between cells (marimo, "
    "VS Code and Colab queue a widget's messages while a cell runs), and the widget "
    "could not open its direct loopback connection to the kernel (the page is not "
    "served from this machine, or the connection was refused)."
)


class AfterTheCellError(AfterCellError):
    """A value was needed inside the cell, but the widget's answers arrive only after it
    (the ladder's AfterCellError, with the widget's own reason and fix)."""

    def __init__(self, message: str) -> None:
        GgbError.__init__(self, message)


class PendingResult:
    """What ``ggb.command`` / ``ggb.script`` give in the after-the-cell mode.

    The command has been sent and runs in the browser now; GeoGebra's answer shows in
    the widget's status line, and here from the next cell on (``.result()``).
    """

    def __init__(self, future: concurrent.futures.Future[Any],
                 post: Callable[[Any], Any], what: str) -> None:
        self._future = future
        self._post = post
        self.what = what

    def done(self) -> bool:
        return self._future.done()

    def result(self) -> Any:
        """GeoGebra's answer (a CommandResult / ScriptResult), once it has arrived."""
        if not self._future.done():
            raise AfterTheCellError(
                f"{AFTER_THE_CELL} The answer to {self.what!r} has not arrived yet: ask "
                "for it in a later cell.")
        return self._post(self._future.result())

    @property
    def failed(self) -> list[Any]:
        """Failed lines, once known (none while the answer is on its way)."""
        if not self._future.done() or self._future.exception() is not None:
            return []
        return list(getattr(self.result(), "failed", []))

    def __repr__(self) -> str:
        if self._future.done():
            try:
                return repr(self.result())
            except GgbError as exc:
                return f"<GeoGebra answered {self.what!r}: {exc}>"
        return (f"<sent to GeoGebra: {self.what!r}; its answer shows in the widget after "
                "this cell (after-the-cell mode)>")
