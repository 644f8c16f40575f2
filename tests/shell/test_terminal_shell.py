"""ggbmagic in a real IPython shell without a kernel (terminal IPython).

The magics load, and every use that needs the GeoGebra panel says plainly, as a
UsageError (no traceback), that a Jupyter notebook frontend is needed. Parsing
mistakes are reported before that, with a fix-it sentence.
"""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from ggbmagic import _extension
from ggbmagic.errors import NoFrontendError
from ggbmagic.magics import GgbMagics

from .conftest import TestingShell

# ------------------------------------------------------------------- loading


def test_load_ext_registers_the_magics(loaded: TestingShell) -> None:
    assert "ggbmagic" in loaded.extension_manager.loaded
    magics = loaded.magics_manager.magics
    assert "ggb" in magics["line"]
    assert "ggb" in magics["cell"]
    assert "ggb_events" in magics["line"]
    assert isinstance(loaded.magics_manager.registry["GgbMagics"], GgbMagics)


def test_load_ext_without_kernel_starts_no_channel(loaded: TestingShell) -> None:
    current = _extension.current()
    assert current is not None
    assert current.shell is loaded
    assert current.channel is None
    assert current.link is None
    assert current.magics.geogebra is None
    assert "ggb" not in loaded.user_ns  # nothing to bind without a panel


def test_magics_are_configurable(loaded: TestingShell) -> None:
    magics = loaded.magics_manager.registry["GgbMagics"]
    assert magics in loaded.configurables


def test_load_ext_in_a_plain_shell_prints_no_error(plain_shell: InteractiveShell,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    result = plain_shell.run_cell("%load_ext ggbmagic")
    assert result.success
    out, err = capsys.readouterr()
    assert "Error" not in out + err


# ------------------------------------------------------------------- needs a frontend

NEEDS_FRONTEND: list[tuple[str, str, str, str | None]] = [
    # (id, magic, line, cell)
    ("command", "ggb", "A = (1, 2)", None),
    ("status", "ggb", "", None),
    ("quoted command", "ggb", 'SetColor(A, "red")', None),
    ("negative command", "ggb", "-2 + 3", None),
    ("-- command", "ggb", "-- -A", None),
    ("png", "ggb", "--png", None),
    ("open", "ggb", "--open --app geometry", None),
    ("save", "ggb", "--save lesson.ggb", None),
    ("load allowing its javascript", "ggb", "--load lesson.ggb --allow-javascript", None),
    ("options and command", "ggb", "-q -t 2 -o res A = (1, 2)", None),
    ("script", "ggb", "", "A = (1, 2)\nB = (4, 6)\nd = Distance(A, B)"),
    ("script with options", "ggb", "--continue -o res", "A = (1, 2)"),
    ("comments-only script", "ggb", "", "# nothing to run yet"),
    ("events", "ggb_events", "", None),
    ("filtered events", "ggb_events", "--type update --target A --tail 3", None),
]


def _run(shell: InteractiveShell, magic: str, line: str, cell: str | None) -> object:
    if cell is None:
        return shell.run_line_magic(magic, line)
    return shell.run_cell_magic(magic, line, cell)


@pytest.mark.parametrize(("magic", "line", "cell"), [c[1:] for c in NEEDS_FRONTEND],
                         ids=[c[0] for c in NEEDS_FRONTEND])
def test_needs_a_notebook_frontend(loaded: TestingShell, magic: str, line: str,
                                   cell: str | None) -> None:
    with pytest.raises(UsageError) as info:
        _run(loaded, magic, line, cell)
    message = str(info.value)
    assert "Jupyter notebook frontend" in message
    assert "JupyterLab" in message
    assert "%load_ext ggbmagic" in message


@pytest.mark.parametrize("source", [
    "%ggb A = (1, 2)",
    "%%ggb\nA = (1, 2)\n",
    "%ggb_events",
], ids=["line", "cell", "events"])
def test_run_cell_raises_the_usage_error(loaded: TestingShell, source: str) -> None:
    with pytest.raises(UsageError, match="Jupyter notebook frontend"):
        loaded.run_cell(source)


def test_user_sees_a_message_not_a_traceback(plain_shell: InteractiveShell,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    plain_shell.run_cell("%load_ext ggbmagic")
    capsys.readouterr()
    result = plain_shell.run_cell("%ggb A = (1, 2)")
    assert not result.success
    assert isinstance(result.error_in_exec, UsageError)
    out, err = capsys.readouterr()
    shown = out + err
    assert "UsageError: ggbmagic needs a Jupyter notebook frontend" in shown
    assert "Traceback" not in shown


def test_python_api_says_what_to_do(loaded: TestingShell) -> None:
    with pytest.raises(NoFrontendError, match="JupyterLab notebook"):
        loaded.run_cell("from ggbmagic import GeoGebra\nGeoGebra()")


# ------------------------------------------------------------------- line mistakes

LINE_MISTAKES: list[tuple[str, str, str, str | None, list[str]]] = [
    # (id, magic, line, cell, substrings of the message)
    ("unknown option", "ggb", "--bogus A = (1, 2)", None, ["'--bogus'", "`--`", "%ggb?"]),
    ("command starting with -", "ggb", "-A + 1", None, ["'-A'", "put `--` before it"]),
    ("unknown option in a cell", "ggb", "--bogus", "A = (1, 2)", ["'--bogus'", "`--`"]),
    ("option without value", "ggb", "--timeout", None, ["--timeout needs a value"]),
    ("cell with option without value", "ggb", "-o", "A = 1", ["-o needs a value"]),
    ("bad number", "ggb", "--timeout soon A = 1", None, ["soon"]),
    ("command on the %%ggb line", "ggb", "A = (1, 2)", "B = (4, 6)",
     ["'A = (1, 2)'", "line of its own"]),
    ("negative tail", "ggb_events", "--tail -1", None, ["--tail needs a count"]),
    ("unknown events option", "ggb_events", "--bogus", None, ["--bogus"]),
]


@pytest.mark.parametrize(("magic", "line", "cell", "needles"), [c[1:] for c in LINE_MISTAKES],
                         ids=[c[0] for c in LINE_MISTAKES])
def test_line_mistakes_are_usage_errors(loaded: TestingShell, magic: str, line: str,
                                        cell: str | None, needles: list[str]) -> None:
    with pytest.raises(UsageError) as info:
        _run(loaded, magic, line, cell)
    message = str(info.value)
    assert "Jupyter notebook frontend" not in message  # reported before needing one
    for needle in needles:
        assert needle in message


@pytest.mark.parametrize("line", ["-h", "--help"])
def test_help_flag_shows_help_without_a_frontend(loaded: TestingShell,
                                                 capsys: pytest.CaptureFixture[str],
                                                 line: str) -> None:
    # -h/--help are among the flags %ggb accepts (magics._FLAGS): they must show the
    # options, as `%ggb?` does, not fail with "unrecognized arguments".
    assert loaded.run_line_magic("ggb", line) is None
    out = capsys.readouterr().out
    assert "%ggb" in out
    assert "--timeout" in out


def test_docstring_documents_the_options(loaded: TestingShell) -> None:
    doc = loaded.find_line_magic("ggb").__doc__ or ""
    assert "%%ggb" in doc
    assert "--timeout" in doc
    assert "`--`" in doc or "--" in doc


# ------------------------------------------------------------------- %config

@pytest.mark.parametrize(("assignment", "trait", "value"), [
    ("GgbMagics.timeout = 10", "timeout", 10.0),
    ("GgbMagics.ready_timeout = 2.5", "ready_timeout", 2.5),
    ("GgbMagics.quiet = True", "quiet", True),
    ("GgbMagics.event_buffer = 50", "event_buffer", 50),
    ("GgbMagics.variable = 'geo'", "variable", "geo"),
])
def test_config_changes_the_registered_magics(loaded: TestingShell, assignment: str,
                                              trait: str, value: object) -> None:
    magics = loaded.magics_manager.registry["GgbMagics"]
    assert getattr(magics, trait) != value
    loaded.run_line_magic("config", assignment)
    assert getattr(magics, trait) == value
    assert magics is _extension.current().magics  # type: ignore[union-attr]


def test_config_lists_the_options(loaded: TestingShell,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    loaded.run_line_magic("config", "GgbMagics")
    out = capsys.readouterr().out
    for trait in ("timeout", "ready_timeout", "connect_timeout", "max_frame_bytes",
                  "event_buffer", "quiet", "variable"):
        assert f"GgbMagics.{trait}" in out


# ------------------------------------------------------------------- unloading

@pytest.mark.parametrize(("magic", "line", "cell"), [
    ("ggb", "A = (1, 2)", None),
    ("ggb", "", "A = (1, 2)"),
    ("ggb_events", "", None),
], ids=["line", "cell", "events"])
def test_after_unload_ext_magics_say_to_load_again(loaded: TestingShell, magic: str,
                                                   line: str, cell: str | None) -> None:
    loaded.run_line_magic("unload_ext", "ggbmagic")
    assert _extension.current() is None
    with pytest.raises(UsageError) as info:
        _run(loaded, magic, line, cell)
    assert "unloaded" in str(info.value)
    assert "%load_ext ggbmagic" in str(info.value)


def test_load_again_after_unload(loaded: TestingShell) -> None:
    loaded.run_line_magic("unload_ext", "ggbmagic")
    loaded.run_line_magic("load_ext", "ggbmagic")
    assert _extension.current() is not None
    with pytest.raises(UsageError) as info:
        loaded.run_line_magic("ggb", "A = (1, 2)")
    assert "Jupyter notebook frontend" in str(info.value)  # not "unloaded" any more


def test_unload_twice_is_harmless(loaded: TestingShell) -> None:
    loaded.run_line_magic("unload_ext", "ggbmagic")
    _extension.unload(loaded)  # nothing loaded: no error
    assert _extension.current() is None
