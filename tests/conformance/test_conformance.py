"""The GeoGebra test double gives the real GeoGebra's answers: every probe, row by row.

``real-answers.json`` was recorded from the real GeoGebra (``make conformance-record``);
this runs the same probes on the double in headless Chromium (in a subprocess, so its
Playwright loop never meets the browser suite's) and compares each row. Runs in every
CI run; needs no GeoGebra files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser._geogebra import REAL_GEOGEBRA_HINT, default_real_geogebra_dir, real_geogebra_dir

from .compare import differences
from .probes import PROBES, Probe
from .run import ANSWERS, harness_digest

REPO = Path(__file__).resolve().parents[2]
RECORDED: dict[str, Any] = json.loads(ANSWERS.read_text(encoding="utf-8"))
COMPARED = [p for p in PROBES if not p.real_only]

pytestmark = pytest.mark.browser  # it starts Chromium


def _run(which: str, out: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.conformance.run", which, "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"the {which} run failed:\n{proc.stdout}\n{proc.stderr}"
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def double_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _run("double", tmp_path_factory.mktemp("conformance") / "double.json")


@pytest.mark.real_geogebra
@pytest.mark.timeout(900)  # every probe on the real GeoGebra: over 300 s on a loaded machine
def test_the_record_is_what_the_real_geogebra_answers(tmp_path: Path) -> None:
    """Run on the real GeoGebra (when present): the record is current, every row."""
    if real_geogebra_dir() is None:
        # The same words as the browser tests' skip, so the REAL GEOGEBRA line counts it.
        where = f"no real GeoGebra at {default_real_geogebra_dir()}"
        if os.environ.get("GGBMAGIC_REQUIRE_REAL_GEOGEBRA"):
            pytest.fail(f"{where}; {REAL_GEOGEBRA_HINT}", pytrace=False)
        pytest.skip(f"{where} (see the REAL GEOGEBRA line)")
    live = _run("real", tmp_path / "real.json")
    assert live["geogebra_version"] == RECORDED["geogebra_version"], (
        "another GeoGebra: re-record with make conformance-record")
    diff = []
    for probe in PROBES:
        d = differences(probe, RECORDED["rows"][probe.id], live["rows"][probe.id])
        if d:
            diff.append(f"{probe.id!r}:\n" + "\n".join(d))
    assert not diff, ("the real GeoGebra now answers otherwise than recorded "
                      "(make conformance-record, then fix the double):\n" + "\n".join(diff))


def test_recorded_from_the_real_geogebra() -> None:
    version = RECORDED["geogebra_version"]
    assert not version.startswith("ggbmagic-test-double"), version
    assert version.count(".") == 3, f"not a GeoGebra version: {version!r}"


def test_every_probe_is_recorded() -> None:
    """The table and the file agree: re-record (make conformance-record) after editing."""
    assert sorted(RECORDED["rows"]) == sorted(p.id for p in PROBES)


def test_every_answer_was_recorded_with_the_probe_as_it_is_now() -> None:
    """An edited probe (its steps, setup, applet options or page) is compared with the
    answers of its old code otherwise: the record keeps each probe's digest."""
    stale = [p.id for p in PROBES
             if RECORDED["rows"].get(p.id, {}).get("digest") != p.digest()]
    assert not stale, ("edited since the record, re-record them with "
                       f"make conformance-record: {stale}")
    assert RECORDED.get("harness_digest") == harness_digest(), (
        "harness.js changed since the record: re-record with make conformance-record")


def test_few_rows_are_real_only() -> None:
    real_only = [p.id for p in PROBES if p.real_only]
    assert len(real_only) <= max(3, len(PROBES) // 20), real_only


def test_the_double_says_it_is_the_double(double_answers: dict[str, Any]) -> None:
    assert double_answers["geogebra_version"].startswith("ggbmagic-test-double")


@pytest.mark.parametrize("probe", COMPARED, ids=[p.id for p in COMPARED])
def test_double_answers_like_geogebra(probe: Probe, double_answers: dict[str, Any]) -> None:
    real = RECORDED["rows"][probe.id]
    double = double_answers["rows"][probe.id]
    diff = differences(probe, real, double)
    assert not diff, (f"the double disagrees with GeoGebra {RECORDED['geogebra_version']} "
                      f"on {probe.id!r}:\n" + "\n".join(diff))
