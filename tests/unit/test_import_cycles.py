"""No import cycle in ``ggbmagic/`` or ``frontend/src/`` (issue 10).

Every import counts, also one inside a function or under ``TYPE_CHECKING`` (Python)
and ``import type`` (TypeScript): a deferred import only hides a cycle from the
interpreter, not from the reader who has to follow it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ggbmagic"
FRONTEND = ROOT / "frontend" / "src"


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """The first cycle in ``graph`` as a closed path (``[a, b, a]``), or None.

    >>> find_cycle({"a": {"b"}, "b": {"a"}})
    ['a', 'b', 'a']
    """
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        stack = [iter(sorted(graph.get(start, ())))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
                continue
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt in done:
                continue
            path.append(nxt)
            on_path.add(nxt)
            stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


# --- Python -------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".")
    # From a package's __init__, level 1 is the package itself.
    drop = level - 1 if is_package else level
    base = base[: len(base) - drop]
    return ".".join(base + ([target] if target else []))


def python_imports(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``source`` (module ``module``) imports, anywhere."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            # `from . import protocol` imports the submodule protocol when there is one.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for name in names:
            # `import ggbmagic.x.y` runs ggbmagic.x.y; the nearest known module is the edge.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def python_graph() -> dict[str, set[str]]:
    files = sorted(p for p in PACKAGE.rglob("*.py") if "labextension" not in p.parts)
    known = {_module_name(p) for p in files}
    return {
        _module_name(p): python_imports(
            p.read_text(encoding="utf-8"), _module_name(p), p.name == "__init__.py", known
        )
        for p in files
    }


# --- TypeScript ---------------------------------------------------------------------

# `import … from './x'`, `import type … from './x'`, `export … from './x'`,
# `import './x'` and `import('./x')`, over several lines too.
_TS_IMPORT = re.compile(
    r"""(?:\bimport\b|\bexport\b)[^;'"]*?\bfrom\s*['"](\.[^'"]+)['"]"""
    r"""|\bimport\s*\(?\s*['"](\.[^'"]+)['"]""",
    re.S,
)


def ts_imports(source: str) -> set[str]:
    """The relative specifiers ``source`` imports or re-exports (``./x``)."""
    # Comments could hold an example import; they are not code.
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)
    return {a or b for a, b in _TS_IMPORT.findall(code)}


def ts_graph() -> dict[str, set[str]]:
    files = sorted(p for p in FRONTEND.rglob("*.ts") if "__tests__" not in p.parts)
    names = {p.relative_to(FRONTEND).with_suffix("").as_posix() for p in files}
    graph: dict[str, set[str]] = {}
    for p in files:
        me = p.relative_to(FRONTEND).with_suffix("")
        edges: set[str] = set()
        for spec in ts_imports(p.read_text(encoding="utf-8")):
            target = (me.parent / spec).as_posix()
            # Normalise ./ and ../ without touching the disk.
            parts: list[str] = []
            for part in target.split("/"):
                if part == "..":
                    parts.pop()
                elif part not in (".", ""):
                    parts.append(part)
            name = "/".join(parts).removesuffix(".js")
            if name in names:
                edges.add(name)
        graph[me.as_posix()] = edges
    return graph


# --- the checks themselves are checked ----------------------------------------------


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({}, None),
        ({"a": {"b"}, "b": set()}, None),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"a"}}, ["a", "a"]),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"x": set(), "a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ],
)
def test_find_cycle(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


KNOWN = {"ggbmagic", "ggbmagic.applet", "ggbmagic.protocol", "ggbmagic._extension"}


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        ("from . import protocol", "ggbmagic.applet", False, {"ggbmagic.protocol"}),
        ("from .protocol import short", "ggbmagic.applet", False, {"ggbmagic.protocol"}),
        ("import ggbmagic.protocol", "ggbmagic.applet", False, {"ggbmagic.protocol"}),
        ("from . import __version__", "ggbmagic.applet", False, {"ggbmagic"}),
        (
            "def f():\n    from ._extension import x\n",
            "ggbmagic.applet",
            False,
            {"ggbmagic._extension"},
        ),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .applet import G\n",
            "ggbmagic.protocol",
            False,
            {"ggbmagic.applet"},
        ),
        ("def f():\n    from .applet import G\n", "ggbmagic", True, {"ggbmagic.applet"}),
        ("import json\nfrom IPython import get_ipython", "ggbmagic.applet", False, set()),
    ],
)
def test_python_imports(source: str, module: str, is_package: bool, expected: set[str]) -> None:
    assert python_imports(source, module, is_package, KNOWN) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import { a } from './a';", {"./a"}),
        ("import type { B } from './b';", {"./b"}),
        ("import {\n  a,\n  b\n} from './multi';", {"./multi"}),
        ("import * as P from './protocol';", {"./protocol"}),
        ("export { x } from './x';\nexport * from './y';", {"./x", "./y"}),
        ("import './side';\nconst m = await import('./lazy');", {"./side", "./lazy"}),
        ("import { Signal } from '@lumino/signaling';", set()),
        ("// import { a } from './a';\n/* import b from './b' */", set()),
    ],
)
def test_ts_imports(source: str, expected: set[str]) -> None:
    assert ts_imports(source) == expected


# --- the codebase -------------------------------------------------------------------


def test_python_package_has_no_import_cycle() -> None:
    graph = python_graph()
    assert graph.get("ggbmagic.applet"), "the walk found no imports"
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in ggbmagic/: " + " → ".join(cycle or [])


def test_frontend_has_no_import_cycle() -> None:
    graph = ts_graph()
    assert graph.get("bridge"), "the walk found no imports"
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in frontend/src/: " + " → ".join(cycle or [])
