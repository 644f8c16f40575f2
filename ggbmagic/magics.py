"""IPython glue: parse the magic's line, call the Python API (applet.py), return a result.

Options are traitlets, so ``%config GgbMagics.timeout = 10`` works.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display
from traitlets import Bool, Enum, Float, Int, Unicode
from traitlets.config import Configurable

from .applet import GgbScriptError
from .args import LineSyntaxError, split_line
from .errors import GgbError
from .script import InterpolationError, interpolate, interpolate_lines, parse_script

if TYPE_CHECKING:
    from .applet import GeoGebra

__all__ = ["GgbMagics"]

NEEDS_FRONTEND = (
    "ggbmagic needs a Jupyter notebook frontend: the GeoGebra applet lives in the browser. "
    "Open this notebook in JupyterLab 4 or Notebook 7 with the ggbmagic extension installed "
    "(`pip install ggbmagic`), then run `%load_ext ggbmagic` there."
)

# Options of %ggb / %%ggb, for splitting the line before the verbatim GeoGebra command.
_VALUED = {"-t", "--timeout", "--app", "--scale", "-o", "--output", "--load", "--save"}
_FLAGS = {"-q", "--quiet", "--open", "--inline", "--panel", "--png", "--svg", "--transparent",
          "--continue", "--clear", "-h", "--help", "--doctor"}


@contextmanager
def _user_errors() -> Iterator[None]:
    """User mistakes and GeoGebra's refusals become UsageError: a message, no traceback."""
    try:
        yield
    except (GgbError, InterpolationError, LineSyntaxError) as exc:
        raise UsageError(str(exc)) from None
    except (TypeError, ValueError) as exc:  # bad option values, unsupported {{…}} values
        raise UsageError(str(exc)) from None


@magics_class
class GgbMagics(Magics, Configurable):
    """``%ggb``, ``%%ggb`` and ``%ggb_events``: GeoGebra from a notebook cell."""

    timeout = Float(5.0, help="Seconds to wait for GeoGebra's answer to one request "
                              "(a script gets 10 ms more per line).").tag(config=True)
    ready_timeout = Float(30.0, help="Seconds to wait for a fresh applet to load "
                                     "(it comes from the network).").tag(config=True)
    connect_timeout = Float(10.0, help="Seconds to wait for the browser to connect before "
                                       "saying no frontend is there.").tag(config=True)
    max_frame_bytes = Int(16 * 1024 * 1024, help="Largest frame accepted from the browser; "
                                                 "larger ones are refused.").tag(config=True)
    event_buffer = Int(10_000, help="How many applet events to keep (the oldest go first); "
                                    "read at %load_ext.").tag(config=True)
    callback_queue = Int(10_000, help="How many event callbacks may wait for the kernel "
                                      "(the oldest are dropped and counted in %ggb status); "
                                      "read at %load_ext.").tag(config=True)
    max_ggb_unpacked_bytes = Int(64 * 1024 * 1024, help="Largest total unpacked size of a "
                                                        ".ggb file that load() and save() "
                                                        "accept.").tag(config=True)
    quiet = Bool(False, help="Return nothing from %ggb (errors still show).").tag(config=True)
    placement = Enum(["", "panel", "inline"], "",
                     help="Where the applet is shown: 'panel' (beside the notebook), 'inline' "
                          "(in the output of the cell that opens it), or '' for the frontend's "
                          "own setting (Settings → ggbmagic → placement).").tag(config=True)
    variable = Unicode("ggb", help="Name under which %load_ext binds the GeoGebra object "
                                   "('' for none).").tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, parent=shell, **kwargs)
        self.geogebra: GeoGebra | None = None
        self.unloaded = False

    # --- helpers ----------------------------------------------------------------------

    def _ggb(self) -> GeoGebra:
        if self.geogebra is None:
            if self.unloaded:
                raise UsageError("ggbmagic was unloaded: run `%load_ext ggbmagic` again.")
            raise UsageError(NEEDS_FRONTEND)
        return self.geogebra

    def _namespace(self) -> dict[str, Any]:
        return self.shell.user_ns if self.shell is not None else {}

    def _store(self, name: str | None, value: Any) -> None:
        if name:
            if not name.isidentifier():
                raise UsageError(f"-o needs a Python variable name, not {name!r}")
            self._namespace()[name] = value

    def _parse(self, func: Callable[..., Any], line: str) -> tuple[Any, str]:
        try:
            split = split_line(line, _VALUED, _FLAGS)
        except LineSyntaxError as exc:
            raise UsageError(str(exc)) from None
        args = parse_argstring(func, " ".join(shlex.quote(t) for t in split.options))
        return args, split.command

    # --- %ggb / %%ggb -----------------------------------------------------------------

    @no_var_expand
    @magic_arguments()
    @argument("-h", "--help", action="store_true", help="show this help")
    @argument("-t", "--timeout", type=float, help="seconds to wait for GeoGebra's answer")
    @argument("-q", "--quiet", action="store_true", help="return nothing (errors still show)")
    @argument("--open", action="store_true", help="open (or reveal) the GeoGebra panel")
    @argument("--doctor", action="store_true",
              help="which path answers (relay, subshell, after-cell), why, and fix-its")
    @argument("--inline", action="store_true",
              help="open the applet in this cell's output (implies --open)")
    @argument("--panel", action="store_true",
              help="open the applet in the panel beside the notebook (implies --open)")
    @argument("--app", help="with --open: the GeoGebra app (classic, graphing, geometry, 3d…)")
    @argument("--png", action="store_true", help="end with a PNG snapshot of the construction")
    @argument("--svg", action="store_true", help="end with an SVG snapshot")
    @argument("--scale", type=float, default=1.0, help="PNG scale (default 1)")
    @argument("--transparent", action="store_true", help="PNG with a transparent background")
    @argument("--continue", dest="keep_going", action="store_true",
              help="%%%%ggb: run every line even after a failing one")
    @argument("--clear", action="store_true", help="start from an empty construction")
    @argument("-o", "--output", help="store the result in this Python variable")
    @argument("--load", metavar="FILE.ggb", help="open a .ggb file in the panel")
    @argument("--save", metavar="FILE.ggb", help="save the construction as a .ggb file")
    @line_cell_magic
    def ggb(self, line: str = "", cell: str | None = None) -> Any:
        """Run GeoGebra commands in the panel beside the notebook.

        Line form: one command, result as a table::

            %ggb A = (1, 2)
            %ggb d = Distance(A, {{(4, 6)}})     # {{expr}} inserts a Python value
            %ggb                                  # connection status
            %ggb --png                            # a snapshot of the construction
            %ggb --open --app geometry            # (re)open the panel
            %ggb --doctor                         # which path answers, and why
            %ggb --open --inline                  # the applet in this cell's output
            %ggb --save lesson.ggb / --load lesson.ggb

        Cell form: a script, one command a line, ``#`` comments; stops at the first
        failing line and names it, unless ``--continue``::

            %%ggb -o result
            B = (4, 6)
            d = Distance(A, B)

        Options go before the command; put ``--`` before a command that starts with '-'.
        """
        args, command = self._parse(self.ggb, line)
        if args.help:
            print(self.ggb.parser.format_help())
            return None
        with _user_errors():
            if cell is not None:
                if command:
                    raise UsageError(
                        "%%ggb takes its commands from the cell body; move "
                        f"{command!r} to a line of its own below %%ggb."
                    )
                return self._run_cell(args, cell)
            return self._run_line(args, command)

    def _timeout(self, args: Any) -> float | None:
        if args.timeout is not None and args.timeout <= 0:
            raise UsageError("--timeout needs a positive number of seconds, e.g. --timeout 10")
        return args.timeout  # type: ignore[no-any-return]

    def _snapshot(self, args: Any) -> Any:
        ggb = self._ggb()
        if args.svg:
            return ggb.svg()
        return ggb.png(scale=args.scale, transparent=args.transparent)

    def _finish(self, args: Any, result: Any) -> Any:
        """Store, show the snapshot if asked, and honour --quiet."""
        self._store(args.output, result)
        quiet = args.quiet or self.quiet
        if args.png or args.svg:
            if result is not None and not quiet:
                display(result)
            return self._snapshot(args)
        return None if quiet else result

    def _run_line(self, args: Any, command: str) -> Any:
        ggb = self._ggb()
        timeout = self._timeout(args)
        if args.doctor:
            return self._finish(args, ggb.doctor())
        if args.inline and args.panel:
            raise UsageError("choose one place: --inline (in this cell) or --panel (beside "
                             "the notebook)")
        if args.open or args.inline or args.panel:
            ggb.open(args.app, "inline" if args.inline else "panel" if args.panel else None)
        elif args.app:
            raise UsageError("--app goes with --open, e.g. %ggb --open --app geometry")
        if args.clear:
            ggb.clear()
        if args.load:
            ggb.load(args.load, timeout=timeout)
        result: Any = None
        if command:
            text = interpolate(command, self._namespace())
            result = ggb.command(text, timeout=timeout)
        if args.save:
            ggb.save(args.save, timeout=timeout)
        if result is None and not (args.png or args.svg or args.load or args.save
                                   or args.open or args.inline or args.panel
                                   or args.clear):
            result = ggb.status()
        return self._finish(args, result)

    def _run_cell(self, args: Any, cell: str) -> Any:
        ggb = self._ggb()
        timeout = self._timeout(args)
        lines = interpolate_lines(parse_script(cell), self._namespace())
        if args.clear:
            ggb.clear()
        if args.load:
            ggb.load(args.load, timeout=timeout)
        try:
            result = ggb.script(lines, stop_on_error=not args.keep_going, timeout=timeout)
        except GgbScriptError as exc:
            # Lose nothing: keep and show what ran, then say which line failed.
            self._store(args.output, exc.result)
            display(exc.result)
            raise UsageError(str(exc)) from None
        if result.failed:
            numbers = ", ".join(str(line["line"]) for line in result.failed)
            print(f"ggbmagic: {len(result.failed)} line(s) failed: {numbers}", file=sys.stderr)
        if args.save:
            ggb.save(args.save, timeout=timeout)
        return self._finish(args, result)

    # --- %ggb_events ------------------------------------------------------------------

    @magic_arguments()
    @argument("--type", action="append", default=[], metavar="TYPE",
              help="only events of this type (add, update, remove, rename, clear, select, "
                   "dragEnd, …); repeat for several")
    @argument("--target", help="only events of this object")
    @argument("--tail", type=int, default=None, metavar="N", help="only the last N events")
    @argument("--clear", action="store_true", help="forget the stored events afterwards")
    @argument("-o", "--output", help="store the event table in this Python variable")
    @line_magic
    def ggb_events(self, line: str = "") -> Any:
        """Show recent GeoGebra applet events (add, update, remove, rename, clear, select,
        dragEnd, …) as a table::

            %ggb_events --type update --tail 10
        """
        args = parse_argstring(self.ggb_events, line)
        if args.tail is not None and args.tail < 0:
            raise UsageError("--tail needs a count of 0 or more, e.g. --tail 10")
        with _user_errors():
            table = self._ggb().event_table(types=args.type, target=args.target, tail=args.tail)
            self._store(args.output, table)
            if args.clear:
                self._ggb().clear_events()
        return table
