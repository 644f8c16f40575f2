"""The Python API of a GeoGebra panel: ``GeoGebra`` (bound as ``ggb`` by the extension).

Every blocking method works inside a running cell (answers come over the out-of-band
socket, see docs/architecture.md); the ``a``-prefixed twins work with ``await``.

    >>> ggb.command("A = (1, 2)")          # doctest: +SKIP
    >>> ggb.value("Distance(A, (4, 6))")   # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from . import _active, protocol
from .applet_events import Callback, EventsAndCallbacks
from .applet_files import PicturesAndFiles
from .channel import Channel, ChannelState
from .dispatch import DEFAULT_MAXLEN, MainThreadDispatcher
from .display import CommandResult, ObjectTable, ScriptResult, Status, as_object_list
from .errors import AfterCellError, GgbError, GgbTimeoutError, NoFrontendError, NoPlaceError
from .ggbfile import atomic_write, check_ggb
from .inline import InlineOutputs
from .replies import (
    GgbScriptError,
    Source,
    call_msg,
    command_msg,
    command_post,
    script_lines,
    script_msg,
    script_post,
)
from .script import ScriptLine
from .transport.aftercell import Deferred, send_after_cell
from .transport.doctor import Doctor, DoctorFacts
from .transport.upcomm import kernel_offers_subshells
from .values import as_number, judge_value

# Names that moved (check_ggb, atomic_write: ggbfile; GgbScriptError: replies) stay
# importable from here.
__all__ = ["Callback", "GeoGebra", "GgbScriptError", "Settings", "atomic_write", "check_ggb"]

#: Tests import it from here (values.judge_value).
_judge_value = judge_value

T = TypeVar("T")

#: Methods of the Apps API, for tab completion on ``ggb.api``; any other name is sent too.
API_METHODS = (
    "evalCommand", "evalCommandGetLabels", "evalCommandCAS", "getValue", "getValueString",
    "getXcoord", "getYcoord", "getZcoord", "exists", "isDefined", "getObjectType",
    "getAllObjectNames", "getObjectNumber", "getObjectName", "getCommandString",
    "getDefinitionString", "getColor", "getVisible", "setCoords", "setValue", "setVisible",
    "setColor", "setLabelVisible", "setFixed", "renameObject", "deleteObject",
    "newConstruction", "reset", "getXML", "setXML", "evalXML", "getBase64", "setBase64",
    "getPNGBase64", "exportSVG", "getVersion", "setSize", "setPerspective",
)


class Settings(Protocol):
    """Where timeouts come from: the magics' traitlets, or :class:`DefaultSettings`."""

    timeout: float
    ready_timeout: float
    connect_timeout: float
    placement: str


@dataclass
class DefaultSettings:
    timeout: float = 5.0
    ready_timeout: float = 30.0
    connect_timeout: float = 10.0
    #: "panel", "inline", or "" for the browser's own setting.
    placement: str = ""


_STATE_ADVICE: dict[ChannelState | None, str] = {
    ChannelState.CLOSED: "The panel was closed: run `%ggb --open` to open it again.",
    ChannelState.FAILED: "GeoGebra could not be loaded: check the network or the "
                         "deployggbUrl / html5Codebase settings, then run `%ggb --open`.",
    ChannelState.CONNECTED: "The panel is connected; GeoGebra is still loading.",
    None: "No GeoGebra panel is connected yet: run a %ggb command or `%ggb --open`.",
}

#: A batch gets the base timeout plus this much per line.
PER_LINE_TIMEOUT = 0.01


class _ApiProxy:
    """``ggb.api.getValue("A")`` calls the applet's API method of that name."""

    def __init__(self, owner: GeoGebra) -> None:
        self._owner = owner

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args: Any, timeout: float | None = None) -> Any:
            return self._owner.call(method, *args, timeout=timeout)

        call.__name__ = method
        call.__doc__ = f"Call the GeoGebra Apps API method {method}(…) and return its result."
        return call

    def __dir__(self) -> list[str]:
        return sorted(API_METHODS)


class GeoGebra(PicturesAndFiles, EventsAndCallbacks):
    """One GeoGebra panel, driven from Python.

    Use the one bound by ``%load_ext ggbmagic`` (``ggb``), or ``GeoGebra()`` after loading
    the extension.

        >>> ggb.command("A = (1, 2)").labels            # doctest: +SKIP
        ['A']
        >>> ggb.script("B = (4, 6)\\nd = Distance(A, B)")  # doctest: +SKIP
        >>> ggb.value("d")                               # doctest: +SKIP
        5.0
    """

    def __init__(self, channel: Channel | None = None, *, settings: Settings | None = None) -> None:
        if channel is None:
            active = _active.get()
            if active is None:
                raise NoFrontendError(
                    "ggbmagic is not connected to a notebook: run `%load_ext ggbmagic` in a "
                    "JupyterLab notebook first (the GeoGebra panel lives in the browser)."
                )
            channel, settings = active.channel, settings or active.settings
        self._channel = channel
        self._settings: Settings = settings or DefaultSettings()
        self._main = MainThreadDispatcher(
            max(1, int(getattr(self._settings, "callback_queue", DEFAULT_MAXLEN))))
        self._callbacks: list[tuple[str | None, str | None, Callback]] = []
        self._callbacks_lock = threading.Lock()
        channel.add_event_sink(self._on_events)
        self.api = _ApiProxy(self)
        #: The applet in cells' outputs (``%ggb --open --inline``), see inline.py.
        self.inline = InlineOutputs(channel.kernel_id, self.call, self._answers_now)
        #: The placement the last `open` asked for; a reloaded page is told it in hello.
        self.placement: str | None = None

    # --- plumbing -----------------------------------------------------------------

    @property
    def channel(self) -> Channel:
        return self._channel

    def _timeout(self, timeout: float | None) -> float:
        return self._settings.timeout if timeout is None else float(timeout)

    def _ready(self) -> None:
        self._main.drain()
        self._channel.wait_ready(self._settings.ready_timeout, self._settings.connect_timeout)
        self._check_placement()

    def _answers_now(self) -> bool:
        return self._channel.state is ChannelState.READY and self._channel.peers > 0

    def _check_placement(self) -> None:
        """Act on where the browser shows the applet: nowhere is an error that says what
        to do; inline without an output to live in gets one in this cell."""
        where = self._channel.placement.get("where")
        if where == "none":
            raise NoPlaceError(str(self._channel.placement.get("message") or ""))
        if where == "inline" and not self._channel.placement.get("hosted"):
            self.inline.show_once()

    def _run(self, msg: protocol.Request, post: Callable[[Any], T], timeout: float,
             defer: str | None = None) -> T:
        """Send *msg*, wait for its answer, return ``post(answer)``.

        On the after-cell path (transport/aftercell.py) a request named by *defer* is
        sent and answered into a placeholder output after the cell (a
        :class:`Deferred` is returned); any other raises :class:`AfterCellError` at once.
        """
        self._ready()
        if not self._channel.answers_during_cell():
            self._after_cell_only(defer or _what(msg))
            return cast(T, send_after_cell(self._channel, protocol.with_timeout(msg, timeout),
                                           post, cast(str, defer)))
        return post(self._channel.request(protocol.with_timeout(msg, timeout), timeout))

    def _after_cell_only(self, what: str, deferrable: bool = True) -> None:
        """Raise :class:`AfterCellError` unless *what* may be answered after the cell."""
        if not deferrable or what.startswith("ggb."):
            raise AfterCellError(what, self._channel.ladder_summary())

    async def _arun(self, msg: protocol.Request, post: Callable[[Any], T], timeout: float) -> T:
        if not (self._channel.state is ChannelState.READY and self._channel.peers):
            await asyncio.to_thread(self._ready)
        else:
            self._check_placement()
        if not self._channel.answers_during_cell():
            # Awaiting does not end the cell: the answer could never come in time.
            raise AfterCellError(f"await ggb.{_what(msg)}", self._channel.ladder_summary())
        fut = self._channel.submit(protocol.with_timeout(msg, timeout))
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(fut), timeout)
        except (asyncio.TimeoutError, concurrent.futures.TimeoutError):
            raise GgbTimeoutError(f"GeoGebra did not answer within {timeout:g} s.") from None
        finally:
            self._channel.forget(msg["id"])
        return post(result)

    # --- commands ---------------------------------------------------------------------

    def command(self, text: str, *, timeout: float | None = None) -> CommandResult:
        """Run one GeoGebra command; return the labels it created and their objects.

        Raises :class:`GgbCommandError` if GeoGebra refuses it.

            >>> ggb.command("A = (1, 2)")["A"]["x"]   # doctest: +SKIP
            1.0
        """
        return self._run(command_msg(text), command_post(text),
                         self._timeout(timeout), defer="command")

    async def acommand(self, text: str, *, timeout: float | None = None) -> CommandResult:
        """``await`` twin of :meth:`command`."""
        return await self._arun(command_msg(text), command_post(text),
                                self._timeout(timeout))

    def _script_timeout(self, lines: list[ScriptLine], timeout: float | None) -> float:
        return self._timeout(timeout) + PER_LINE_TIMEOUT * len(lines)

    def script(self, source: Source, *, stop_on_error: bool = True,
               check: bool | None = None, timeout: float | None = None) -> ScriptResult:
        """Run a GeoGebra script (one command a line, ``#`` comments) in one round trip.

        With ``stop_on_error`` (default) it stops at the first failing line and raises
        :class:`GgbScriptError` naming it; its ``result`` holds the lines that ran. With
        ``stop_on_error=False`` every line runs and failures show in the result.

            >>> ggb.script("B = (4, 6)\\nd = Distance(A, B)").labels   # doctest: +SKIP
            ['B', 'd']
        """
        lines = script_lines(source)
        if not lines:
            return ScriptResult([], total=0)
        check = stop_on_error if check is None else check
        return self._run(script_msg(lines, stop_on_error), script_post(lines, check),
                         self._script_timeout(lines, timeout), defer="script")

    async def ascript(self, source: Source, *, stop_on_error: bool = True,
                      check: bool | None = None, timeout: float | None = None) -> ScriptResult:
        """``await`` twin of :meth:`script`."""
        lines = script_lines(source)
        if not lines:
            return ScriptResult([], total=0)
        check = stop_on_error if check is None else check
        return await self._arun(script_msg(lines, stop_on_error),
                                script_post(lines, check),
                                self._script_timeout(lines, timeout))

    # --- API calls ----------------------------------------------------------------------

    def call(self, method: str, *args: Any, timeout: float | None = None) -> Any:
        """Call one Apps API method of the applet and return its result.

            >>> ggb.call("getValueString", "A")   # doctest: +SKIP
            'A = (1, 2)'
        """
        return self._run(call_msg(method, args), _identity, self._timeout(timeout),
                         defer=f"ggb.call({method!r})")

    async def acall(self, method: str, *args: Any, timeout: float | None = None) -> Any:
        """``await`` twin of :meth:`call`."""
        return await self._arun(call_msg(method, args), _identity, self._timeout(timeout))

    def exists(self, name: str) -> bool:
        """Whether an object called *name* exists."""
        return bool(self.call("exists", name))

    def _require(self, name: str) -> None:
        if not self.exists(name):
            raise GgbError(f"there is no GeoGebra object named {name!r}; "
                           "create it first or check the spelling (names are case-sensitive)")

    def value(self, name: str) -> float:
        """The numeric value of *name* or of an expression (1.0/0.0 for booleans); ``nan``
        for an undefined number, ``inf``/``-inf`` for infinite ones.

        Raises :class:`GgbError` if *name* does not exist, and
        :class:`GgbValueTypeError` for an object that has no number (a point: use
        :meth:`coords`; a text or list: :meth:`value_string`).

            >>> ggb.value("d")   # doctest: +SKIP
            5.0
        """
        self._ready()
        if not self._channel.answers_during_cell():
            raise AfterCellError(f"ggb.value({name!r})", self._channel.ladder_summary())
        number = as_number(self.call("getValue", name))
        if math.isnan(number) or number == 0.0:
            # 0 is also GeoGebra's answer for a missing name, NaN for a point or a text.
            return judge_value(name, number, str(self.call("getObjectType", name) or ""))
        return number

    async def avalue(self, name: str) -> float:
        """``await`` twin of :meth:`value`."""
        number = as_number(await self.acall("getValue", name))
        if math.isnan(number) or number == 0.0:
            kind = await self.acall("getObjectType", name)
            return judge_value(name, number, str(kind or ""))
        return number

    def value_string(self, name: str) -> str:
        """GeoGebra's text for *name*, e.g. ``"A = (1, 2)"``."""
        self._require(name)
        return str(self.call("getValueString", name))

    def coords(self, name: str) -> tuple[float, float]:
        """The (x, y) coordinates of the point or vector *name*."""
        self._require(name)
        return (float(self.call("getXcoord", name)), float(self.call("getYcoord", name)))

    def _snapshot_post(self, result: Any) -> ObjectTable:
        return ObjectTable(as_object_list(result))

    def objects(self) -> ObjectTable:
        """Every object as a table (name, type, definition, value, coordinates).

        ``ggb.objects().to_pandas()`` gives a DataFrame for analysis or grading.
        """
        return self._run(protocol.snapshot(), self._snapshot_post, self._timeout(None))

    async def aobjects(self) -> ObjectTable:
        """``await`` twin of :meth:`objects`."""
        return await self._arun(protocol.snapshot(), self._snapshot_post, self._timeout(None))

    def delete(self, name: str) -> None:
        """Delete *name* (and the objects that depend on it)."""
        self._require(name)
        self.call("deleteObject", name)

    def clear(self) -> None:
        """Start an empty construction."""
        self._run(call_msg("newConstruction", ()), _identity, self._timeout(None),
                  defer="clear")

    def xml(self, name: str | None = None) -> str:
        """The construction's XML, or one object's."""
        return str(self.call("getXML", name) if name else self.call("getXML"))

    # --- pictures and files (applet_files.py), events and callbacks (applet_events.py) ---

    # --- panel ----------------------------------------------------------------------------

    def status(self) -> Status:
        """Connection state, applet version, round-trip time and object count.

        Never waits for a browser: without a ready panel it says why and what to do.
        """
        ch = self._channel
        kernel_id, counters = ch.kernel_id, ch.counters.as_dict()
        path = ch.path.value if ch.path else ""
        if not (ch.state is ChannelState.READY and ch.peers) or not ch.answers_during_cell():
            advice = _STATE_ADVICE.get(ch.state, _STATE_ADVICE[None])
            if ch.peers and not ch.answers_during_cell():
                advice = ("The panel answers only after each cell (after-cell path): "
                          "`%ggb --doctor` says why and what to do.")
            return Status(state=ch.state.value, connected=False, kernel_id=kernel_id,
                          applet=dict(ch.applet), counters=counters,
                          callbacks_dropped=self._main.dropped, message=advice, path=path)
        start = time.perf_counter()
        info = ch.request(protocol.ping(), self._timeout(None))
        rtt = (time.perf_counter() - start) * 1000
        info = info if isinstance(info, dict) else {}
        applet = dict(ch.applet) | {k: info[k] for k in ("version", "appName") if k in info}
        return Status(state="ready", connected=True, kernel_id=kernel_id, applet=applet,
                      rtt_ms=rtt, objects=info.get("objects"), counters=counters,
                      callbacks_dropped=self._main.dropped, path=path)

    def doctor(self) -> Doctor:
        """Which path the panel answers on, why not the others, the round trip, and what
        to do about each missing piece (``%ggb --doctor``). Never waits for a browser."""
        ch = self._channel
        rtt = None
        if ch.state is ChannelState.READY and ch.answers_during_cell():
            try:
                start = time.perf_counter()
                ch.request(protocol.ping(), self._timeout(None))
                rtt = (time.perf_counter() - start) * 1000
            except GgbError:
                rtt = None
        return Doctor(DoctorFacts(
            path=ch.path, kernel_subshells=kernel_offers_subshells(_kernel()),
            ipykernel=_ipykernel_version(), browser=dict(ch.ladder), rtt_ms=rtt,
            relay_listening=ch.running), kernel_id=ch.kernel_id)

    def open(self, app_name: str | None = None, placement: str | None = None) -> None:
        """Open (or reveal) the GeoGebra applet; *app_name* switches app (e.g. 'geometry').

        *placement* is ``"panel"`` (beside the notebook) or ``"inline"`` (in this cell's
        output); by default ``GgbMagics.placement``, else the browser's own setting. The
        construction stays the same wherever it is shown.

            >>> ggb.open(placement="inline")   # doctest: +SKIP
        """
        where = placement or self._settings.placement or None
        if where is not None and where not in protocol.PLACEMENTS:
            raise ValueError(f"placement must be 'panel' or 'inline', not {where!r}")
        app: protocol.AppOptions = {"appName": app_name} if app_name else {}
        self.placement = where
        self._channel.reopen()
        self._channel.placement = {}  # the browser says anew where the applet went
        if app_name and self._channel.applet.get("appName") != app_name:
            # Before sending: the rebuilt applet's `ready` must not race our wait.
            self._channel.mark_rebuilding()
        self._channel.notify(dict(protocol.open_panel(
            app, cast(protocol.Placement, where) if where else None)))
        if where == "inline":
            # After `open`, in the same IOPub order: the browser moves the applet into it.
            self.inline.show()
        self._ready()

    def __repr__(self) -> str:
        ch = self._channel
        return f"<GeoGebra panel: {ch.state.value}, kernel {ch.kernel_id}>"


def _identity(value: Any) -> Any:
    return value


def _kernel() -> Any:
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None)


def _ipykernel_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ipykernel")
    except PackageNotFoundError:
        return "not installed"


def _what(msg: protocol.Request) -> str:
    """How a request is named in the after-cell error (``ggb.value`` and friends)."""
    if msg["type"] == "call":
        return f"ggb.call({msg.get('method')!r})"
    return f"ggb.{msg['type']}"


__all__ += ["Deferred"]
