"""The kernel's requests to the applet and what their replies become — pure.

Each ``*_msg`` builds a protocol message from the user's arguments (or raises
``ValueError`` saying what to write); each ``*_post`` turns the browser's reply into a
result object (or raises the ggbmagic error that says what failed). ``GeoGebra`` in
``applet.py`` sends them; ``tests/unit/test_real_answers.py`` checks them against the
real GeoGebra's answers.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from . import protocol
from .display import CommandResult, ScriptResult, as_object_list
from .errors import GgbCommandError, GgbError
from .labels import object_count, relabel_note
from .richtext import no_controls
from .script import ScriptLine, parse_script

__all__ = [
    "GgbScriptError", "Source", "call_msg", "command_msg", "command_post", "script_lines",
    "script_msg", "script_post",
]

#: What ``GeoGebra.script`` takes: a script text, or its lines.
Source = str | Iterable[str] | Iterable[ScriptLine]

_METHOD_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


class GgbScriptError(GgbCommandError):
    """A script line failed; ``result`` holds the lines that ran (nothing is lost)."""

    def __init__(self, failed: protocol.LineResult, result: ScriptResult) -> None:
        super().__init__(failed["text"], failed["line"],
                         no_controls(str(failed.get("error") or "")))
        self.result = result


def command_msg(text: str) -> protocol.CommandMsg:
    text = text.strip()
    if not text:
        raise ValueError("empty GeoGebra command: write one, e.g. A = (1, 2)")
    if "\n" in text:
        raise ValueError("one command per call: use script() for several lines")
    return protocol.command(text)


def command_post(text: str) -> Callable[[Any], CommandResult]:
    def post(result: Any) -> CommandResult:
        ok = bool(isinstance(result, dict) and result.get("ok"))
        if not ok:
            detail = result.get("error") if isinstance(result, dict) else None
            raise GgbCommandError(text.strip(), detail=no_controls(str(detail or "")))
        labels = _strings(result.get("labels"))
        changed = _strings(result.get("changed"))
        return CommandResult(text.strip(), True, labels, as_object_list(result),
                             changed=changed, note=relabel_note(text, labels) or "")

    return post


def _strings(value: Any) -> list[str]:
    """A list of labels from a reply; anything but a list (a malformed reply) is none."""
    return [str(x) for x in value] if isinstance(value, list) else []


def script_lines(source: Source) -> list[ScriptLine]:
    if isinstance(source, str):
        return parse_script(source)
    lines: list[ScriptLine] = []
    for number, item in enumerate(source, 1):
        if isinstance(item, ScriptLine):
            lines.append(item)
        elif str(item).strip():
            lines.append(ScriptLine(number, str(item).strip()))
    return lines


def script_msg(lines: list[ScriptLine], stop_on_error: bool) -> protocol.BatchMsg:
    return protocol.batch([{"line": ln.line, "text": ln.text} for ln in lines],
                          stop_on_error=stop_on_error)


def script_post(lines: list[ScriptLine], check: bool) -> Callable[[Any], ScriptResult]:
    def post(result: Any) -> ScriptResult:
        raw = result.get("results") if isinstance(result, dict) else None
        if not isinstance(raw, list):
            raise GgbError("the browser sent a batch reply without results")
        done: list[protocol.LineResult] = []
        for item in raw:
            if not (isinstance(item, dict) and isinstance(item.get("line"), int)
                    and not isinstance(item.get("line"), bool)):
                raise GgbError("the browser sent a malformed batch reply (a line without "
                               "its number); the applet or the extension has a bug")
            item["text"] = str(item.get("text", ""))
            item["labels"] = _strings(item.get("labels"))
            item["objects"] = as_object_list(item)
            done.append(cast(protocol.LineResult, item))
        out = ScriptResult(done, total=len(lines))
        if check and out.failed:
            raise GgbScriptError(out.failed[0], out)
        return out

    return post


def call_msg(method: str, args: tuple[Any, ...]) -> protocol.CallMsg:
    if not _METHOD_RE.match(method):
        raise ValueError(f"{method!r} is not a GeoGebra API method name (e.g. 'getValue')")
    expect = None
    if method == "setBase64" and args and isinstance(args[0], str):
        # The browser confirms the load by the object count (setBase64's callback
        # never comes in GeoGebra 5.0.745).
        with contextlib.suppress(ValueError, binascii.Error):
            expect = object_count(base64.b64decode(args[0]))
    return protocol.call(method, list(args), expect_objects=expect)
