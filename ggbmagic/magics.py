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
from traitlets import Bool, Enum, Float, Int, Unicode, observe
from traitlets.config import Configurable

from .applet import GgbScriptError
from .args import LineSyntaxError, split_line
from .diagnose import DEFAULT_MAX_COMMAND_CHARS, DEFAULT_MAX_SCRIPT_CHARS, check_not_python
from .errors import GgbError, set_short_errors
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
_VALUED = {"-t", "--timeout", "--app", "--scale", "-o", "--output", "--load", "--save",
           "--view", "--width", "--height", "--show", "--frames", "--duration"}
_FLAGS = {"-q", "--quiet", "--open", "--inline", "--panel", "--png", "--svg", "--transparent",
          "--continue", "--clear", "-h", "--help", "--allow-javascript", "--nofit", "--animate",
          "--doctor"}


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
    event_buffer_bytes = Int(64 * 1024 * 1024, help="How many bytes of applet events to keep "
                                                    "(estimated; the oldest go first); read at "
                                                    "%load_ext.").tag(config=True)
    callback_queue = Int(10_000, help="How many event callbacks may wait for the kernel "
                                      "(the oldest are dropped and counted in %ggb status); "
                                      "read at %load_ext.").tag(config=True)
    max_ggb_unpacked_bytes = Int(64 * 1024 * 1024, help="Largest total unpacked size of a "
                                                        ".ggb file that load() and save() "
                                                        "accept.").tag(config=True)
    quiet = Bool(False, help="Return nothing from %ggb (errors still show).").tag(config=True)
    allow_javascript = Bool(False, help="Keep the JavaScript of .ggb files that load() and "
                                        "setBase64/setXML/evalXML hand GeoGebra. It runs in "
                                        "the notebook page with your Jupyter rights: only for "
                                        "files you trust.").tag(config=True)
    placement = Enum(["", "panel", "inline"], "",
                     help="Where the applet is shown: 'panel' (beside the notebook), 'inline' "
                          "(in the output of the cell that opens it), or '' for the frontend's "
                          "own setting (Settings → ggbmagic → placement).").tag(config=True)
    max_animation_frames = Int(200, help="Most frames an animation (ggb.animate, "
                                         "%ggb --animate) may have.").tag(config=True)
    max_animation_bytes = Int(20 * 1024 * 1024, help="Largest animated GIF ggb.animate "
                                                     "returns (bytes).").tag(config=True)
    variable = Unicode("ggb", help="Name under which %load_ext binds the GeoGebra object "
                                   "('' for none).").tag(config=True)
    max_command_chars = Int(DEFAULT_MAX_COMMAND_CHARS,
                            help="Longest GeoGebra command (also each script line and each "
                                 "{{value}}) sent to the browser, in characters; longer ones "
                                 "are refused before sending: GeoGebra's parser blocks the "
                                 "page for a time that grows faster than the text (0: no "
                                 "limit).").tag(config=True)
    max_script_chars = Int(DEFAULT_MAX_SCRIPT_CHARS,
                           help="Longest %%ggb script sent to the browser, in characters "
                                "(0: no limit).").tag(config=True)
    short_errors = Bool(True, help="Errors of ggbmagic's Python API (ggb.command, ggb.value, "
                                   "…) show as one message without a traceback through "
                                   "ggbmagic; False shows the full traceback."
                        ).tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, parent=shell, **kwargs)
        set_short_errors(self.short_errors)
        self.geogebra: GeoGebra | None = None
        self.unloaded = False

    @observe("short_errors")
    def _short_errors_changed(self, change: Any) -> None:
        set_short_errors(change["new"])

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
        options, command = split.options, split.command
        if "--animate" in options:
            # %ggb --animate NAME START STOP [options]: options may follow the three words.
            try:
                rest = shlex.split(command)
                more = split_line(" ".join(shlex.quote(w) for w in rest[3:]), _VALUED, _FLAGS)
            except (ValueError, LineSyntaxError) as exc:
                raise UsageError(str(exc)) from None
            if more.command:
                raise UsageError(f"--animate takes NAME START STOP, not {command!r}; e.g. "
                                 "%ggb --animate a 0 5 --frames 20")
            options, command = options + more.options, " ".join(rest[:3])
        # name=value for valued options: argparse would take a value starting with '-'
        # (--view=-1,5,-2,3) for an option.
        words: list[str] = []
        opts = iter(options)
        for word in opts:
            words.append(f"{word}={next(opts)}" if word in _VALUED and word.startswith("--")
                         else word)
        args = parse_argstring(func, " ".join(shlex.quote(t) for t in words))
        return args, command

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
    @argument("--width", type=int, help="picture width in pixels (default 640)")
    @argument("--height", type=int, help="picture height in pixels (default: as the "
                                         "drawing needs)")
    @argument("--view", metavar="XMIN,XMAX,YMIN,YMAX",
              help="the picture shows this window of the plane, e.g. --view=-1,5,-2,3")
    @argument("--nofit", action="store_true",
              help="the picture shows the panel's view (default: framed on the drawing)")
    @argument("--show", action="append", default=[], metavar="NAME",
              help="draw an object GeoGebra created hidden (e.g. a list of points)")
    @argument("--animate", action="store_true",
              help="%%ggb --animate NAME START STOP: an animated GIF of a slider's sweep")
    @argument("--frames", type=int, default=20, help="frames of --animate (default 20)")
    @argument("--duration", type=float, default=0.1,
              help="seconds per frame of --animate (default 0.1)")
    @argument("--transparent", action="store_true", help="PNG with a transparent background")
    @argument("--continue", dest="keep_going", action="store_true",
              help="%%%%ggb: run every line even after a failing one")
    @argument("--clear", action="store_true", help="start from an empty construction")
    @argument("-o", "--output", help="store the result in this Python variable")
    @argument("--load", metavar="FILE.ggb", help="open a .ggb file in the panel")
    @argument("--save", metavar="FILE.ggb", help="save the construction as a .ggb file")
    @argument("--allow-javascript", dest="allow_javascript", action="store_true",
              help="with --load: keep the file's JavaScript (it runs with your Jupyter "
                   "rights; only for files you trust)")
    @line_cell_magic
    def ggb(self, line: str = "", cell: str | None = None) -> Any:
        """Run GeoGebra commands in the panel beside the notebook.

        Line form: one command, result as a table::

            %ggb A = (1, 2)
            %ggb d = Distance(A, {{(4, 6)}})     # {{expr}} inserts a Python value
            %ggb                                  # connection status
            %ggb --png                            # a picture framed on the drawing
            %ggb --png --view=-1,5,-2,3 --width 400  # that window, 400 pixels wide
            %ggb --show L                         # draw L (GeoGebra made it hidden)
            %ggb --animate a 0 5 --frames 20      # an animated GIF of a's sweep
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

    def _picture_options(self, args: Any) -> dict[str, Any]:
        view = None
        if args.view:
            parts = [p for p in args.view.replace(",", " ").split() if p]
            try:
                view = tuple(float(p) for p in parts)
            except ValueError:
                raise UsageError("--view needs four numbers xmin,xmax,ymin,ymax, e.g. "
                                 "--view=-1,5,-2,3") from None
        return {"fit": not args.nofit, "view": view, "width": args.width,
                "height": args.height}

    def _snapshot(self, args: Any) -> Any:
        ggb = self._ggb()
        if args.svg:
            return ggb.svg(**self._picture_options(args))
        return ggb.png(scale=args.scale, transparent=args.transparent,
                       **self._picture_options(args))

    def _show(self, args: Any, timeout: float | None, result: Any = None) -> None:
        names = [n.strip() for names in args.show for n in names.split(",") if n.strip()]
        self._ggb().show(*names, timeout=timeout)
        # The result was read before: it must not say "not drawn" of what is drawn now.
        objects = getattr(result, "objects", None)
        if objects is None and hasattr(result, "lines"):
            objects = [o for line in result.lines for o in line.get("objects") or []]
        for obj in objects or []:
            if isinstance(obj, dict) and obj.get("name") in names:
                obj["visible"] = True
        if not (args.quiet or self.quiet):
            print(f"ggbmagic: {', '.join(names)} drawn (shown in the graphics view)")

    def _animate(self, args: Any, command: str) -> Any:
        """``%ggb --animate NAME START STOP`` (its options were parsed with the others)."""
        words = command.split()
        try:
            if len(words) != 3:
                raise ValueError
            name, start, stop = words[0], float(words[1]), float(words[2])
        except ValueError:
            raise UsageError(f"--animate needs NAME START STOP, not {command!r}; e.g. "
                             "%ggb --animate a 0 5 --frames 20") from None
        frames, duration = args.frames, args.duration
        return self._ggb().animate(name, start, stop, frames, duration=duration,
                                   scale=args.scale, **self._picture_options(args))

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
        if args.allow_javascript and not args.load:
            raise UsageError("--allow-javascript goes with --load, e.g. "
                             "%ggb --load lesson.ggb --allow-javascript")
        if args.load:
            ggb.load(args.load, timeout=timeout, allow_javascript=args.allow_javascript or None)
        if args.animate:
            return self._finish(args, self._animate(args, command))
        result: Any = None
        if command:
            check_not_python(command)
            text = interpolate(command, self._namespace(), max_chars=self.max_command_chars)
            result = ggb.command(text, timeout=timeout)
        if args.show:
            self._show(args, timeout, result)
        if args.save:
            ggb.save(args.save, timeout=timeout)
        if result is None and not (args.png or args.svg or args.load or args.save
                                   or args.open or args.inline or args.panel
                                   or args.clear or args.show):
            result = ggb.status()
        return self._finish(args, result)

    def _run_cell(self, args: Any, cell: str) -> Any:
        ggb = self._ggb()
        timeout = self._timeout(args)
        parsed = parse_script(cell)
        for parsed_line in parsed:
            check_not_python(parsed_line.text, parsed_line.line)
        lines = interpolate_lines(parsed, self._namespace(), max_chars=self.max_command_chars)
        if args.clear:
            ggb.clear()
        if args.load:
            ggb.load(args.load, timeout=timeout, allow_javascript=args.allow_javascript or None)
        try:
            result = ggb.script(lines, stop_on_error=not args.keep_going, timeout=timeout)
        except GgbScriptError as exc:
            # Lose nothing: keep and show what ran, then say which line failed.
            self._store(args.output, exc.result)
            display(exc.result)
            raise UsageError(str(exc)) from None
        if args.show:
            self._show(args, timeout, result)
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
    @argument("--clear", action="store_true",
              help="forget the stored events and say how many (no table; -o keeps it)")
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
                stored = self._ggb().clear_events()
                # Say it: the table alone looks as if nothing happened.
                print(f"ggbmagic: cleared the {stored} stored event(s); new events are "
                      "counted from here.")
                return None
        return table
