"""The README's install lines, run exactly as written, in a fresh virtual environment.

Slow (a new venv, JupyterLab and its dependencies from the pip cache), so it is one test
that checks the whole section. It builds ggbmagic's wheel from this tree as the README
says (`pip install .`, with pip's build isolation); the labextension is rebuilt by npm
only when `ggbmagic/labextension/` is absent — after `make install-dev` (as in CI) it is
reused, as the `skip-if-exists` of the build hook says.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: What the README says each check shows.
SHOWS = re.compile(r"#\s*shows:\s*(.+)$")


def readme_install_lines() -> list[tuple[str, str | None]]:
    """(command, what it shows) for each line of the README's install block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Installing in your own environment", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the README's install section has no bash block"
    lines = []
    for raw in block.group(1).splitlines():
        command = raw.split("#", 1)[0].strip()
        if command:
            shows = SHOWS.search(raw)
            lines.append((command, shows.group(1).strip() if shows else None))
    return lines


def test_the_readme_install_block_is_what_this_test_runs() -> None:
    assert readme_install_lines() == [
        ("pip install .", None),
        ("jupyter labextension list", "ggbmagic v0.1.0 enabled OK"),
        ("jupyter server extension list", "ggbmagic enabled"),
    ]


@pytest.mark.install
@pytest.mark.timeout(900)
def test_readme_install_lines_work_in_a_fresh_venv(tmp_path: Path) -> None:
    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR")}
    # PIP_NO_COMPILE: no .pyc for JupyterLab's ~90 packages (most of the CPU time), which
    # changes nothing of what is installed or shown.
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(env_dir),
               PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_COMPILE="1", JUPYTER_PLATFORM_DIRS="1",
               HOME=str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    # The user's pip cache, so that the run reuses what is already downloaded.
    if "PIP_CACHE_DIR" not in env:
        env["PIP_CACHE_DIR"] = str(Path(os.environ.get("HOME", "~")).expanduser()
                                   / ".cache" / "pip")
    for command, shows in readme_install_lines():
        done = subprocess.run(shlex.split(command), cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=850, check=False)
        out = ANSI.sub("", done.stdout + done.stderr)
        assert done.returncode == 0, f"`{command}` failed:\n{out[-3000:]}"
        if shows:
            # The version is the package's; the rest word for word.
            assert re.search(re.escape(shows).replace(r"0\.1\.0", r"\d+\.\d+\.\d+")
                             .replace(r"\ ", r"\s+"), out), f"`{command}` did not show " \
                f"{shows!r}:\n{out[-3000:]}"
    # And the kernel side imports from that environment, not from this test's.
    done = subprocess.run([str(bin_dir / "python"), "-c",
                           "import ggbmagic, jupyterlab, sys; print(ggbmagic.__file__)"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(env_dir)), done.stdout
    assert sys.prefix != str(env_dir)
