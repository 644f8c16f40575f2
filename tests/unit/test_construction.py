"""The kernel's copy of the construction (ggbmagic/construction/): when it is stale, what
a copy costs, what a ready applet hands over, and the copies between cells on the
kernel's event loop. No browser: ``getBase64`` answers come from stand-ins."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path
from typing import Any

import pytest

from ggbmagic import protocol
from ggbmagic.channel import Channel
from ggbmagic.construction import ConstructionStore, Keeper
from ggbmagic.construction import keeper as keeper_module


@pytest.mark.parametrize(("types", "stale"), [
    (["add"], True),
    (["update"], True),
    (["remove"], True),
    (["rename"], True),
    (["clear"], True),
    (["updateStyle"], True),
    (["viewChanged2D"], True),
    (["select", "update"], True),
    (["select"], False),
    (["deselect", "mouseDown"], False),
    (["dragEnd"], False),
    ([], False),
])
def test_which_events_make_the_copy_stale(types: list[str], stale: bool) -> None:
    store = ConstructionStore()
    assert store.stale, "nothing copied yet"
    store.take("UEs=", store.stamp())
    assert not store.stale
    assert store.changed(types) is stale
    assert store.stale is stale


def test_a_change_during_a_copy_keeps_it_stale_and_an_older_copy_loses() -> None:
    store = ConstructionStore()
    stamp = store.stamp()
    store.changed(["add"])  # lands while the copy travels
    assert store.take("old", stamp, 2.0) is True
    assert store.stale
    newer = store.stamp()
    assert store.take("new", newer, 3.0) and not store.stale
    assert store.take("older", stamp) is False, "an older copy arrives late"
    assert store.b64 == "new"
    assert (store.cost.copies, store.cost.total_ms, store.cost.last_bytes) == (2, 5.0, 3)


class Applet:
    def __init__(self) -> None:
        self.ready = True
        self.b64 = "UEsDBAo="
        self.calls = 0

    def copy(self) -> Any:
        self.calls += 1
        return self.b64


def test_refresh_copies_only_when_something_changed_and_an_applet_answers() -> None:
    applet = Applet()
    keeper = Keeper(lambda: applet.ready, applet.copy, _no_async)
    applet.ready = False
    assert keeper.refresh() is False and applet.calls == 0, "never waits for a browser"
    applet.ready = True
    assert keeper.refresh() is True and keeper.store.b64 == "UEsDBAo="
    assert keeper.refresh() is False and applet.calls == 1, "nothing changed: no copy"
    keeper.on_events([{"type": "select", "target": "A"}])
    assert keeper.refresh() is False and applet.calls == 1
    keeper.on_events([{"type": "update", "target": "A"}])
    applet.b64 = "UEsDBBQ="
    assert keeper.refresh() is True and applet.calls == 2
    assert keeper.store.b64 == "UEsDBBQ="


@pytest.mark.parametrize("error", [RuntimeError("gone"), TimeoutError("slow")])
def test_refresh_never_raises(error: Exception) -> None:
    def fail() -> Any:
        raise error

    keeper = Keeper(lambda: True, fail, _no_async)
    assert keeper.refresh() is False and keeper.store.b64 is None


@pytest.mark.parametrize(("had", "ready", "kept"), [
    (None, {"construction": "SAVED"}, "SAVED"),          # a new kernel takes it over
    ("MINE", {"construction": "SAVED"}, "MINE"),         # the kernel's own copy wins
    (None, {"construction": 12}, None),                  # not a string: ignored
    (None, {"construction": ""}, None),
    (None, {}, None),
])
def test_a_ready_applet_hands_over_its_saved_construction(
        had: str | None, ready: dict[str, Any], kept: str | None) -> None:
    keeper = Keeper(lambda: False, Applet().copy, _no_async)
    if had is not None:
        keeper.store.take(had, keeper.store.stamp())
    keeper.on_ready({"v": 1, "type": "ready", "applet": {}} | ready)
    assert keeper.store.b64 == kept
    assert keeper.store.stale is (kept is None)


def test_the_channel_passes_ready_frames_to_its_sinks(tmp_path: Path) -> None:
    ch = Channel(kernel_id="k-1", runtime_dir=tmp_path, send=lambda m: None,
                 hello=lambda: None)
    keeper = Keeper(lambda: False, Applet().copy, _no_async)
    ch.add_ready_sink(keeper.on_ready)
    frame = protocol.encode({"v": 1, "type": "ready", "applet": {"version": "5"},
                             "construction": "SAVED"})
    assert ch._on_frame(frame) is None
    assert keeper.store.b64 == "SAVED"


def test_changes_between_cells_are_copied_once_the_events_stop(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keeper_module, "IDLE_DELAY", 0.01)

    async def scenario() -> tuple[int, str | None, bool]:
        sent: list[concurrent.futures.Future[Any]] = []

        def copy_async() -> concurrent.futures.Future[Any]:
            fut: concurrent.futures.Future[Any] = concurrent.futures.Future()
            sent.append(fut)
            return fut

        keeper = Keeper(lambda: True, Applet().copy, copy_async)
        keeper.store.take("OLD", keeper.store.stamp())
        copied = asyncio.Event()
        loop = asyncio.get_running_loop()
        # A drag: many updates from the socket thread, then quiet.
        await asyncio.gather(*(asyncio.to_thread(keeper.on_events, [{"type": "update"}])
                               for _ in range(20)))
        while not sent:
            await asyncio.sleep(0.005)
        sent[0].add_done_callback(lambda f: loop.call_soon_threadsafe(copied.set))
        sent[0].set_result("NEW")
        await copied.wait()
        keeper.close()
        return len(sent), keeper.store.b64, keeper.store.stale

    copies, b64, stale = asyncio.run(scenario())
    assert (copies, b64, stale) == (1, "NEW", False)


def _no_async() -> concurrent.futures.Future[Any]:
    raise AssertionError("no copy between cells expected here")
