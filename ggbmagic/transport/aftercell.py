"""After-the-cell mode: requests whose answer may come after the running cell.

On the ``after-cell`` path the page runs a request as soon as the kernel's comm
message reaches it (IOPub works during a cell), but its reply is handled only when the
kernel is idle again. Commands, scripts, pictures and saves are still sent: the cell
shows a placeholder output, and the answer replaces it by a display update (same
``display_id``) when it arrives. JupyterLab keeps a cell's execute future, and so its
display ids, until the cell runs again, so the update reaches that output.
"""

from __future__ import annotations

import concurrent.futures
import html
import logging
import uuid
from collections.abc import Callable
from typing import Any

from .. import protocol
from .link import LinkPath

__all__ = ["Deferred", "Placeholder", "send_after_cell"]

log = logging.getLogger("ggbmagic")


class Placeholder:
    """The output shown until the answer comes: what was sent and why it waits."""

    def __init__(self, what: str, text: str) -> None:
        self.what = what
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text,
                "text/html": f'<pre class="ggbmagic-after-cell">{html.escape(self.text)}</pre>'}


class Failure:
    """What the placeholder becomes when the answer is an error."""

    def __init__(self, error: BaseException) -> None:
        self.text = f"{type(error).__name__}: {error}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text,
                "text/html": f'<pre class="ggbmagic-error">{html.escape(self.text)}</pre>'}


class Deferred:
    """A request sent on the after-cell path. Its placeholder is already displayed (the
    display hook shows nothing more); ``done()`` / ``value()`` once the answer came."""

    def __init__(self, what: str, display_id: str) -> None:
        self.what = what
        self.display_id = display_id
        self._result: Any = None
        self._error: BaseException | None = None
        self._done = False

    def done(self) -> bool:
        return self._done

    def value(self) -> Any:
        """The answer (after the cell). Raises the answer's error, or if none came yet."""
        if not self._done:
            raise RuntimeError(f"{self.what}: GeoGebra's answer comes after the cell; "
                               "read it in a later cell")
        if self._error is not None:
            raise self._error
        return self._result

    def _ipython_display_(self) -> None:
        pass  # the placeholder output is this object's display

    def __repr__(self) -> str:
        state = "answered" if self._done else "waiting for the end of the cell"
        return f"<ggbmagic after-cell {self.what}: {state}>"


def send_after_cell(channel: Any, msg: protocol.Request, post: Callable[[Any], Any],
                    what: str) -> Deferred:
    """Send *msg* now, show a placeholder, and update it with ``post(answer)`` later."""
    from IPython import display as ipd

    display: Any = ipd.display  # untyped in IPython
    update_display: Any = ipd.update_display

    display_id = f"ggbmagic-after-{uuid.uuid4().hex}"
    deferred = Deferred(what, display_id)
    placeholder = Placeholder(what, (
        f"⏳ {what}: sent to GeoGebra on the {LinkPath.AFTER_CELL.value} path; the answer "
        "shows here when this cell ends (the page cannot answer during a cell here; "
        "`%ggb --doctor` says why)."))
    display(placeholder, display_id=display_id)
    future = channel.submit(msg)

    def finish(fut: concurrent.futures.Future[Any]) -> None:
        # On the thread that resolved it: the main shell, between cells.
        channel.forget(msg["id"])
        shown: Any
        try:
            deferred._result = shown = post(fut.result())
        except BaseException as exc:  # the answer's error goes into the output
            deferred._error = exc
            shown = Failure(exc)
        deferred._done = True
        try:
            update_display(shown if shown is not None else Placeholder(what, f"✓ {what}"),
                           display_id=display_id)
        except Exception:
            log.warning("ggbmagic: could not update the output of %s", what, exc_info=True)

    future.add_done_callback(finish)
    return deferred
