"""The installed package registers both halves: the prebuilt labextension and the
server extension (through the jupyter-config data file), as `pip install` promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

JUPYTER = str(Path(sys.executable).with_name("jupyter"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _listing(*args: str) -> str:
    done = subprocess.run([JUPYTER, *args], capture_output=True, text=True, timeout=120,
                          check=False)
    return ANSI.sub("", done.stdout + done.stderr)


@pytest.mark.parametrize(("args", "pattern"), [
    (("labextension", "list"), r"ggbmagic v\d+\.\d+\.\d+ enabled\s+OK"),
    (("server", "extension", "list"), r"ggbmagic enabled"),
])
def test_extension_is_installed_and_enabled(args: tuple[str, ...], pattern: str) -> None:
    assert re.search(pattern, _listing(*args)), f"`jupyter {' '.join(args)}` lacks ggbmagic"


def test_labextension_carries_the_settings_schema() -> None:
    import ggbmagic

    root = Path(ggbmagic.__file__).parent / "labextension"
    schema = root / "schemas" / "ggbmagic" / "plugin.json"
    assert schema.is_file(), "the settings schema was not built into the labextension"
    text = schema.read_text()
    assert "https://www.geogebra.org/apps/deployggb.js" in text and "html5Codebase" in text
