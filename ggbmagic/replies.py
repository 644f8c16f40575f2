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
from .diagnose import (
    DEFAULT_MAX_COMMAND_CHARS,
    DEFAULT_MAX_SCRIPT_CHARS,
    check_command_size,
    check_not_python,
    check_script_size,
    explain_failure,
    redefined_note,
)
from .diagnose.failures import UNDEFINED_LABEL
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

    def __init__(self, failed: protocol.LineResult, result: ScriptResult,
                 reason: str | None = None) -> None:
        detail = no_controls(str(failed.get("error") or ""))
        if reason is None:
            reason = explain_failure(failed["text"], detail) or ""
        super().__init__(failed["text"], failed["line"], detail, reason=reason)
        self.result = result


def command_msg(text: str, max_chars: int = DEFAULT_MAX_COMMAND_CHARS) -> protocol.CommandMsg:
    """The ``command`` message; refuses (before anything is sent) an empty text, several
    lines, Python, and a text over *max_chars* characters (0: no limit)."""
    text = text.strip()
    if not text:
        raise ValueError("empty GeoGebra command: write one, e.g. A = (1, 2)")
    if "\n" in text:
        raise ValueError("one command per call: use script() for several lines")
    check_command_size(text, max_chars)
    check_not_python(text)
    return protocol.command(text)


def command_post(text: str) -> Callable[[Any], CommandResult]:
    def post(result: Any) -> CommandResult:
        ok = bool(isinstance(result, dict) and result.get("ok"))
        if not ok:
            detail = no_controls(str((result.get("error") if isinstance(result, dict)
                                      else None) or ""))
            raise GgbCommandError(text.strip(), detail=detail,
                                  reason=explain_failure(text, detail) or "")
        answered = _strings(result.get("labels"))
        # GeoGebra answers "undefined" for the outputs of a redefined object.
        labels = [x for x in answered if x != UNDEFINED_LABEL]
        objects = [o for o in as_object_list(result) if o.get("name") != UNDEFINED_LABEL]
        changed = _strings(result.get("changed"))
        note = redefined_note(text, answered) or relabel_note(text, labels) or ""
        return CommandResult(text.strip(), True, labels, objects, changed=changed, note=note)

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


def script_msg(lines: list[ScriptLine], stop_on_error: bool, *,
               max_chars: int = DEFAULT_MAX_COMMAND_CHARS,
               max_script_chars: int = DEFAULT_MAX_SCRIPT_CHARS) -> protocol.BatchMsg:
    """The ``batch`` message; refuses (before anything is sent) a line that is Python or
    over *max_chars*, and a script over *max_script_chars* characters in all."""
    check_script_size(sum(len(ln.text) for ln in lines), len(lines), max_script_chars)
    for ln in lines:
        check_command_size(ln.text, max_chars, ln.line)
        check_not_python(ln.text, ln.line)
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
            item["objects"] = [o for o in as_object_list(item)
                               if o.get("name") != UNDEFINED_LABEL]
            done.append(cast(protocol.LineResult, item))
        out = ScriptResult(done, total=len(lines))
        if check and out.failed:
            raise GgbScriptError(out.failed[0], out)
        return out

    return post


#: API methods whose first argument is GeoGebra source, parsed like a command.
_COMMAND_METHODS = frozenset({"evalCommand", "evalCommandGetLabels", "asyncEvalCommand",
                              "asyncEvalCommandGetLabels", "evalCommandCAS", "evalGeoGebraCAS"})


def call_msg(method: str, args: tuple[Any, ...],
             max_chars: int = DEFAULT_MAX_COMMAND_CHARS) -> protocol.CallMsg:
    if not _METHOD_RE.match(method):
        raise ValueError(f"{method!r} is not a GeoGebra API method name (e.g. 'getValue')")
    if method in _COMMAND_METHODS and args and isinstance(args[0], str):
        for number, line in enumerate(args[0].splitlines(), 1):
            check_command_size(line, max_chars, number if "\n" in args[0] else None)
    expect = None
    if method == "setBase64" and args and isinstance(args[0], str):
        # The browser confirms the load by the object count (setBase64's callback
        # never comes in GeoGebra 5.0.745).
        with contextlib.suppress(ValueError, binascii.Error):
            expect = object_count(base64.b64decode(args[0]))
    return protocol.call(method, list(args), expect_objects=expect)
