"""Split a magic line into its options and the GeoGebra command, verbatim. Pure.

IPython's usual argument splitting would eat the quotes of ``SetColor(A, "red")``, so
only the leading options are split; everything from the first word that is not an
option is the command, untouched. ``--`` ends the options explicitly.

>>> split_line('--png SetColor(A, "red")', valued={"--scale"}, flags={"--png"})
SplitLine(options=['--png'], command='SetColor(A, "red")')
>>> split_line('-t 2 -- -A', valued={"-t"}, flags=set())
SplitLine(options=['-t', '2'], command='-A')
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["LineSyntaxError", "SplitLine", "split_line"]

# A word may join quoted parts and plain parts: --save="my lesson.ggb" is one word.
_WORD = re.compile(r'(?:"[^"]*"|\'[^\']*\'|[^\s"\']+)+|\S+')


class LineSyntaxError(ValueError):
    """An option the magic does not know, or an option without its value."""


@dataclass(frozen=True)
class SplitLine:
    options: list[str]
    command: str


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'":
        return word[1:-1]
    return word


def split_line(line: str, valued: Collection[str], flags: Collection[str]) -> SplitLine:
    """Leading options (``valued`` ones take the next word or ``=value``), then the rest.

    Raises :class:`LineSyntaxError` for an unknown option or a missing value, with a hint.
    """
    options: list[str] = []
    pos = 0
    while True:
        while pos < len(line) and line[pos].isspace():
            pos += 1
        if pos >= len(line):
            return SplitLine(options, "")
        match = _WORD.match(line, pos)
        assert match is not None  # a non-space character always starts a word
        word = match.group(0)
        if word == "--":
            return SplitLine(options, line[match.end():].strip())
        if not word.startswith("-") or re.match(r"^-[\d.(]", word):
            return SplitLine(options, line[pos:].strip())
        name, eq, value = word.partition("=")
        if name in valued:
            if eq:
                options += [name, _unquote(value)]
                pos = match.end()
                continue
            rest = match.end()
            while rest < len(line) and line[rest].isspace():
                rest += 1
            nxt = _WORD.match(line, rest) if rest < len(line) else None
            if nxt is None:
                raise LineSyntaxError(f"option {name} needs a value, e.g. {name} VALUE")
            options += [name, _unquote(nxt.group(0))]
            pos = nxt.end()
        elif word in flags:
            options.append(word)
            pos = match.end()
        else:
            raise LineSyntaxError(
                f"unknown option {word!r}. See `%ggb?` for the options; if your GeoGebra "
                "command starts with '-', put `--` before it."
            )
