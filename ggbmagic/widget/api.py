"""``GeoGebraWidget``: the Python API of :class:`ggbmagic.applet.GeoGebra`, driving the
applet shown as an anywidget (marimo, VS Code, Colab, JupyterLab, Notebook 7).

Kernel → browser: the widget's custom messages. Browser → kernel: a loopback WebSocket
to this kernel's listener when the page comes from this machine — answers then arrive
while a cell runs, as in the JupyterLab panel — or else the widget's custom messages,
which arrive only between cells (the after-the-cell mode: commands run and show their
result in the widget; a value needed inside the cell raises AfterTheCellError).
"""

from __future__ import annotations

import atexit
import math
import os
import secrets
import time
import uuid
import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from .. import _active, protocol
from ..applet import DefaultSettings, GeoGebra, Settings
from ..channel import ChannelState
from ..display import Status
from ..errors import GgbError, NoFrontendError
from .doctor import WidgetDoctor
from .link import WidgetChannel, WidgetLink
from .model import ESM_PATH, GgbAnyWidget, missing_esm_hint
from .origins import origin_allowed
from .pending import AFTER_THE_CELL, AfterTheCellError, PendingResult

__all__ = ["GeoGebraWidget"]

T = TypeVar("T")

#: A self-hosted GeoGebra (a school's Math Apps Bundle) for every widget of this process,
#: as the JupyterLab settings deployggbUrl / html5Codebase are for the panel.
DEPLOYGGB_VARIABLE = "GGBMAGIC_DEPLOYGGB_URL"
CODEBASE_VARIABLE = "GGBMAGIC_HTML5_CODEBASE"

MODE_LOOPBACK = "loopback"
MODE_AFTER = "after-the-cell"
MODE_NONE = "not connected"

NOT_SHOWN = (
    "The GeoGebra widget has not connected: show it first (end a cell with `ggb`, or in "
    "marimo with `mo.ui.anywidget(ggb.widget)`) and use it from the next cell on. "
    "In marimo a cell's output appears only when the cell has finished."
)


def _runtime_dir() -> str:
    from jupyter_core.paths import jupyter_runtime_dir

    return jupyter_runtime_dir()


class GeoGebraWidget(GeoGebra):
    """A GeoGebra applet as an anywidget, driven by the usual Python API.

        >>> ggb = GeoGebraWidget()          # doctest: +SKIP
        >>> ggb                              # shows it (marimo: mo.ui.anywidget(ggb.widget))
        >>> ggb.command("A = (1, 2)")        # doctest: +SKIP

    *loopback* (default True) opens the kernel's loopback listener so that answers come
    while a cell runs; *allow_origins* adds page origins besides this machine's.
    ``deployggb_url`` / ``html5_codebase`` choose where GeoGebra is loaded from, as the
    JupyterLab settings of the same names do (default: the environment variables
    ``GGBMAGIC_DEPLOYGGB_URL`` / ``GGBMAGIC_HTML5_CODEBASE``; else, in a JupyterLab or
    Notebook 7 page, the bundle its server serves (``jupyter ggbmagic geogebra
    install``); else geogebra.org).
    """

    def __init__(self, *, app_name: str = "classic", width: int = 800, height: int = 480,
                 deployggb_url: str = "", html5_codebase: str = "",
                 show_toolbar: bool = False, show_menubar: bool = False,
                 show_algebra_input: bool = False, loopback: bool = True,
                 allow_origins: Iterable[str] = (), settings: Settings | None = None,
                 drive_magics: bool = True) -> None:
        if not ESM_PATH.is_file():
            raise NoFrontendError(missing_esm_hint())
        widget_id = f"widget-{uuid.uuid4().hex}"
        token = secrets.token_urlsafe(32)
        origins = tuple(allow_origins)
        active = _active.get()
        settings = settings or (active.settings if active is not None else DefaultSettings())
        max_frame: Callable[[], int] = lambda: int(getattr(  # noqa: E731
            settings, "max_frame_bytes", protocol.DEFAULT_MAX_FRAME_BYTES))
        channel = WidgetChannel(kernel_id=widget_id, runtime_dir=_runtime_dir(),
                          send=self._send, hello=self._hello, max_frame_bytes=max_frame,
                          use_tcp=True, token=token,
                          check_origin=lambda origin: origin_allowed(origin, origins))
        if loopback:
            # Listening before the widget exists: its first state (the comm's open
            # message, which the page may act on at once) already holds the port.
            channel.start()
            # Never leave the listener behind, whichever of these comes first.
            atexit.register(channel.stop)
            weakref.finalize(self, channel.stop)
        self.widget = GgbAnyWidget(
            widget_id=widget_id, token=token, loopback_port=int(channel.port or 0),
            config={"appName": app_name, "width": int(width), "height": int(height),
                    "deployggbUrl": deployggb_url or os.environ.get(DEPLOYGGB_VARIABLE, ""),
                    "html5Codebase": html5_codebase or os.environ.get(CODEBASE_VARIABLE, ""),
                    "showToolBar": show_toolbar, "showMenuBar": show_menubar,
                    "showAlgebraInput": show_algebra_input})
        self._link = WidgetLink(channel, token)
        self.widget.on_msg(self._link.on_msg)
        super().__init__(channel, settings=settings)
        if drive_magics:
            self._drive_magics()

    # --- kernel → browser -------------------------------------------------------------

    def _send(self, msg: dict[str, Any]) -> None:
        self.widget.send(msg)

    def _hello(self) -> None:
        ch = self._channel
        self.widget.send(dict(protocol.hello(ch.kernel_id, ch.token, ch.max_frame_bytes)))

    def _drive_magics(self) -> None:
        """In IPython with ``%load_ext ggbmagic``: ``%ggb`` drives this widget from now on."""
        from .. import _extension

        loaded = _extension.current()
        if loaded is not None and loaded.channel is not None:
            loaded.magics.geogebra = self

    # --- modes ------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``"loopback"`` (answers inside a cell), ``"after-the-cell"``, or
        ``"not connected"`` (the widget has not been shown yet)."""
        if self._link.loopback_peers > 0:
            return MODE_LOOPBACK
        if self._link.comm_active:
            return MODE_AFTER
        return MODE_NONE

    def _await_link(self) -> None:
        if self.mode != MODE_NONE:
            return
        try:
            self._ready()  # a loopback socket may still connect while this cell runs
        except NoFrontendError:
            raise NoFrontendError(NOT_SHOWN) from None

    def _run(self, msg: protocol.Request, post: Callable[[Any], T], timeout: float,
             defer: str | None = None) -> T:
        self._await_link()
        if self.mode == MODE_LOOPBACK:
            return super()._run(msg, post, timeout, defer)
        # Not the ladder's placeholder outputs (IPython display ids): marimo has none.
        return self._after_the_cell(msg, post, timeout)

    async def _arun(self, msg: protocol.Request, post: Callable[[Any], T],
                    timeout: float) -> T:
        if self.mode == MODE_AFTER:
            return self._after_the_cell(msg, post, timeout)
        return await super()._arun(msg, post, timeout)

    def _after_the_cell(self, msg: protocol.Request, post: Callable[[Any], T],
                        timeout: float) -> T:
        what = _describe(msg)
        if msg["type"] in ("command", "batch"):
            self._main.drain()
            fut = self._channel.submit(protocol.with_timeout(msg, timeout))
            return cast(T, PendingResult(fut, post, what))
        raise self._not_inside(what)

    @staticmethod
    def _not_inside(what: str) -> AfterTheCellError:
        return AfterTheCellError(
            f"{AFTER_THE_CELL} So {what} cannot be answered inside this cell. Commands "
            "still run (`ggb.command(...)`, their result shows in the widget); for a value, "
            "`ggb.watch(name)` mirrors it into the widget's state, which `ggb.value(name)` "
            "then reads.")

    # --- values mirrored in the widget's state ----------------------------------------

    def watch(self, *names: str) -> None:
        """Mirror these objects' values into the widget's state (``widget.values``):
        read by ``ggb.value`` in the after-the-cell mode, and by marimo's reactivity."""
        current = list(self.widget.watch)
        self.widget.watch = current + [n for n in names if n not in current]

    def value(self, name: str) -> float:
        if self.mode == MODE_AFTER:
            mirrored = self.widget.values.get(name)
            if isinstance(mirrored, dict):
                number = mirrored.get("value")
                return float(number) if isinstance(number, (int, float)) else math.nan
            raise self._not_inside(f"ggb.value({name!r})")
        return super().value(name)

    # --- status, display --------------------------------------------------------------

    def status(self) -> Status:
        if self.mode == MODE_AFTER:
            ch = self._channel
            return Status(state="after-the-cell", connected=True, kernel_id=ch.kernel_id,
                          applet=dict(ch.applet), counters=ch.counters.as_dict(),
                          mode=self.mode, message=AFTER_THE_CELL, path=str(ch.path or ""))
        status = super().status()
        status.mode = self.mode
        return status

    def doctor(self) -> WidgetDoctor:  # type: ignore[override]
        """Which way the widget's answers come back, and why (``%ggb --doctor``)."""
        rtt = None
        if self.mode == MODE_LOOPBACK and self._channel.state is ChannelState.READY:
            try:
                start = time.perf_counter()
                self._channel.request(protocol.ping(), self._timeout(None))
                rtt = (time.perf_counter() - start) * 1000
            except GgbError:
                rtt = None
        return WidgetDoctor(self.mode, int(self.widget.loopback_port),
                            self._channel.kernel_id, rtt)

    def open(self, app_name: str | None = None, placement: str | None = None) -> None:
        """Show the widget in this cell's output (the applet is the same one)."""
        del placement  # a widget is where it is displayed
        if app_name and app_name != self.widget.config.get("appName"):
            raise ValueError("a widget keeps its app: make a new GeoGebraWidget(app_name=...)")
        from IPython.display import display

        show: Any = display
        show(self.widget)

    def close(self) -> None:
        """Stop the loopback listener and close the widget."""
        self._link.drop()
        self._channel.stop()
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _display_(self) -> Any:
        # marimo's display protocol: the widget, as marimo renders anywidgets.
        return self.widget

    def __repr__(self) -> str:
        return f"<GeoGebra widget: {self.mode}, {self._channel.state.value}>"


def _describe(msg: protocol.Request) -> str:
    if msg["type"] == "call":
        return f"{msg['method']}(…)"
    if msg["type"] == "command":
        return str(msg["text"])
    if msg["type"] == "batch":
        return f"a script of {len(msg['lines'])} line(s)"
    return f"a {msg['type']} request"
