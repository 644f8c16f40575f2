"""What a failed GeoGebra line says about itself: unknown command words with the nearest
GeoGebra names, commands that need the CAS, outputs GeoGebra answered ``undefined`` for.
Pure.

>>> explain_failure("Circel(A, 2)")[-45:]
'; did you mean Circle, Incircle or CircleArc?'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from ..labels import FUNCTION_NAMES, written_label
from .command_names import CAS_COMMANDS, COMMANDS

__all__ = [
    "cas_commands",
    "command_words",
    "explain_failure",
    "nearest_commands",
    "no_cas_note",
    "redefined_note",
    "unknown_commands",
]

# A word right before "(" or "[" (GeoGebra also takes Circle[A, 2]).
_CALL = re.compile(r"(?<![\w.'])([A-Za-z][A-Za-z0-9]*)\s*[(\[]")
_TEXT = re.compile(r'"[^"]*"')
_MISSING = re.compile(r"^there (?:is|are) no objects? named ")
#: GeoGebra's answer for an output it kept under its old name (measured, 5.0.745.0:
#: re-running ``tri = Polygon(A, B, C)`` answers ``tri,undefined,undefined,undefined``).
UNDEFINED_LABEL = "undefined"
_LOWER_COMMANDS = {name.lower(): name for name in COMMANDS}


def command_words(text: str) -> list[str]:
    """Words used as commands or functions in *text* (outside GeoGebra texts), in order.

    >>> command_words('t = Text("Circel(1)") + Circle(A, Radius(c))')
    ['Text', 'Circle', 'Radius']
    """
    seen: list[str] = []
    body = _TEXT.sub('""', text)
    label = written_label(body)
    for m in _CALL.finditer(body):
        word = m.group(1)
        if word == label and m.start() == body.find(word):
            continue  # f(x) = … defines f
        if word not in seen:
            seen.append(word)
    return seen


def unknown_commands(text: str) -> list[str]:
    """Command words of *text* that are no GeoGebra command: capitalised words not in
    the list, and known names written in the wrong case. Lowercase words may be the
    user's own functions (``f(2)``) or maths functions (``sin(x)``) and are left alone.

    >>> unknown_commands("Pont(3, 4) + f(2) + circle(A, 1) + sin(x)")
    ['Pont', 'circle']
    """
    unknown = []
    for word in command_words(text):
        if word in COMMANDS or word in FUNCTION_NAMES:
            continue
        if word[0].isupper() or word.lower() in _LOWER_COMMANDS:
            unknown.append(word)
    return unknown


def nearest_commands(word: str, n: int = 3) -> list[str]:
    """The GeoGebra command names closest to *word* (a different case first).

    >>> nearest_commands("Pont")
    ['Point', 'ToPoint', 'PointIn']
    """
    exact = _LOWER_COMMANDS.get(word.lower())
    found = [exact] if exact and exact != word else []
    lowered = difflib.get_close_matches(word.lower(), sorted(_LOWER_COMMANDS), n=n + 1,
                                        cutoff=0.6)
    for low in lowered:
        name = _LOWER_COMMANDS[low]
        if name not in found and name != word:
            found.append(name)
    return found[:n]


def _or_list(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def cas_commands(text: str) -> list[str]:
    """Command words of *text* that need GeoGebra's CAS.

    >>> cas_commands("l = Solve(x^2 = 4)")
    ['Solve']
    """
    return [w for w in command_words(text) if w in CAS_COMMANDS]


def explain_failure(text: str, detail: str = "") -> str | None:
    """Why GeoGebra refused *text*, as far as its words tell, or None.

    *detail* is the browser's own finding (``there is no object named Z; …``), which
    is kept when the words say nothing more specific.
    """
    unknown = unknown_commands(text)
    if unknown:
        word = unknown[0]
        near = nearest_commands(word)
        hint = f"; did you mean {_or_list(near)}?" if near else (
            "; see the GeoGebra manual's command list")
        return (f"GeoGebra has no command {word} (command names are English and "
                f"case-sensitive){hint}")
    if detail and _MISSING.match(detail):
        return detail.rstrip(". ") + (
            ". Create it first or check the spelling (names are case-sensitive)")
    return None


def no_cas_note(words: Iterable[str], undefined: Iterable[str] = ()) -> str:
    """What to say when CAS commands ran on a GeoGebra without a CAS.

    >>> no_cas_note(["Solve"], ["l1"])[:80]
    "Solve needs GeoGebra's computer algebra system (CAS), which this GeoGebra does n"
    """
    names = sorted(set(words))
    what = _or_list(names) if len(names) > 1 else names[0]
    bad = sorted(set(undefined))
    shown = ""
    if bad:
        verb = "is" if len(bad) == 1 else "are"
        shown = f" ({', '.join(bad)} {verb} undefined)"
    return (
        f"{what} needs GeoGebra's computer algebra system (CAS), which this GeoGebra does "
        f"not have{shown}: solve numerically (e.g. Roots(f, a, b), Intersect), in Python "
        "(e.g. sympy), or load a GeoGebra with CAS (Settings → ggbmagic: html5Codebase "
        "empty for geogebra.org, or a bundle's web3d folder)"
    )


def redefined_note(text: str, labels: list[str]) -> str | None:
    """When GeoGebra answered ``undefined`` for some outputs: the command redefined an
    existing object, whose other outputs kept their names.

    >>> redefined_note("tri = Polygon(A, B, C)", ["tri", "undefined", "undefined"])[:60]
    'tri already existed: GeoGebra redefined it in place, and its'
    """
    count = sum(1 for label in labels if label == UNDEFINED_LABEL)
    if not count:
        return None
    first = next((label for label in labels if label != UNDEFINED_LABEL), None)
    who = first or written_label(text) or "the object"
    outputs = "output" if count == 1 else "outputs"
    return (f"{who} already existed: GeoGebra redefined it in place, and its {count} other "
            f"{outputs} kept their names (GeoGebra answers \"undefined\" for them); "
            "ggb.objects() lists them")
