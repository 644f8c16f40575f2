"""The ggbmagic wire protocol, version 1 (see docs/protocol.md). Pure: no I/O.

(Over 400 lines on purpose: it is the one list of message types with their builders and
the one decoder that checks them, the twin of frontend/src/protocol.ts; a message change
stays a change to one file on each side.)

Messages are JSON objects with a version ``v`` and a ``type``. This module builds the
kernel's messages and checks the browser's, turning any malformed frame into a
:class:`ProtocolError` with a code from docs/protocol.md.

>>> msg = command("A = (1, 2)", request_id="r1")
>>> msg["type"], msg["v"]
('command', 1)
>>> decode(encode({"v": 1, "type": "ready", "applet": {"version": "5"}}))["type"]
'ready'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import reprlib
import sys
import uuid
from typing import Any, Literal, TypedDict, cast

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # pragma: no cover - Python 3.10
    from typing_extensions import NotRequired

__all__ = [
    "BROWSER_TYPES",
    "DEFAULT_MAX_FRAME_BYTES",
    "PLACEMENTS",
    "PRE_HELLO_MAX_FRAME_BYTES",
    "PROTOCOL_VERSION",
    "RELAY_CHALLENGE_HEADER",
    "RELAY_PROOF_HEADER",
    "TARGET_NAME",
    "BatchLine",
    "CommandResult",
    "EventItem",
    "LineResult",
    "ObjectInfo",
    "ProtocolError",
    "batch",
    "call",
    "command",
    "decode",
    "encode",
    "encode_floats",
    "error",
    "hello",
    "new_id",
    "open_panel",
    "ping",
    "pong",
    "relay_proof",
    "short",
    "snapshot",
    "welcome",
    "with_timeout",
]

PROTOCOL_VERSION = 1
TARGET_NAME = "ggbmagic"
DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
#: Until a connection has sent a valid hello, its frames may be this large and no larger
#: (a hello is ~120 bytes): an unauthenticated peer cannot make the kernel buffer more.
PRE_HELLO_MAX_FRAME_BYTES = 4096
#: The relay sends a random challenge in this header of its WebSocket handshake with the
#: kernel's listener; the listener answers with :func:`relay_proof` in the other one, so
#: the relay knows it reached this kernel's ggbmagic and not another program on the port.
RELAY_CHALLENGE_HEADER = "X-Ggbmagic-Challenge"
RELAY_PROOF_HEADER = "X-Ggbmagic-Proof"
#: How much of a received value an error message or a log line may quote.
QUOTE_CHARS = 80
#: Longest integer literal accepted: JavaScript prints larger numbers in e-notation.
_MAX_INT_DIGITS = 21
# A \uD800-\uDFFF escape: the only way a lone surrogate gets into a text frame (the
# frame itself is valid UTF-8, which cannot encode one). Pairs are fine and rare.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_REPR = reprlib.Repr()  # attributes, not arguments: Python 3.10 has no keyword form
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple = 3, 4, 4, 4
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = QUOTE_CHARS
_SURROGATE = re.compile("[\ud800-\udfff]")

ErrorCode = Literal["frame_too_large", "malformed", "bad_version", "unknown_type"]


class ProtocolError(ValueError):
    """A frame that breaks the protocol; ``code`` is one of the documented error codes."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


# --- shared shapes ------------------------------------------------------------------


class ObjectInfo(TypedDict):
    name: str
    type: str
    value: str
    definition: str
    command: str
    defined: bool
    visible: bool
    x: NotRequired[float]
    y: NotRequired[float]
    z: NotRequired[float]
    number: NotRequired[float]


class CommandResult(TypedDict):
    ok: bool
    labels: list[str]
    objects: list[ObjectInfo]
    error: NotRequired[str]
    changed: NotRequired[list[str]]


class LineResult(CommandResult):
    line: int
    text: str


class BatchLine(TypedDict):
    line: int
    text: str


class EventItem(TypedDict):
    type: str
    target: str | None
    argument: Any
    time: float
    value: NotRequired[str]
    targets: NotRequired[list[str]]
    fields: NotRequired[dict[str, Any]]


# --- kernel -> browser (comm data) ----------------------------------------------------


class AppOptions(TypedDict, total=False):
    appName: str
    width: int
    height: int
    showToolBar: bool
    showMenuBar: bool
    showAlgebraInput: bool


#: Where the applet is shown: beside the notebook, or in a cell's output.
Placement = Literal["panel", "inline"]
PLACEMENTS: tuple[str, ...] = ("panel", "inline")


class HelloMsg(TypedDict):
    v: int
    type: Literal["hello"]
    kernel_id: str
    token: str
    max_frame_bytes: int
    app: NotRequired[AppOptions]
    placement: NotRequired[Placement]
    restore: NotRequired[str]


class CommandMsg(TypedDict):
    v: int
    type: Literal["command"]
    id: str
    text: str
    timeout_ms: NotRequired[int]


class BatchMsg(TypedDict):
    v: int
    type: Literal["batch"]
    id: str
    stop_on_error: bool
    lines: list[BatchLine]
    timeout_ms: NotRequired[int]


class CallMsg(TypedDict):
    v: int
    type: Literal["call"]
    id: str
    method: str
    args: list[Any]
    timeout_ms: NotRequired[int]
    expect_objects: NotRequired[int]


class SnapshotMsg(TypedDict):
    v: int
    type: Literal["snapshot"]
    id: str
    timeout_ms: NotRequired[int]


class PingMsg(TypedDict):
    v: int
    type: Literal["ping"]
    id: str
    timeout_ms: NotRequired[int]


class OpenMsg(TypedDict):
    v: int
    type: Literal["open"]
    app: AppOptions
    placement: NotRequired[Placement]


Request = CommandMsg | BatchMsg | CallMsg | SnapshotMsg | PingMsg
KernelToBrowser = HelloMsg | Request | OpenMsg


# --- browser -> kernel (OOB frames) ----------------------------------------------------


class ClientHelloMsg(TypedDict):
    v: int
    type: Literal["hello"]
    token: str
    client: NotRequired[str]


class ReadyMsg(TypedDict):
    v: int
    type: Literal["ready"]
    applet: dict[str, Any]


class LoadFailedMsg(TypedDict):
    v: int
    type: Literal["load_failed"]
    url: str
    message: str


class ClosedMsg(TypedDict):
    v: int
    type: Literal["closed"]
    reason: str


class PlacementMsg(TypedDict):
    v: int
    type: Literal["placement"]
    where: Literal["panel", "inline", "none"]
    hosted: bool
    message: NotRequired[str]


class ReplyMsg(TypedDict):
    v: int
    type: Literal["reply"]
    id: str
    ok: bool
    result: NotRequired[Any]
    error: NotRequired[str]


class EventMsg(TypedDict):
    v: int
    type: Literal["event"]
    events: list[EventItem]


class HeartbeatMsg(TypedDict):
    v: int
    type: Literal["heartbeat"]
    time: float


class LadderMsg(TypedDict):
    """The browser's view of the transport ladder (docs/protocol.md, "The ladder")."""

    v: int
    type: Literal["ladder"]
    #: The path this page answers on: relay, subshell, loopback or after-cell.
    path: str
    #: On the relay: the page takes requests on the socket too.
    requests: NotRequired[bool]
    #: Why the relay is not used ("" when it is), e.g. "HTTP 503: … no local connection file".
    relay: NotRequired[str]
    #: The kernel connection's commsOverSubshells setting, and whether the kernel offers them.
    comms_over_subshells: NotRequired[str]
    supports_subshells: NotRequired[bool]


class ErrorMsg(TypedDict):
    v: int
    type: Literal["error"]
    code: str
    message: str


BrowserToKernel = (
    ClientHelloMsg | ReadyMsg | LoadFailedMsg | ClosedMsg | ReplyMsg | EventMsg
    | HeartbeatMsg | ErrorMsg | PlacementMsg | LadderMsg
)

# The fields each browser message must carry, with their JSON types.
_REQUIRED: dict[str, dict[str, tuple[type, ...]]] = {
    "hello": {"token": (str,)},
    "ready": {"applet": (dict,)},
    "load_failed": {"url": (str,), "message": (str,)},
    "closed": {"reason": (str,)},
    "placement": {"where": (str,), "hosted": (bool,)},
    "reply": {"id": (str,), "ok": (bool,)},
    "event": {"events": (list,)},
    "heartbeat": {"time": (int, float)},
    "error": {"code": (str,), "message": (str,)},
    "ladder": {"path": (str,)},
}
BROWSER_TYPES = frozenset(_REQUIRED)


def new_id() -> str:
    """A fresh request id (uuid4, as text)."""
    return str(uuid.uuid4())


#: Key of the object standing for NaN / Infinity / -Infinity, which JSON cannot carry.
FLOAT_KEY = "$float"
_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def encode(message: dict[str, Any] | KernelToBrowser | ErrorMsg) -> str:
    """One JSON text frame; compact, and NaN refused (JavaScript's JSON.parse rejects it)."""
    return json.dumps(message, separators=(",", ":"), allow_nan=False)


def short(value: Any, limit: int = QUOTE_CHARS) -> str:
    """``repr(value)``, cut to *limit* characters: what a log line or error may quote.

    >>> short("x" * 1000)[:5], len(short("x" * 1000))
    ("'xxxx", 80)
    >>> short(chr(0xD800)) == repr(chr(0xD800))
    True
    """
    # reprlib: a huge list or dict is never repr()-ed in full just to be cut.
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _float_hook(obj: dict[str, Any]) -> Any:
    # {"$float": "nan"} is how the browser sends NaN/±Infinity (docs/protocol.md, Numbers).
    if len(obj) == 1 and FLOAT_KEY in obj:
        value = _FLOATS.get(obj[FLOAT_KEY]) if isinstance(obj[FLOAT_KEY], str) else None
        if value is not None:
            return value
    return obj


def encode_floats(value: Any) -> Any:
    """*value* with every NaN/±Infinity replaced by its ``{"$float": …}`` marker."""
    if isinstance(value, float) and not math.isfinite(value):
        return {FLOAT_KEY: "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, list | tuple):
        return [encode_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_floats(v) for k, v in value.items()}
    return value


def with_timeout(msg: Request, seconds: float) -> Request:
    """Tell the browser how long the kernel waits, so it never runs the request later.

    A little less than the kernel's own wait (10 %, at most 250 ms): a browser that gives
    up says why (e.g. "did not finish loading the file") before the kernel's plain timeout.
    """
    ms = int(seconds * 1000)
    msg["timeout_ms"] = max(1, ms - min(250, ms // 10))
    return msg


def decode(frame: str | bytes, max_bytes: int = DEFAULT_MAX_FRAME_BYTES,
           limit_name: str = "GgbMagics.max_frame_bytes") -> BrowserToKernel:
    """Check one frame from the browser and return it as a typed message.

    Raises :class:`ProtocolError` for a frame over *max_bytes*, one that is not a JSON
    object (or nests too deep, holds a non-finite or huge number or a lone surrogate),
    has another protocol version, an unknown type or misses a field. Messages quote at
    most :data:`QUOTE_CHARS` characters of what was received.
    """
    size = len(frame.encode("utf-8", "surrogatepass")) if isinstance(frame, str) else len(frame)
    if size > max_bytes:
        raise ProtocolError(
            "frame_too_large",
            f"frame of {size} bytes refused: the limit is {max_bytes} bytes ({limit_name})",
        )
    try:
        text = frame if isinstance(frame, str) else frame.decode("utf-8")
        # Literal non-finite numbers are refused; the browser's {"$float": …} markers
        # (docs/protocol.md, Numbers) are the one way NaN/±Infinity arrive.
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                          parse_int=_bounded_int, object_hook=_float_hook)
    except RecursionError:
        raise ProtocolError("malformed", "frame nests too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("malformed", f"frame is not JSON: {str(exc)[:QUOTE_CHARS]}") from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(data):
        raise ProtocolError("malformed", "frame holds a lone UTF-16 surrogate (\\ud800-\\udfff)")
    if not isinstance(data, dict):
        raise ProtocolError("malformed", "frame is not a JSON object")
    version = data.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise ProtocolError(
            "bad_version",
            f"protocol version {short(version)} is not supported; this kernel speaks "
            f"version {PROTOCOL_VERSION}. Reload the browser page after upgrading ggbmagic.",
        )
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in _REQUIRED:
        raise ProtocolError("unknown_type", f"unknown message type {short(kind)}")
    for field, types in _REQUIRED[kind].items():
        value = data.get(field)
        # bool is an int in Python; a version or time must not be a bool.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ProtocolError("malformed", f"{kind!r} message needs field {field!r}")
    if kind == "placement" and data["where"] not in ("panel", "inline", "none"):
        raise ProtocolError("malformed", "'placement' needs where = panel, inline or none")
    if kind == "event":
        # The whole batch is checked before any of it is stored (docs/protocol.md).
        for index, item in enumerate(data["events"]):
            problem = _event_problem(item)
            if problem:
                raise ProtocolError("malformed", f"event #{index} of the batch {problem}; "
                                                 "no event of this batch was stored")
    return cast(BrowserToKernel, data)


def _event_problem(item: Any) -> str:
    """What is wrong with one event item, or "" (pure; see the event table in the docs)."""
    if not isinstance(item, dict):
        return "is not an object with a string 'type'"
    if not isinstance(item.get("type"), str):
        return "needs a string 'type'"
    target = item.get("target")
    if target is not None and not isinstance(target, str):
        return "has a 'target' that is neither a string nor null"
    time = item.get("time")
    if time is not None and (not isinstance(time, (int, float)) or isinstance(time, bool)
                             or not math.isfinite(time)):
        return "has a 'time' that is not a finite number"
    return ""


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN/Infinity, which are not JSON and which encode() refuses.
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    # 1e400 parses as inf, which encode() (a pong, a stored event) would then refuse.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:QUOTE_CHARS]} is out of range")
    return value


def _bounded_int(text: str) -> int:
    # Python would build (slowly) an int of thousands of digits; JSON from a browser
    # never has more than 21 (larger numbers print in e-notation).
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise ValueError(f"integer of {len(text)} digits is out of range")
    return int(text)


def _has_lone_surrogate(data: Any) -> bool:
    # Iterative: the data may nest as deep as json allowed.
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def relay_proof(key: bytes, kernel_id: str, challenge: str) -> str:
    """The listener's answer to the relay's challenge: HMAC-SHA256 with the kernel's
    connection key (``Session.key``), which only the kernel and its server know.

    >>> proof = relay_proof(b"key", "kid", "challenge")
    >>> proof == relay_proof(b"key", "kid", "challenge") != relay_proof(b"x", "kid", "challenge")
    True
    """
    message = b"ggbmagic-relay-proof\0" + kernel_id.encode() + b"\0" + challenge.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _base(kind: str) -> dict[str, Any]:
    return {"v": PROTOCOL_VERSION, "type": kind}


def hello(kernel_id: str, token: str, max_frame_bytes: int,
          app: AppOptions | None = None, *, placement: Placement | None = None,
          restore: str | None = None) -> HelloMsg:
    """The comm_open data: what the browser needs to connect back.

    *placement* overrides the browser's default place for the applet; *restore* is the
    construction (base64 .ggb) a freshly built applet starts from (after a page reload).
    """
    msg = cast(HelloMsg, _base("hello") | {
        "kernel_id": kernel_id, "token": token, "max_frame_bytes": max_frame_bytes,
    })
    if app:
        msg["app"] = app
    if placement:
        msg["placement"] = placement
    if restore:
        msg["restore"] = restore
    return msg


def command(text: str, request_id: str | None = None) -> CommandMsg:
    """One GeoGebra command."""
    return cast(CommandMsg, _base("command") | {"id": request_id or new_id(), "text": text})


def batch(lines: list[BatchLine], stop_on_error: bool = True,
          request_id: str | None = None) -> BatchMsg:
    """A whole script in one round trip; ``line`` numbers are echoed back."""
    return cast(BatchMsg, _base("batch") | {
        "id": request_id or new_id(), "stop_on_error": stop_on_error, "lines": lines,
    })


def call(method: str, args: list[Any], request_id: str | None = None,
         expect_objects: int | None = None) -> CallMsg:
    """One method of the applet's API object. *expect_objects* (setBase64 only): how many
    objects the file holds, so the browser can confirm it loaded."""
    # JSON has no NaN: ggb.call("setValue", "a", float("nan")) travels as a marker.
    msg = cast(CallMsg, _base("call") | {
        "id": request_id or new_id(), "method": method, "args": encode_floats(args),
    })
    if expect_objects is not None:
        msg["expect_objects"] = expect_objects
    return msg


def snapshot(request_id: str | None = None) -> SnapshotMsg:
    """Ask for every object's description."""
    return cast(SnapshotMsg, _base("snapshot") | {"id": request_id or new_id()})


def ping(request_id: str | None = None) -> PingMsg:
    """Ask for applet version and object count (status and round-trip time)."""
    return cast(PingMsg, _base("ping") | {"id": request_id or new_id()})


def open_panel(app: AppOptions | None = None,
               placement: Placement | None = None) -> OpenMsg:
    """Open or reveal the applet (in the panel, or inline in a cell's output with
    ``placement="inline"``); a different appName rebuilds the applet."""
    msg = cast(OpenMsg, _base("open") | {"app": app or {}})
    if placement:
        msg["placement"] = placement
    return msg


def welcome(kernel_id: str, max_frame_bytes: int) -> dict[str, Any]:
    """The kernel's answer to a good client hello."""
    return _base("welcome") | {"kernel_id": kernel_id, "max_frame_bytes": max_frame_bytes}


def pong(time: float) -> dict[str, Any]:
    """The kernel's answer to a heartbeat."""
    return _base("pong") | {"time": time}


def error(code: ErrorCode, message: str) -> ErrorMsg:
    """An error frame the kernel sends back on the OOB socket."""
    return cast(ErrorMsg, _base("error") | {"code": code, "message": message})
