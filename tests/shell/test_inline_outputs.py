"""The inline output (ggbmagic/inline.py) and the placement checks, in a real
InteractiveShell: what is displayed, when it is refreshed, and what a browser's
`placement` frame makes the next request do. No browser: the applet's answers come from
a stand-in ``call``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from IPython.utils.capture import capture_output

from ggbmagic.applet import DefaultSettings, GeoGebra
from ggbmagic.channel import Channel
from ggbmagic.errors import GgbError, NoPlaceError
from ggbmagic.inline import MIME_TYPE, InlineOutputs, bundle

from .conftest import TestingShell


@pytest.mark.parametrize(("ggb", "png", "keys"), [
    (None, None, {MIME_TYPE, "text/plain"}),
    ("UEsDBA==", None, {MIME_TYPE, "text/plain"}),
    ("UEsDBA==", "iVBORw0=", {MIME_TYPE, "text/plain", "image/png"}),
    (None, "", {MIME_TYPE, "text/plain"}),
])
def test_bundle_carries_the_construction_and_the_picture(
        ggb: str | None, png: str | None, keys: set[str]) -> None:
    data = bundle("k-1", ggb, png)
    assert set(data) == keys
    assert data[MIME_TYPE] == {"v": 1, "kernel_id": "k-1", "ggb": ggb}
    assert "GeoGebra" in data["text/plain"]


class Applet:
    """Stands in for the browser's answers to getBase64 / getPNGBase64."""

    def __init__(self) -> None:
        self.ggb = "UEsDBAo="
        self.png = "iVBORw0KGgo="
        self.fail: Exception | None = None
        self.calls: list[str] = []

    def call(self, method: str, *args: Any) -> Any:
        self.calls.append(method)
        if self.fail is not None:
            raise self.fail
        return {"getBase64": self.ggb, "getPNGBase64": self.png}[method]


def outputs(shell: TestingShell, fn: Callable[[], Any]) -> list[Any]:
    with capture_output() as cap:
        fn()
    return list(cap.outputs)


def test_show_then_refresh_updates_the_same_display(shell: TestingShell) -> None:
    applet = Applet()
    ready = {"now": False}
    inline = InlineOutputs("k-1", applet.call, lambda: ready["now"])

    assert outputs(shell, inline.refresh) == [], "nothing shown yet: nothing to refresh"
    shown = outputs(shell, inline.show)
    assert len(shown) == 1
    assert shown[0].transient == {"display_id": inline.display_id}
    assert "image/png" not in shown[0].data
    assert outputs(shell, inline.refresh) == [], "not ready: the refresh never waits"
    assert applet.calls == []

    ready["now"] = True
    updated = outputs(shell, inline.refresh)
    assert len(updated) == 1 and updated[0].update
    assert updated[0].transient == {"display_id": inline.display_id}
    assert updated[0].data["image/png"] == applet.png
    assert updated[0].data[MIME_TYPE]["ggb"] == applet.ggb
    assert outputs(shell, inline.refresh) == [], "unchanged: no update"

    applet.ggb = "UEsDBBQ="
    assert outputs(shell, inline.refresh) == [], "no event said it changed: no copy"
    inline.keeper.on_events([{"type": "select", "target": "A"}])
    assert outputs(shell, inline.refresh) == [], "a selection changes no file"
    inline.keeper.on_events([{"type": "update", "target": "A"}])
    assert len(outputs(shell, inline.refresh)) == 1
    assert inline.ggb_b64 == "UEsDBBQ="
    assert applet.calls.count("getBase64") == 2


@pytest.mark.parametrize("error", [GgbError("browser gone"), TimeoutError("slow"),
                                   ValueError("odd")])
def test_refresh_after_a_cell_never_raises(shell: TestingShell, error: Exception) -> None:
    applet = Applet()
    inline = InlineOutputs("k-1", applet.call, lambda: True)
    outputs(shell, inline.show)
    applet.fail = error
    assert outputs(shell, inline.post_run_cell) == []
    assert inline.ggb_b64 is None


def test_show_once_shows_one_output_per_cell(shell: TestingShell) -> None:
    inline = InlineOutputs("k-1", Applet().call, lambda: True)
    assert len(outputs(shell, lambda: (inline.show_once(), inline.show_once()))) == 1
    shell.execution_count += 1
    assert len(outputs(shell, inline.show_once)) == 1


@pytest.fixture
def ggb(tmp_path: Path, shell: TestingShell) -> GeoGebra:
    sent: list[dict[str, Any]] = []
    channel = Channel(kernel_id="k-1", runtime_dir=tmp_path, send=sent.append,
                      hello=lambda: None)
    return GeoGebra(channel, settings=DefaultSettings())


def test_no_place_fails_with_what_to_do(ggb: GeoGebra) -> None:
    ggb.channel.placement = {"where": "none", "hosted": False,
                             "message": "Jupyter Foo has no main or right side area for it"}
    with pytest.raises(NoPlaceError) as info:
        ggb._check_placement()
    text = str(info.value)
    assert "no place beside the notebook" in text
    assert "Jupyter Foo has no main or right side area" in text
    assert "%ggb --open --inline" in text


@pytest.mark.parametrize(("placement", "displays"), [
    ({}, 0),
    ({"where": "panel", "hosted": True}, 0),
    ({"where": "inline", "hosted": True}, 0),
    ({"where": "inline", "hosted": False}, 1),
])
def test_inline_without_an_output_gets_one(shell: TestingShell, ggb: GeoGebra,
                                           placement: dict[str, Any], displays: int) -> None:
    ggb.channel.placement = placement
    shown = outputs(shell, ggb._check_placement)
    assert len(shown) == displays
    assert all(MIME_TYPE in o.data for o in shown)


def test_open_inline_sends_open_then_displays(shell: TestingShell, tmp_path: Path) -> None:
    sent: list[dict[str, Any]] = []
    channel = Channel(kernel_id="k-1", runtime_dir=tmp_path, send=sent.append,
                      hello=lambda: None)
    ggb = GeoGebra(channel, settings=DefaultSettings(connect_timeout=0.01))
    with capture_output() as cap, pytest.raises(GgbError):
        ggb.open(placement="inline")  # no browser: the wait fails, the output is there
    assert sent[0]["type"] == "open" and sent[0]["placement"] == "inline"
    assert [MIME_TYPE in o.data for o in cap.outputs] == [True]
    with pytest.raises(ValueError, match="'panel' or 'inline'"):
        ggb.open(placement="left")


def test_the_fallback_picture_is_framed_and_taken_only_when_the_construction_changed(
        shell: TestingShell) -> None:
    applet = Applet()
    pictures: list[str] = []

    def picture() -> str:  # GeoGebra passes its framed png(), base64
        pictures.append("framed")
        return f"iVBORframed{len(pictures)}="

    inline = InlineOutputs("k-1", applet.call, lambda: True, picture)
    outputs(shell, inline.show)
    [updated] = outputs(shell, inline.refresh)
    assert updated.data["image/png"] == "iVBORframed1="
    assert "getPNGBase64" not in applet.calls, "the unframed panel view was taken"
    assert outputs(shell, inline.refresh) == [] and len(pictures) == 1, "unchanged: no picture"
    applet.ggb = "UEsDBBQ="
    inline.keeper.on_events([{"type": "update", "target": "A"}])  # what says it changed
    assert len(outputs(shell, inline.refresh)) == 1 and len(pictures) == 2
