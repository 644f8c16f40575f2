"""Issue 4: every example notebook runs top to bottom in JupyterLab without an error.

Each notebook in notebooks/*.ipynb is copied into the server's root, opened, run with
Run ▸ Run All Cells, and checked: no error output, no UsageError or Traceback on
stderr, every code cell executed, every PNG a PNG and every SVG an <svg> document.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ._lab import LabPage, check_image_outputs

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_there_are_example_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/*.ipynb is empty"


@pytest.mark.timeout(400)
@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean(lab: LabPage, source: Path) -> None:
    name = f"run-{source.name}"
    shutil.copy(source, lab.server.root_dir / name)
    lab.goto_notebook(name)
    cells = lab.run_all(name)

    code = [(i, c) for i, c in enumerate(cells) if c["type"] == "code"]
    assert code, f"{source.name} has no code cells"
    problems = []
    images = 0
    for i, cell in code:
        where = f"{source.name} cell {i} ({cell['source'].splitlines()[0][:60]!r}…)" \
            if cell["source"] else f"{source.name} cell {i}"
        if cell["source"].strip() and cell["count"] is None:
            problems.append(f"{where}: did not run")
        for out in cell["outputs"]:
            kind = out.get("output_type")
            if kind == "error":
                problems.append(f"{where}: {out.get('ename')}: {out.get('evalue')}")
            elif kind == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                if "UsageError" in text or "Traceback" in text:
                    problems.append(f"{where}: stderr: {text.strip()[:500]}")
        try:
            images += check_image_outputs(cell["outputs"])
        except (AssertionError, ValueError) as exc:  # ParseError is a SyntaxError
            problems.append(f"{where}: bad image: {exc}")
        except SyntaxError as exc:
            problems.append(f"{where}: SVG does not parse: {exc}")
    assert not problems, "\n".join(problems)
