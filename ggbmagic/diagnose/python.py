"""Python typed into a GeoGebra cell: recognised before anything is sent. Pure.

Only forms that GeoGebra's grammar cannot mean are recognised (a statement keyword
followed by its Python shape, ``print(…)``, an augmented assignment, the ``ggb`` object),
so no GeoGebra line is ever refused: ``If(a > 1, 2, 3)`` and ``for = 3`` stay GeoGebra.

>>> python_reason("for i in range(3):")
'a Python for loop'
>>> python_reason("If(a > 1, 2, 3)") is None
True
"""

from __future__ import annotations

import re

from ..errors import GgbError

__all__ = ["PythonLineError", "check_not_python", "python_reason"]

# A statement keyword, then anything, then a colon at the end: a Python block header.
_BLOCK = re.compile(
    r"^(for|while|if|elif|else|def|class|with|try|except|finally|async)\b(?!\s*[=\[:]).*:\s*$")
_BLOCK_BARE = re.compile(r"^(else|try|finally)\s*:\s*$")
_IMPORT = re.compile(r"^(import\s+[A-Za-z_][\w.]*|from\s+[A-Za-z_.][\w.]*\s+import\s+\S)")
_SIMPLE = re.compile(
    r"^(return|pass|break|continue|raise|assert|global|nonlocal|yield|del|lambda)\b(?!\s*[=(\[:])")
_PRINT = re.compile(r"^print\s*\(")
_AUGMENTED = re.compile(r"^[A-Za-z_]\w*(\[[^\]]*\])?\s*(\+|-|\*|/|//|%|\*\*)=")
_GGB_OBJECT = re.compile(r"^ggb\s*\.\s*[A-Za-z_]")

_KEYWORD_WHAT = {
    "for": "a Python for loop", "while": "a Python while loop", "if": "a Python if statement",
    "elif": "a Python elif branch", "else": "a Python else branch",
    "def": "a Python function definition", "class": "a Python class definition",
    "with": "a Python with statement", "try": "a Python try statement",
    "except": "a Python except clause", "finally": "a Python finally clause",
    "async": "a Python async statement",
}


class PythonLineError(GgbError, ValueError):
    """A line of a GeoGebra cell is Python; the message says where to run it."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def python_reason(text: str) -> str | None:
    """What Python construct *text* is, or None when it may be GeoGebra."""
    line = text.strip()
    if m := _BLOCK.match(line) or _BLOCK_BARE.match(line):
        return _KEYWORD_WHAT[m.group(1)]
    if m := _IMPORT.match(line):
        return "a Python import"
    if m := _SIMPLE.match(line):
        return f"a Python {m.group(1)} statement"
    if _PRINT.match(line):
        return "a Python print() call"
    if _AUGMENTED.match(line):
        return "a Python augmented assignment"
    if _GGB_OBJECT.match(line):
        return "a call of the Python object ggb"
    return None


def check_not_python(text: str, line: int | None = None) -> None:
    """Raise :class:`PythonLineError` with a fix-it when *text* is Python.

    >>> check_not_python("import math")
    Traceback (most recent call last):
    ...
    ggbmagic.diagnose.python.PythonLineError: `import math` is a Python import, not GeoGebra: ...
    """
    what = python_reason(text)
    if what is None:
        return
    where = f"line {line}: " if line is not None else ""
    raise PythonLineError(
        f"{where}`{text.strip()}` is {what}, not GeoGebra: run it in a Python cell (without "
        "%ggb / %%ggb); nothing was sent to GeoGebra.",
        line=line,
    )
