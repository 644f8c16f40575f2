"""A buggy applet's malformed replies give a clear ggbmagic error, never a raw
TypeError/ValueError/KeyError traceback (issue 15: 50 of 240 fuzzed cells did)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ggbmagic.errors import GgbError
from tests.unit.test_real_answers import ggb_with

CASES: list[tuple[str, tuple[Any, ...], Any]] = [
    ("value", ("d",), {"a": 1}),                # float() of a dict: TypeError
    ("value", ("d",), "x"),                     # float("x"): ValueError
    ("value", ("d",), [1, 2]),
    ("coords", ("A",), "x"),
    ("coords", ("A",), {"$float": "huge"}),
    ("command", ("A = (1, 2)",), {"ok": True, "labels": 5}),  # labels not a list
    ("script", ("A=(1,2)",), {"results": [{"ok": False, "line": 1}]}),  # no text: KeyError
    ("script", ("A=(1,2)",), {"results": [{"ok": True}]}),  # no line number
    ("script", ("A=(1,2)",), {"results": [7]}),
]


def answer(reply: Any) -> Any:
    def respond(msg: dict[str, Any]) -> Any:
        if msg.get("method") == "exists":
            return True
        return reply
    return respond


@pytest.mark.parametrize(("method", "args", "reply"), CASES,
                         ids=[f"{m}-{r!r}"[:40] for m, _, r in CASES])
def test_malformed_reply_is_a_ggberror(method: str, args: tuple[Any, ...], reply: Any) -> None:
    ggb, _ = ggb_with(answer(reply))
    try:
        result = getattr(ggb, method)(*args)
    except GgbError:
        return
    # Tolerated (a label list that is not a list is no labels): it still renders.
    repr(result)
    result._repr_mimebundle_()


def test_fuzzed_replies_only_raise_ggberror() -> None:
    pool: list[Any] = [None, 0, 1.5, "x", "", [], {}, [1, "a"], {"ok": True}, True,
                       {"ok": True, "labels": [1, None],
                        "objects": [{"name": 1, "x": "a", "y": [], "type": 3}]},
                       {"ok": True, "objects": {"a": 1}}, {"results": 5},
                       {"results": [1, {"line": "x"}, {"line": 1, "ok": False, "text": 5}]},
                       {"results": [{"line": 1, "ok": True, "labels": "AB", "objects": 7}]},
                       {"ok": False, "error": {"a": 1}}, "\x1b[31mred\x1b[0m"]
    calls = [("command", ("A = (1, 2)",)), ("script", ("A=(1,2)\nB=(3,4)",)),
             ("value", ("d",)), ("value_string", ("A",)), ("coords", ("A",)),
             ("exists", ("A",)), ("objects", ()), ("xml", ())]
    rng = random.Random(15)
    for _ in range(400):
        name, args = rng.choice(calls)
        ggb, _ = ggb_with(lambda msg: rng.choice(pool))
        try:
            result = getattr(ggb, name)(*args)
            repr(result)
            if hasattr(result, "_repr_mimebundle_"):
                result._repr_mimebundle_()
        except GgbError:
            pass
