"""Size guards: a command, a script or a ``{{value}}`` too long for GeoGebra is refused
before anything is sent. Pure.

Why a bound at all (measured on GeoGebra 5.0.745.0, headless Chromium, 2 busy cores):
``evalCommandGetLabels`` of a list of n numbers blocks the page's only thread for a
time that grows faster than n — 1,000 numbers (15 KB) 0.2 s, 10,000 (156 KB) 0.8 s,
30,000 (486 KB) 7.5 s, 100,000 (1.65 MB) 89 s — and a million froze a tab for over
25 minutes. 100,000 characters (about 6,000 numbers) keep a command under a second.

>>> check_command_size("A = (1, 2)", 100)
>>> min_literal_chars(list(range(10)))
30
"""

from __future__ import annotations

from ..errors import GgbError

__all__ = [
    "DEFAULT_MAX_COMMAND_CHARS",
    "DEFAULT_MAX_SCRIPT_CHARS",
    "SizeLimitError",
    "check_command_size",
    "check_script_size",
    "check_value_size",
    "min_literal_chars",
]

DEFAULT_MAX_COMMAND_CHARS = 100_000
DEFAULT_MAX_SCRIPT_CHARS = 1_000_000

_SEND_LESS = (
    "Send less (a sample such as data[::10], or a result computed in Python), or raise the "
    "limit with `%config GgbMagics.{trait} = N` (GeoGebra's parser slows down faster than "
    "the text grows: 100,000 characters take about a second, 1,600,000 took 89 s with the "
    "page frozen). Nothing was sent to GeoGebra."
)


class SizeLimitError(GgbError, ValueError):
    """A command, script or interpolated value is over its size limit; nothing was sent."""


def _n(count: int) -> str:
    return f"{count:,}"


def check_command_size(text: str, limit: int, line: int | None = None) -> None:
    """Refuse one command longer than *limit* characters.

    >>> check_command_size("L = {1, 2, 3}", 5)
    Traceback (most recent call last):
    ...
    ggbmagic.diagnose.sizes.SizeLimitError: The GeoGebra command is 13 characters, over ...
    """
    if limit > 0 and len(text) > limit:
        where = f"Line {line} of the script" if line is not None else "The GeoGebra command"
        raise SizeLimitError(
            f"{where} is {_n(len(text))} characters, over the limit of {_n(limit)} characters "
            f"per command (GgbMagics.max_command_chars). "
            + _SEND_LESS.format(trait="max_command_chars"))


def check_script_size(total: int, lines: int, limit: int) -> None:
    """Refuse a script of *total* characters over *limit*."""
    if limit > 0 and total > limit:
        raise SizeLimitError(
            f"The script is {_n(total)} characters in {_n(lines)} lines, over the limit of "
            f"{_n(limit)} characters per script (GgbMagics.max_script_chars). "
            + _SEND_LESS.format(trait="max_script_chars"))


def min_literal_chars(value: object) -> int:
    """A lower bound on the length of ``to_ggb(value)``, found without converting it: a
    list of n items is at least ``{`` + n one-character items + n - 1 ``", "`` + ``}``."""
    size = getattr(value, "size", None)  # numpy arrays: every element, all dimensions
    if isinstance(size, int) and hasattr(value, "ndim"):
        count = size
    elif isinstance(value, (list, tuple, range, str)):
        count = len(value)
        if isinstance(value, str):
            return count + 2
    else:
        return 0
    return 3 * count if count else 2


def check_value_size(shown: str, value: object, literal: str | None, limit: int) -> None:
    """Refuse an interpolated value whose literal is over *limit* characters. With
    *literal* None only the cheap lower bound is checked (before converting)."""
    if limit <= 0:
        return
    length = len(literal) if literal is not None else min_literal_chars(value)
    if length > limit:
        at_least = "" if literal is not None else "at least "
        count = ""
        if isinstance(value, (list, tuple, range)) or hasattr(value, "ndim"):
            items = getattr(value, "size", None)
            items = items if isinstance(items, int) else len(value)  # type: ignore[arg-type]
            count = f" ({_n(items)} elements)"
        raise SizeLimitError(
            f"{shown} would make {at_least}{_n(length)} characters of GeoGebra source{count}, "
            f"over the limit of {_n(limit)} characters per command "
            f"(GgbMagics.max_command_chars). " + _SEND_LESS.format(trait="max_command_chars"))
