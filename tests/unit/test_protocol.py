"""Tables of cases for ggbmagic.protocol: decode (every error code), encode, the builders."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

import pytest

from ggbmagic import protocol
from ggbmagic.protocol import (
    BROWSER_TYPES,
    DEFAULT_MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    ProtocolError,
    decode,
    encode,
)


def frame(**fields: Any) -> str:
    """A version-1 frame with *fields* (``type`` first, as the browser writes it)."""
    return json.dumps({"v": 1, **fields})


# ------------------------------------------------------------------- decode: accepted

# One well-formed example of every browser -> kernel message in docs/protocol.md.
VALID_FRAMES: list[tuple[str, dict[str, Any]]] = [
    ("hello", {"type": "hello", "token": "t" * 43, "client": "ggbmagic-jupyterlab/0.1.0"}),
    ("hello", {"type": "hello", "token": "abc"}),
    ("ready", {"type": "ready", "applet": {"version": "5.2.870.0", "appName": "classic"}}),
    ("ready", {"type": "ready", "applet": {}}),
    ("load_failed", {"type": "load_failed", "url": "https://www.geogebra.org/apps/deployggb.js",
                     "message": "deployggb.js could not be loaded (offline or blocked?)"}),
    ("closed", {"type": "closed", "reason": "panel closed"}),
    ("placement", {"type": "placement", "where": "inline", "hosted": True}),
    ("placement", {"type": "placement", "where": "none", "hosted": False,
                   "message": "Notebook 7 without a right side area"}),
    ("reply", {"type": "reply", "id": "r1", "ok": True, "result": {}}),
    ("reply", {"type": "reply", "id": "r2", "ok": False, "error": "getFoo is not a method"}),
    ("reply", {"type": "reply", "id": "r3", "ok": True}),
    ("event", {"type": "event", "events": []}),
    ("event", {"type": "event", "events": [
        {"type": "add", "target": "A", "argument": None, "time": 1764000000123.5},
        {"type": "update", "target": "A", "argument": None, "time": 1764000000140.0,
         "value": "A = (2, 3)"},
        {"type": "rename", "target": "P", "argument": "A", "time": 1764000000150.0},
        {"type": "dragEnd", "target": "A", "argument": None, "time": 1764000000155.0},
    ]}),
    ("heartbeat", {"type": "heartbeat", "time": 1764000000000.0}),
    ("heartbeat", {"type": "heartbeat", "time": 1764000000000}),
    ("error", {"type": "error", "code": "malformed", "message": "bad frame"}),
    ("ladder", {"type": "ladder", "path": "subshell", "relay": "HTTP 503",
                "comms_over_subshells": "perCommTarget", "supports_subshells": True}),
]


@pytest.mark.parametrize(("kind", "fields"), VALID_FRAMES,
                         ids=[f"{k}-{i}" for i, (k, _) in enumerate(VALID_FRAMES)])
def test_decode_accepts_every_browser_message(kind: str, fields: dict[str, Any]) -> None:
    text = frame(**fields)
    msg = decode(text)
    assert msg["type"] == kind
    assert msg == json.loads(text)


def test_every_browser_type_has_a_valid_example() -> None:
    assert {kind for kind, _ in VALID_FRAMES} == BROWSER_TYPES


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_decode_accepts_str_and_utf8_bytes(as_bytes: bool) -> None:
    text = frame(type="closed", reason="fermé ✗")
    msg = decode(text.encode("utf-8") if as_bytes else text)
    assert msg == {"v": 1, "type": "closed", "reason": "fermé ✗"}


# ------------------------------------------------------------------- decode: refused

ERROR_CASES: list[tuple[str, str | bytes, str, list[str]]] = [
    # (id, frame, code, substrings the message must contain)
    ("not json", "{nope", "malformed", ["not JSON"]),
    ("empty frame", "", "malformed", ["not JSON"]),
    ("invalid utf-8", b'{"v": 1, "type": "\xff"}', "malformed", ["not JSON"]),
    ("NaN is not JSON", '{"v": 1, "type": "heartbeat", "time": NaN}', "malformed", []),
    ("Infinity is not JSON", '{"v": 1, "type": "heartbeat", "time": Infinity}',
     "malformed", []),
    ("array", "[1, 2]", "malformed", ["not a JSON object"]),
    ("string", '"hello"', "malformed", ["not a JSON object"]),
    ("number", "1", "malformed", ["not a JSON object"]),
    ("null", "null", "malformed", ["not a JSON object"]),
    ("missing version", '{"type": "ready", "applet": {}}', "bad_version", ["None", "1"]),
    ("version 2", frame(type="ready", applet={}).replace('"v": 1', '"v": 2'),
     "bad_version", ["2", "version 1", "Reload"]),
    ("version as string", '{"v": "1", "type": "ready", "applet": {}}', "bad_version",
     ["'1'", "version 1"]),
    ("version true", '{"v": true, "type": "ready", "applet": {}}', "bad_version",
     ["True", "version 1"]),
    ("missing type", frame(applet={}), "unknown_type", ["None"]),
    ("type not a string", frame(type=3), "unknown_type", ["3"]),
    ("unknown type", frame(type="welcome"), "unknown_type", ["'welcome'"]),
    ("kernel-only type", frame(type="command", id="x", text="A=1"), "unknown_type",
     ["'command'"]),
    ("hello without token", frame(type="hello"), "malformed", ["'hello'", "'token'"]),
    ("hello token null", frame(type="hello", token=None), "malformed", ["'token'"]),
    ("hello token number", frame(type="hello", token=5), "malformed", ["'token'"]),
    ("ready applet is list", frame(type="ready", applet=[]), "malformed", ["'applet'"]),
    ("load_failed without message", frame(type="load_failed", url="u"), "malformed",
     ["'message'"]),
    ("closed reason number", frame(type="closed", reason=1), "malformed", ["'reason'"]),
    ("placement where unknown", frame(type="placement", where="left", hosted=False),
     "malformed", ["panel, inline or none"]),
    ("placement hosted missing", frame(type="placement", where="inline"), "malformed",
     ["'hosted'"]),
    ("reply without id", frame(type="reply", ok=True), "malformed", ["'id'"]),
    ("reply id number", frame(type="reply", id=1, ok=True), "malformed", ["'id'"]),
    ("reply ok is 1", frame(type="reply", id="r", ok=1), "malformed", ["'ok'"]),
    ("reply ok is string", frame(type="reply", id="r", ok="true"), "malformed", ["'ok'"]),
    ("event events not list", frame(type="event", events={}), "malformed", ["'events'"]),
    ("event item not object", frame(type="event", events=[1]), "malformed", ["'type'"]),
    ("event item without type", frame(type="event", events=[{"target": "A"}]),
     "malformed", ["'type'"]),
    ("event item type number", frame(type="event", events=[{"type": 1}]), "malformed",
     ["'type'"]),
    ("heartbeat time string", frame(type="heartbeat", time="now"), "malformed", ["'time'"]),
    ("heartbeat time bool", frame(type="heartbeat", time=True), "malformed", ["'time'"]),
    ("heartbeat time missing", frame(type="heartbeat"), "malformed", ["'time'"]),
    ("error without code", frame(type="error", message="m"), "malformed", ["'code'"]),
]


@pytest.mark.parametrize(("raw", "code", "needles"), [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_decode_refuses(raw: str | bytes, code: str, needles: list[str]) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(raw)
    assert info.value.code == code
    assert info.value.message == str(info.value)
    for needle in needles:
        assert needle in info.value.message


def test_protocol_error_is_a_value_error() -> None:
    assert issubclass(ProtocolError, ValueError)


@pytest.mark.parametrize(("slack", "refused"), [(0, False), (1, False), (-1, True),
                                              (None, True)],
                         ids=["exactly the limit", "under", "one byte over", "limit 0"])
def test_decode_frame_size_limit(slack: int | None, refused: bool) -> None:
    text = frame(type="closed", reason="x" * 100)
    size = len(text.encode())
    limit = 0 if slack is None else size + slack
    if not refused:
        assert decode(text, max_bytes=limit)["type"] == "closed"
        return
    with pytest.raises(ProtocolError) as info:
        decode(text, max_bytes=limit)
    assert info.value.code == "frame_too_large"
    assert f"frame of {size} bytes" in info.value.message
    assert f"the limit is {limit} bytes" in info.value.message
    assert "GgbMagics.max_frame_bytes" in info.value.message


def test_decode_counts_utf8_bytes_not_characters() -> None:
    text = json.dumps({"v": 1, "type": "closed", "reason": "é" * 50}, ensure_ascii=False)
    limit = len(text)  # enough characters, too few bytes
    with pytest.raises(ProtocolError) as info:
        decode(text, max_bytes=limit)
    assert info.value.code == "frame_too_large"
    assert str(len(text.encode("utf-8"))) in info.value.message


def test_size_is_checked_before_parsing() -> None:
    with pytest.raises(ProtocolError) as info:
        decode("{" * 200, max_bytes=10)
    assert info.value.code == "frame_too_large"


def test_default_limit_is_16_mib() -> None:
    assert DEFAULT_MAX_FRAME_BYTES == 16 * 1024 * 1024
    big = frame(type="closed", reason="x" * DEFAULT_MAX_FRAME_BYTES)
    with pytest.raises(ProtocolError) as info:
        decode(big)
    assert info.value.code == "frame_too_large"
    assert str(DEFAULT_MAX_FRAME_BYTES) in info.value.message


# ------------------------------------------------------------------- encode

@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_encode_refuses_non_finite_numbers(bad: float) -> None:
    with pytest.raises(ValueError, match="JSON"):
        encode({"v": 1, "type": "call", "id": "r", "method": "setValue", "args": ["a", bad]})


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_call_encodes_non_finite_arguments_as_markers(bad: float) -> None:
    text = encode(protocol.call("setValue", ["a", bad]))
    assert '"$float"' in text


def test_encode_is_compact_and_round_trips() -> None:
    msg = protocol.command('SetColor(A,"red")', request_id="r1")
    text = encode(msg)
    assert " " not in text
    assert json.loads(text) == msg


def test_encode_then_decode_round_trip_of_a_browser_message() -> None:
    msg = {"v": 1, "type": "reply", "id": "r", "ok": True, "result": {"x": [1.5, None]}}
    assert decode(encode(msg)) == msg


# ------------------------------------------------------------------- builders

def _is_uuid4(text: str) -> bool:
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == text


BUILDERS: list[tuple[str, Any, str, dict[str, Any]]] = [
    # (id, thunk, type, fields beyond v/type/id)
    ("command", lambda: protocol.command("A = (1, 2)"), "command", {"text": "A = (1, 2)"}),
    ("batch", lambda: protocol.batch([{"line": 1, "text": "B = (4, 6)"}]), "batch",
     {"stop_on_error": True, "lines": [{"line": 1, "text": "B = (4, 6)"}]}),
    ("batch continue", lambda: protocol.batch([], stop_on_error=False), "batch",
     {"stop_on_error": False, "lines": []}),
    ("call", lambda: protocol.call("getValue", ["A"]), "call",
     {"method": "getValue", "args": ["A"]}),
    ("snapshot", protocol.snapshot, "snapshot", {}),
    ("ping", protocol.ping, "ping", {}),
]


@pytest.mark.parametrize(("build", "kind", "fields"), [b[1:] for b in BUILDERS],
                         ids=[b[0] for b in BUILDERS])
def test_request_builders(build: Any, kind: str, fields: dict[str, Any]) -> None:
    msg = build()
    assert msg["v"] == PROTOCOL_VERSION == 1
    assert msg["type"] == kind
    assert _is_uuid4(msg["id"])
    assert {k: v for k, v in msg.items() if k not in ("v", "type", "id")} == fields
    assert json.loads(encode(msg)) == msg


@pytest.mark.parametrize("build", [b[1] for b in BUILDERS], ids=[b[0] for b in BUILDERS])
def test_request_ids_are_unique(build: Any) -> None:
    ids = {build()["id"] for _ in range(200)}
    assert len(ids) == 200


@pytest.mark.parametrize(("build", "expected"), [
    (lambda: protocol.command("x", request_id="r1"), "r1"),
    (lambda: protocol.batch([], request_id="r2"), "r2"),
    (lambda: protocol.call("getValue", [], request_id="r3"), "r3"),
    (lambda: protocol.snapshot(request_id="r4"), "r4"),
    (lambda: protocol.ping(request_id="r5"), "r5"),
])
def test_request_builders_keep_a_given_id(build: Any, expected: str) -> None:
    assert build()["id"] == expected


def test_new_id_is_uuid4() -> None:
    assert _is_uuid4(protocol.new_id())
    assert protocol.new_id() != protocol.new_id()


@pytest.mark.parametrize(("app", "expected"), [
    (None, {}),
    ({}, {}),
    ({"appName": "geometry"}, {"appName": "geometry"}),
    ({"appName": "3d", "width": 800, "showToolBar": False},
     {"appName": "3d", "width": 800, "showToolBar": False}),
])
def test_open_panel(app: Any, expected: dict[str, Any]) -> None:
    msg = protocol.open_panel(app)
    assert msg == {"v": 1, "type": "open", "app": expected}
    assert "id" not in msg


@pytest.mark.parametrize(("app", "has_app"), [(None, False), ({}, False),
                                              ({"appName": "classic"}, True)])
def test_hello(app: Any, has_app: bool) -> None:
    msg = protocol.hello("k1", "tok", 1234, app)
    assert msg["v"] == 1
    assert msg["type"] == "hello"
    assert (msg["kernel_id"], msg["token"], msg["max_frame_bytes"]) == ("k1", "tok", 1234)
    assert ("app" in msg) is has_app
    if has_app:
        assert msg["app"] == app


@pytest.mark.parametrize(("msg", "expected"), [
    (protocol.welcome("k1", 99), {"v": 1, "type": "welcome", "kernel_id": "k1",
                                  "max_frame_bytes": 99}),
    (protocol.pong(12.5), {"v": 1, "type": "pong", "time": 12.5}),
    (protocol.error("bad_version", "reload"), {"v": 1, "type": "error", "code": "bad_version",
                                               "message": "reload"}),
], ids=["welcome", "pong", "error"])
def test_kernel_answers(msg: dict[str, Any], expected: dict[str, Any]) -> None:
    assert msg == expected


def test_kernel_error_frame_decodes_as_a_browser_error() -> None:
    # The error frame is symmetric: what the kernel sends, the browser may send back.
    sent = protocol.error("unknown_type", "unexpected 'hello' frame")
    assert decode(encode(sent)) == sent
