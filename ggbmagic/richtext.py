"""Rich renderables as text/plain and text/html, and browser text kept as text.

``RichRepr`` gives a result object both reprs from its ``__rich__``; ``plain`` is how
every value from the browser enters a table (never parsed as markup).
"""

from __future__ import annotations

import io
import re
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

__all__ = ["RichRepr", "no_controls", "plain", "render_html", "render_text"]

# C0 controls but tab and newline (ESC starts a terminal escape sequence), DEL, C1
# controls (0x9b is a one-byte CSI) and the bidirectional overrides that reorder text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def no_controls(text: str) -> str:
    r"""*text* with its control characters shown as escapes (``\x1b``): text from the
    applet must not move the cursor, recolour or clear a terminal that shows text/plain
    or a repr (issue 15). Tabs and newlines stay.

    >>> no_controls(chr(27) + "[2Jred" + chr(0x9b) + "1m")
    '\\x1b[2Jred\\x9b1m'
    """
    return _CONTROLS.sub(_escape, text)

_WIDTH = 110


def _console(**kwargs: Any) -> Console:
    # force_jupyter=False: in a kernel rich would otherwise display() as a side effect.
    return Console(file=io.StringIO(), width=_WIDTH, record=True, force_jupyter=False, **kwargs)


def render_text(renderable: RenderableType) -> str:
    """Plain text of a rich renderable (no colour codes)."""
    console = _console(color_system=None, force_terminal=False)
    console.print(renderable)
    return no_controls(console.export_text().rstrip("\n"))


def render_html(renderable: RenderableType) -> str:
    """Self-contained HTML of a rich renderable (inline styles, no stylesheet needed)."""
    console = _console(color_system="truecolor", force_terminal=True)
    console.print(renderable)
    return console.export_html(
        inline_styles=True,
        code_format=(
            '<pre class="ggbmagic-result" style="font-family:var(--jp-code-font-family,'
            'monospace);font-size:var(--jp-code-font-size,13px);line-height:1.3;'
            'margin:0;white-space:pre">{code}</pre>'
        ),
    )


class RichRepr:
    """Mixin: text/plain and text/html from ``__rich__``."""

    def __rich__(self) -> RenderableType:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        renderable = self.__rich__()
        return {"text/plain": render_text(renderable), "text/html": render_html(renderable)}

    def __repr__(self) -> str:
        return render_text(self.__rich__())


def plain(value: Any, default: str = "") -> Text:
    """Text from the browser as rich *text*, never parsed as markup.

    Every value that came from the applet (names, values, definitions, event fields,
    applet info) goes through here before it reaches a table: rich would otherwise read
    ``[link=…]`` or ``[/x]`` in a GeoGebra text as markup (an ``<a href>`` in the
    notebook's HTML, or a MarkupError). Anything that is not a string is shown as
    ``str()``; None or a missing field as *default*.

    >>> plain("[b]A[/b]").plain, plain(None, "—").plain, plain(3).plain
    ('[b]A[/b]', '—', '3')
    """
    return Text(no_controls(default if value is None else str(value)))
