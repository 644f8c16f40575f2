"""The Python API of a GeoGebra panel: ``GeoGebra`` (bound as ``ggb`` by the extension).

Every blocking method works inside a running cell (answers come over the out-of-band
socket, see docs/architecture.md); the ``a``-prefixed twins work with ``await``.

    >>> ggb.command("A = (1, 2)")          # doctest: +SKIP
    >>> ggb.value("Distance(A, (4, 6))")   # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import contextlib
import math
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from . import _active, protocol
from .channel import Channel, ChannelState
from .dispatch import DEFAULT_MAXLEN, MainThreadDispatcher
from .display import (
    CommandResult,
    EventTable,
    ObjectTable,
    PngImage,
    ScriptResult,
    Status,
    SvgImage,
    as_object_list,
)
from .errors import (
    GgbCommandError,
    GgbError,
    GgbTimeoutError,
    GgbValueTypeError,
    NoFrontendError,
    NoPlaceError,
)
from .events import Event, select
from .ggbfile import (
    DEFAULT_MAX_UNPACKED_BYTES,
    atomic_write,
    check_ggb,
    decode_ggb_base64,
    read_ggb,
    save_target,
)
from .inline import InlineOutputs
from .labels import object_count, relabel_note
from .script import ScriptLine, parse_script

# check_ggb and atomic_write live in ggbfile; they stay importable from here.
__all__ = ["GeoGebra", "GgbScriptError", "Settings", "atomic_write", "check_ggb"]

T = TypeVar("T")
Callback = Callable[[Event], Any]
Source = str | Iterable[str] | Iterable[ScriptLine]

_METHOD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

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


class GgbScriptError(GgbCommandError):
    """A script line failed; ``result`` holds the lines that ran (nothing is lost)."""

    def __init__(self, failed: protocol.LineResult, result: ScriptResult) -> None:
        super().__init__(failed["text"], failed["line"], str(failed.get("error") or ""))
        self.result = result


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


def _show_callback_error(callback: Callback, event: Event) -> None:
    name = getattr(callback, "__qualname__", repr(callback))
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is a dependency
        shell = None
    header = f"ggbmagic: the callback {name} failed on {event['type']} event #{event['seq']}:"
    print(header, file=sys.stderr)
    if shell is not None:
        shell.showtraceback()
    else:
        traceback.print_exc()


class GeoGebra:
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

    def _run(self, msg: protocol.Request, post: Callable[[Any], T], timeout: float) -> T:
        self._ready()
        return post(self._channel.request(protocol.with_timeout(msg, timeout), timeout))

    async def _arun(self, msg: protocol.Request, post: Callable[[Any], T], timeout: float) -> T:
        if not (self._channel.state is ChannelState.READY and self._channel.peers):
            await asyncio.to_thread(self._ready)
        else:
            self._check_placement()
        fut = self._channel.submit(protocol.with_timeout(msg, timeout))
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(fut), timeout)
        except (asyncio.TimeoutError, concurrent.futures.TimeoutError):
            raise GgbTimeoutError(f"GeoGebra did not answer within {timeout:g} s.") from None
        finally:
            self._channel.forget(msg["id"])
        return post(result)

    # --- commands ---------------------------------------------------------------------

    def _command_msg(self, text: str) -> protocol.CommandMsg:
        text = text.strip()
        if not text:
            raise ValueError("empty GeoGebra command: write one, e.g. A = (1, 2)")
        if "\n" in text:
            raise ValueError("one command per call: use script() for several lines")
        return protocol.command(text)

    @staticmethod
    def _command_post(text: str) -> Callable[[Any], CommandResult]:
        def post(result: Any) -> CommandResult:
            ok = bool(isinstance(result, dict) and result.get("ok"))
            if not ok:
                detail = result.get("error") if isinstance(result, dict) else None
                raise GgbCommandError(text.strip(), detail=str(detail or ""))
            labels = [str(x) for x in result.get("labels") or []]
            changed = [str(x) for x in result.get("changed") or []]
            return CommandResult(text.strip(), True, labels, as_object_list(result),
                                 changed=changed, note=relabel_note(text, labels) or "")

        return post

    def command(self, text: str, *, timeout: float | None = None) -> CommandResult:
        """Run one GeoGebra command; return the labels it created and their objects.

        Raises :class:`GgbCommandError` if GeoGebra refuses it.

            >>> ggb.command("A = (1, 2)")["A"]["x"]   # doctest: +SKIP
            1.0
        """
        return self._run(self._command_msg(text), self._command_post(text),
                         self._timeout(timeout))

    async def acommand(self, text: str, *, timeout: float | None = None) -> CommandResult:
        """``await`` twin of :meth:`command`."""
        return await self._arun(self._command_msg(text), self._command_post(text),
                                self._timeout(timeout))

    @staticmethod
    def _script_lines(source: Source) -> list[ScriptLine]:
        if isinstance(source, str):
            return parse_script(source)
        lines: list[ScriptLine] = []
        for number, item in enumerate(source, 1):
            if isinstance(item, ScriptLine):
                lines.append(item)
            elif str(item).strip():
                lines.append(ScriptLine(number, str(item).strip()))
        return lines

    def _script_msg(self, lines: list[ScriptLine], stop_on_error: bool) -> protocol.BatchMsg:
        return protocol.batch([{"line": ln.line, "text": ln.text} for ln in lines],
                              stop_on_error=stop_on_error)

    @staticmethod
    def _script_post(lines: list[ScriptLine], check: bool) -> Callable[[Any], ScriptResult]:
        def post(result: Any) -> ScriptResult:
            raw = result.get("results") if isinstance(result, dict) else None
            if not isinstance(raw, list):
                raise GgbError("the browser sent a batch reply without results")
            done: list[protocol.LineResult] = []
            for item in raw:
                if isinstance(item, dict):
                    item.setdefault("labels", [])
                    item["objects"] = as_object_list(item)
                    done.append(cast(protocol.LineResult, item))
            out = ScriptResult(done, total=len(lines))
            if check and out.failed:
                raise GgbScriptError(out.failed[0], out)
            return out

        return post

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
        lines = self._script_lines(source)
        if not lines:
            return ScriptResult([], total=0)
        check = stop_on_error if check is None else check
        return self._run(self._script_msg(lines, stop_on_error), self._script_post(lines, check),
                         self._script_timeout(lines, timeout))

    async def ascript(self, source: Source, *, stop_on_error: bool = True,
                      check: bool | None = None, timeout: float | None = None) -> ScriptResult:
        """``await`` twin of :meth:`script`."""
        lines = self._script_lines(source)
        if not lines:
            return ScriptResult([], total=0)
        check = stop_on_error if check is None else check
        return await self._arun(self._script_msg(lines, stop_on_error),
                                self._script_post(lines, check),
                                self._script_timeout(lines, timeout))

    # --- API calls ----------------------------------------------------------------------

    @staticmethod
    def _call_msg(method: str, args: tuple[Any, ...]) -> protocol.CallMsg:
        if not _METHOD_RE.match(method):
            raise ValueError(f"{method!r} is not a GeoGebra API method name (e.g. 'getValue')")
        expect = None
        if method == "setBase64" and args and isinstance(args[0], str):
            # The browser confirms the load by the object count (setBase64's callback
            # never comes in GeoGebra 5.0.745).
            with contextlib.suppress(ValueError, binascii.Error):
                expect = object_count(base64.b64decode(args[0]))
        return protocol.call(method, list(args), expect_objects=expect)

    def call(self, method: str, *args: Any, timeout: float | None = None) -> Any:
        """Call one Apps API method of the applet and return its result.

            >>> ggb.call("getValueString", "A")   # doctest: +SKIP
            'A = (1, 2)'
        """
        return self._run(self._call_msg(method, args), _identity, self._timeout(timeout))

    async def acall(self, method: str, *args: Any, timeout: float | None = None) -> Any:
        """``await`` twin of :meth:`call`."""
        return await self._arun(self._call_msg(method, args), _identity, self._timeout(timeout))

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
        number = _as_number(self.call("getValue", name))
        if math.isnan(number) or number == 0.0:
            # 0 is also GeoGebra's answer for a missing name, NaN for a point or a text.
            return _judge_value(name, number, str(self.call("getObjectType", name) or ""))
        return number

    async def avalue(self, name: str) -> float:
        """``await`` twin of :meth:`value`."""
        number = _as_number(await self.acall("getValue", name))
        if math.isnan(number) or number == 0.0:
            kind = await self.acall("getObjectType", name)
            return _judge_value(name, number, str(kind or ""))
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
        self.call("newConstruction")

    def xml(self, name: str | None = None) -> str:
        """The construction's XML, or one object's."""
        return str(self.call("getXML", name) if name else self.call("getXML"))

    # --- pictures and files ---------------------------------------------------------------

    def png(self, scale: float = 1.0, transparent: bool = False, *,
            timeout: float | None = None) -> PngImage:
        """A PNG snapshot of the graphics view (displays in the notebook like a figure)."""
        if not scale > 0:
            raise ValueError("scale must be positive, e.g. png(scale=2) for a sharper image")
        # dpi stays undefined: GeoGebra documents that setting it is slow.
        data = self.call("getPNGBase64", float(scale), bool(transparent),
                         timeout=self._timeout(timeout) * 2)
        if not isinstance(data, str) or not data:
            raise GgbError("GeoGebra returned no PNG (is a graphics view visible?)")
        try:
            return PngImage.from_base64(data)
        except (ValueError, binascii.Error) as exc:
            raise GgbError(f"GeoGebra returned an invalid PNG: {exc}") from None

    async def apng(self, scale: float = 1.0, transparent: bool = False) -> PngImage:
        """``await`` twin of :meth:`png`."""
        data = await self.acall("getPNGBase64", float(scale), bool(transparent))
        return PngImage.from_base64(str(data))

    def svg(self, *, timeout: float | None = None) -> SvgImage:
        """An SVG snapshot of the graphics view (not available for 3D views)."""
        data = self.call("exportSVG", timeout=self._timeout(timeout) * 2)
        if not isinstance(data, str) or not data:
            raise GgbError("GeoGebra returned no SVG (3D views cannot be exported as SVG)")
        try:
            return SvgImage(data)
        except ValueError as exc:
            raise GgbError(str(exc)) from None

    def _max_unpacked(self) -> int:
        return int(getattr(self._settings, "max_ggb_unpacked_bytes", DEFAULT_MAX_UNPACKED_BYTES))

    def load(self, path: str | os.PathLike[str], *, timeout: float | None = None) -> None:
        """Replace the construction with a .ggb file. A missing or corrupt file raises
        and leaves the construction as it was."""
        source, data = read_ggb(path, self._max_unpacked())
        encoded = base64.b64encode(data).decode("ascii")
        # The browser answers once the file's objects are in the applet (it counts them:
        # setBase64's callback never comes in GeoGebra 5.0.745), or fails at the timeout.
        msg = protocol.call("setBase64", [encoded], expect_objects=object_count(data))
        try:
            ok = self._run(msg, _identity, self._timeout(timeout) * 4)
        except GgbTimeoutError:
            raise GgbTimeoutError(f"GeoGebra did not finish loading {source} in time; "
                                  "try a longer --timeout") from None
        if ok is False:
            raise GgbError(f"GeoGebra could not open {source}")

    def save(self, path: str | os.PathLike[str], *, timeout: float | None = None) -> Path:
        """Save the construction as a .ggb file. Atomic: a temporary file in the same
        directory is renamed over *path* only once it is complete."""
        target = save_target(path)
        encoded = self.call("getBase64", timeout=self._timeout(timeout) * 4)
        atomic_write(target, decode_ggb_base64(encoded, target, self._max_unpacked()))
        return target

    # --- events -------------------------------------------------------------------------

    @property
    def events(self) -> list[Event]:
        """Recent applet events, oldest first (a copy)."""
        self._main.drain()
        return self._channel.events.snapshot()

    def event_table(self, *, types: Iterable[str] = (), target: str | None = None,
                    tail: int | None = None) -> EventTable:
        """Recent events as a table, filtered by type and target, the last *tail* ones."""
        chosen = select(self.events, types=types, target=target, tail=tail)
        return EventTable(chosen, dropped=self._channel.events.dropped)

    def clear_events(self) -> int:
        """Forget the stored events; return how many there were."""
        return self._channel.events.clear()

    def on(self, event_type: str | None, callback: Callback, *,
           target: str | None = None) -> Callback:
        """Call ``callback(event)`` for each applet event of *event_type* (None: all),
        optionally only for one object. Callbacks run on the kernel's main thread.

            >>> ggb.on("update", lambda e: print(e["target"], e.get("value")), target="P")
            ... # doctest: +SKIP
        """
        if not callable(callback):
            raise TypeError("callback must be callable, e.g. a function taking one event")
        with self._callbacks_lock:
            self._callbacks.append((event_type, target, callback))
        return callback

    def off(self, callback: Callback | None = None, event_type: str | None = None) -> int:
        """Remove callbacks (all, one, or those of one type); return how many."""
        with self._callbacks_lock:
            keep = [c for c in self._callbacks
                    if not ((callback is None or c[2] is callback)
                            and (event_type is None or c[0] == event_type))]
            removed = len(self._callbacks) - len(keep)
            self._callbacks = keep
        return removed

    def _on_events(self, events: list[Event]) -> None:
        # On the socket thread: only match and post, never run user code here.
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
        for event in events:
            for kind, target, callback in callbacks:
                if (kind is None or kind == event["type"]) and (
                        target is None or target == event["target"]):
                    self._main.post(self._invoke, (callback, event))

    @property
    def callbacks_dropped(self) -> int:
        """Callbacks dropped because more were waiting than ``GgbMagics.callback_queue``."""
        return self._main.dropped

    @staticmethod
    def _invoke(job: tuple[Callback, Event]) -> None:
        callback, event = job
        try:
            callback(event)
        except Exception:
            _show_callback_error(callback, event)

    # --- panel ----------------------------------------------------------------------------

    def status(self) -> Status:
        """Connection state, applet version, round-trip time and object count.

        Never waits for a browser: without a ready panel it says why and what to do.
        """
        ch = self._channel
        kernel_id, counters = ch.kernel_id, ch.counters.as_dict()
        if not (ch.state is ChannelState.READY and ch.peers):
            return Status(state=ch.state.value, connected=False, kernel_id=kernel_id,
                          applet=dict(ch.applet), counters=counters,
                          callbacks_dropped=self._main.dropped,
                          message=_STATE_ADVICE.get(ch.state, _STATE_ADVICE[None]))
        start = time.perf_counter()
        info = ch.request(protocol.ping(), self._timeout(None))
        rtt = (time.perf_counter() - start) * 1000
        info = info if isinstance(info, dict) else {}
        applet = dict(ch.applet) | {k: info[k] for k in ("version", "appName") if k in info}
        return Status(state="ready", connected=True, kernel_id=kernel_id, applet=applet,
                      rtt_ms=rtt, objects=info.get("objects"), counters=counters,
                      callbacks_dropped=self._main.dropped)

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


_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_\{[^}]*\}|_[A-Za-z0-9])?'*$")
#: Object types whose getValue is a number (NaN meaning undefined).
_NUMBER_TYPES = frozenset({"numeric", "angle", "angle3d", "boolean", "segment", "segment3d",
                           "polygon", "polygon3d", "triangle", "quadrilateral", "pentagon",
                           "hexagon", "arc", "sector", ""})
_COORD_TYPES = frozenset({"point", "vector", "point3d", "vector3d"})


def _as_number(raw: Any) -> float:
    """getValue's answer as a float; None (an older browser's NaN) is NaN."""
    if raw is None:
        return math.nan
    return float(raw)


def _judge_value(name: str, number: float, kind: str) -> float:
    """What value() gives for getValue's NaN or 0, knowing the object's type ('' if none)."""
    if kind == "" and number == 0.0 and _NAME_RE.match(name.strip()):
        raise GgbError(f"there is no GeoGebra object named {name!r}; "
                       "create it first or check the spelling (names are case-sensitive)")
    if not math.isnan(number) or kind in _NUMBER_TYPES:
        return number
    if kind in _COORD_TYPES:
        raise GgbValueTypeError(name, kind, f"ggb.coords({name!r}) for its coordinates or "
                                            f"ggb.value_string({name!r}) for its text")
    hint = f"ggb.value_string({name!r}) for its text"
    if kind == "function":
        hint += f", or ggb.value({name + '(2)'!r}) for its value at 2"
    raise GgbValueTypeError(name, kind, hint)
