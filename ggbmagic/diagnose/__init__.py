"""Why a GeoGebra line failed, told from its text: pure parsing and classification.

GeoGebra itself never says why (docs/architecture.md, "Errors that name the cause"), so
the kernel reads the line: Python typed into a GeoGebra cell (:mod:`.python`), an
unknown command word with the nearest GeoGebra names, a command that needs the CAS,
outputs GeoGebra answered ``undefined`` for (:mod:`.failures`); and sizes too long for
GeoGebra to parse without freezing the page (:mod:`.sizes`). Every function here is
pure and tested from tables (tests/unit/test_diagnose.py).
"""

from __future__ import annotations

from .command_names import CAS_COMMANDS, COMMANDS
from .failures import (
    cas_commands,
    command_words,
    explain_failure,
    nearest_commands,
    no_cas_note,
    redefined_note,
    unknown_commands,
)
from .python import PythonLineError, check_not_python, python_reason
from .sizes import (
    DEFAULT_MAX_COMMAND_CHARS,
    DEFAULT_MAX_SCRIPT_CHARS,
    SizeLimitError,
    check_command_size,
    check_script_size,
    check_value_size,
)

__all__ = [
    "CAS_COMMANDS",
    "COMMANDS",
    "DEFAULT_MAX_COMMAND_CHARS",
    "DEFAULT_MAX_SCRIPT_CHARS",
    "PythonLineError",
    "SizeLimitError",
    "cas_commands",
    "check_command_size",
    "check_not_python",
    "check_script_size",
    "check_value_size",
    "command_words",
    "explain_failure",
    "nearest_commands",
    "no_cas_note",
    "python_reason",
    "redefined_note",
    "unknown_commands",
]
