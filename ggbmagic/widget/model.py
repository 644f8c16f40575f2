"""The anywidget model: the applet's state as the browser sees it (widget.js).

Kernel → browser: ``config`` (how to load GeoGebra), ``widget_id``, ``token`` and
``loopback_port`` (how to reach the kernel's loopback listener), ``restore`` (a
construction to start from after a page reload), ``watch`` (names whose values the
browser mirrors); requests travel as the widget's custom messages.
Browser → kernel (between cells): ``last_event``, ``values`` (the watched objects'
``{"value", "text"}``) and ``png`` (a picture of the construction, for exported
notebooks), which frontends such as marimo turn into reactivity.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["ESM_PATH", "GgbAnyWidget", "missing_esm_hint"]

ESM_PATH = Path(__file__).with_name("static") / "widget.js"


def missing_esm_hint() -> str:
    return (f"ggbmagic's widget code is missing ({ESM_PATH}): build it with "
            "`cd frontend && npm run build:widget`, or reinstall ggbmagic (`pip install .`).")


class GgbAnyWidget(anywidget.AnyWidget):
    """The widget itself; :class:`ggbmagic.widget.GeoGebraWidget` drives it."""

    _esm = ESM_PATH
    widget_id = traitlets.Unicode("").tag(sync=True)
    # The loopback token lives only as long as this kernel's listener: a notebook that
    # saved it holds a key to a lock that is gone.
    token = traitlets.Unicode("").tag(sync=True)
    loopback_port = traitlets.Int(0).tag(sync=True)
    config = traitlets.Dict().tag(sync=True)
    restore = traitlets.Unicode("").tag(sync=True)
    watch = traitlets.List(traitlets.Unicode()).tag(sync=True)
    last_event = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    png = traitlets.Unicode("").tag(sync=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # The live widget where a frontend renders it; its last picture where none does
        # (nbconvert, GitHub, a notebook viewer).
        bundle = super()._repr_mimebundle_(**kwargs)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        if data is None:
            return bundle
        data = dict(data)
        png = self.png
        if png and _is_png(png):
            data["image/png"] = png
        return data, meta


def _is_png(b64: str) -> bool:
    try:
        return base64.b64decode(b64[:16] + "=" * (-len(b64[:16]) % 4)).startswith(b"\x89PNG")
    except ValueError:
        return False
