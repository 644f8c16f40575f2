"""Issue 11: the applet fills its panel from the moment it appears and follows it.

Each test runs on the real GeoGebra (when it is on the machine) and on the test double.
"The applet's box" is GeoGebra's own outer element (``.GeoGebraFrame``; the double's
``.ggbmagic-double-applet``) as the browser lays it out, so a CSS transform GeoGebra puts
on it (its own scaling to the window, the cause of issue 11) shows. "The panel's content
box" is the panel widget's box inside its border and padding. Every change is made the
way a user makes it: the window is resized, the split handle and the side bar tab are
moved and clicked with the mouse, the panel's tab is dragged to another dock area.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

import pytest
from playwright.sync_api import Browser, BrowserContext

from ._lab import LabPage
from ._server import LabServer

#: How far (CSS px) the applet's box may be from the panel's content box on each side.
#: The host is floored to whole pixels and GeoGebra draws a 1 px border inside its box.
TOLERANCE = 3
#: How long the applet may take to follow a change (a 100 ms throttle, then GeoGebra
#: lays itself out again; generous for a loaded 2-core machine).
FOLLOW_MS = 10_000

# The panel's content box and the applet's box, both [left, top, width, height].
_BOXES_JS = r"""(kid) => {
  const panel = document.querySelector(`.ggbmagic-panel[data-ggbmagic-kernel-id="${kid}"]`);
  if (!panel) return null;
  const rect = e => {
    const b = e.getBoundingClientRect();
    return [b.left, b.top, b.width, b.height];
  };
  const cs = getComputedStyle(panel);
  const px = n => parseFloat(cs[n]) || 0;
  const [l, t, w, h] = rect(panel);
  const left = px('borderLeftWidth') + px('paddingLeft');
  const top = px('borderTopWidth') + px('paddingTop');
  const content = [l + left, t + top,
                   w - left - px('borderRightWidth') - px('paddingRight'),
                   h - top - px('borderBottomWidth') - px('paddingBottom')];
  const applet = panel.querySelector(
    '.ggbmagic-applet .GeoGebraFrame, .ggbmagic-applet .ggbmagic-double-applet');
  return {panel: content, applet: applet ? rect(applet) : null,
          state: panel.dataset.ggbmagicState || null, dpr: window.devicePixelRatio};
}"""

# Records the boxes in the first frame painted after the panel turned ready.
_RECORD_FIRST_JS = r"""(kid) => {
  window.__ggbmFirstBoxes = null;
  const boxes = """ + _BOXES_JS + r""";
  const seen = () => {
    const p = document.querySelector(`.ggbmagic-panel[data-ggbmagic-kernel-id="${kid}"]`);
    return p && p.dataset.ggbmagicState === 'ready';
  };
  const mo = new MutationObserver(() => {
    if (!seen()) return;
    mo.disconnect();
    requestAnimationFrame(() => { window.__ggbmFirstBoxes = boxes(kid); });
  });
  mo.observe(document.body, {subtree: true, childList: true, attributes: true,
                             attributeFilter: ['data-ggbmagic-state']});
}"""

# True once the panel's box changed as the test meant (``change``: [index, old value,
# at least]) and the applet fills it.
_FITS_JS = r"""([kid, tol, change]) => {
  const b = (""" + _BOXES_JS + r""")(kid);
  window.__ggbmLastBoxes = b;
  if (!b || !b.applet || b.state !== 'ready') return false;
  if (change && Math.abs(b.panel[change[0]] - change[1]) < change[2]) return false;
  return b.panel.every((v, i) => Math.abs(v - b.applet[i]) <= tol);
}"""


def _boxes(lab: LabPage, kid: str) -> dict[str, Any]:
    got = lab.page.evaluate(_BOXES_JS, kid)
    assert got, f"no GeoGebra panel for kernel {kid}"
    return cast(dict[str, Any], got)


def _misfit(boxes: dict[str, Any] | None) -> str:
    if not boxes or not boxes.get("applet"):
        return f"no applet box: {json.dumps(boxes)}"
    diff = [round(a - p, 1) for a, p in zip(boxes["applet"], boxes["panel"], strict=True)]
    return (f"applet box {[round(v, 1) for v in boxes['applet']]} vs panel content box "
            f"{[round(v, 1) for v in boxes['panel']]} (applet - panel = {diff}, "
            f"dpr {boxes.get('dpr')})")


def _fits(boxes: dict[str, Any] | None) -> bool:
    if not boxes or not boxes.get("applet"):
        return False
    return all(abs(a - p) <= TOLERANCE
               for a, p in zip(boxes["applet"], boxes["panel"], strict=True))


#: Indexes into a box.
LEFT, TOP, WIDTH, HEIGHT = range(4)


def assert_fills(lab: LabPage, kid: str, what: str, *, before: dict[str, Any] | None = None,
                 index: int = WIDTH, at_least: float = 0) -> dict[str, Any]:
    """Wait (bounded) until the applet's box is the panel's content box; say how not.

    With ``before``, first until the panel's box[``index``] moved by ``at_least`` from
    it: the change the test made must have happened (else the old size would pass).
    """
    change = [index, before["panel"][index], at_least] if before else None
    try:
        lab.page.wait_for_function(_FITS_JS, arg=[kid, TOLERANCE, change],
                                   timeout=FOLLOW_MS, polling="raf")
    except Exception:
        last = lab.page.evaluate("() => window.__ggbmLastBoxes")
        if change and last and abs(last["panel"][index] - change[1]) < at_least:
            pytest.fail(f"{what}: the panel's box did not change as the test meant it to: "
                        f"{before and before['panel']} -> {last['panel']}", pytrace=False)
        pytest.fail(f"{what}: the applet does not fill its panel after {FOLLOW_MS} ms: "
                    f"{_misfit(last)}", pytrace=False)
    return _boxes(lab, kid)


def start(lab: LabPage, notebook: str) -> tuple[str, dict[str, Any]]:
    """Load ggbmagic and run a first command; return the kernel id and the first boxes."""
    lab.wait_kernel(notebook)
    kid = lab.kernel_id(notebook)
    lab.page.evaluate(_RECORD_FIRST_JS, kid)
    lab.run(notebook, "%load_ext ggbmagic\n%ggb A = (1, 2)", clean=True)
    lab.wait_ggb_ready(kid)
    lab.page.wait_for_function("() => window.__ggbmFirstBoxes !== null", timeout=FOLLOW_MS)
    first = cast(dict[str, Any], lab.page.evaluate("() => window.__ggbmFirstBoxes"))
    return kid, first


def test_fills_from_the_first_frame(lab: LabPage, notebook: str) -> None:
    kid, first = start(lab, notebook)
    # The first frame painted with the applet ready: no waiting for it to settle.
    assert _fits(first), f"first frame: {_misfit(first)}"
    assert first["panel"][WIDTH] > 300 and first["panel"][HEIGHT] > 300, first
    assert_fills(lab, kid, "after the first command")
    # The applet works at that size (its API object answers).
    assert lab.applet_api(kid, "api => api.getXcoord('A')") == 1


def test_follows_window_resize(lab: LabPage, notebook: str) -> None:
    kid, _ = start(lab, notebook)
    before = assert_fills(lab, kid, "after the first command")
    for width, height in ((1200, 800), (1700, 1050), (1000, 700)):
        lab.page.set_viewport_size({"width": width, "height": height})
        after = assert_fills(lab, kid, f"after resizing the window to {width}x{height}",
                             before=before, at_least=50)
        before = after


def test_fills_at_the_window_edge(lab: LabPage, notebook: str) -> None:
    """Without the right activity bar the panel ends at the window's right edge.

    GeoGebra's own scaling assumed a 30 px margin right of the applet; JupyterLab's right
    activity bar (33 px) hid that, here nothing does (measured before the fix: scale 0.96
    even after a window resize).
    """
    lab.page.evaluate("() => window.jupyterapp.commands.execute("
                      "'application:toggle-side-tabbar', {side: 'right'})")
    lab.page.locator(".jp-SideBar.jp-mod-right").wait_for(state="hidden")
    kid, first = start(lab, notebook)
    width = lab.page.evaluate("() => document.documentElement.clientWidth")
    assert first["panel"][LEFT] + first["panel"][WIDTH] >= width - 10, (
        f"the panel does not reach the window's edge ({width} px): {first['panel']}")
    assert _fits(first), f"first frame at the window's edge: {_misfit(first)}"
    before = assert_fills(lab, kid, "after the first command")
    lab.page.set_viewport_size({"width": 1300, "height": 900})
    assert_fills(lab, kid, "after a window resize, at the window's edge", before=before,
                 at_least=50)


def test_follows_the_split_handle(lab: LabPage, notebook: str) -> None:
    kid, _ = start(lab, notebook)
    before = assert_fills(lab, kid, "after the first command")
    panel = lab.ggb_panel(kid).first.bounding_box()
    assert panel
    # The dock panel's handle between the notebook and the panel, at the panel's left.
    handle = None
    for h in lab.page.locator(".lm-DockPanel-handle[data-orientation='horizontal']").all():
        box = h.bounding_box()
        if box and box["width"] > 0 and abs(box["x"] + box["width"] - panel["x"]) <= 8:
            handle = box
    assert handle, "no split handle at the panel's left edge"
    x = handle["x"] + handle["width"] / 2
    y = panel["y"] + panel["height"] / 2
    mouse = lab.page.mouse
    for dx in (-250, 400):  # wider, then narrower than at first
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y, steps=10)
        mouse.up()
        x += dx
        after = assert_fills(lab, kid, f"after dragging the split handle by {dx} px",
                             before=before, at_least=abs(dx) / 2)
        before = after


def test_follows_the_left_side_bar(lab: LabPage, notebook: str) -> None:
    kid, _ = start(lab, notebook)
    before = assert_fills(lab, kid, "after the first command")
    # The file browser's tab in the left side bar, as a user clicks it.
    tab = lab.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first
    left_open = lab.page.locator("#jp-left-stack")
    for action in ("close", "open", "close"):
        was_open = left_open.is_visible()
        tab.click()
        lab.page.wait_for_function(
            "(want) => { const s = document.querySelector('#jp-left-stack');"
            " return !!s && (s.offsetParent !== null) === want; }",
            arg=not was_open, timeout=FOLLOW_MS)
        # The split keeps its ratio, so the panel moves and changes size with the bar.
        after = assert_fills(lab, kid, f"after the left side bar was {action}d",
                             before=before, index=LEFT, at_least=20)
        before = after


def test_follows_a_move_to_another_dock_area(lab: LabPage, notebook: str) -> None:
    kid, _ = start(lab, notebook)
    before = assert_fills(lab, kid, "after the first command")
    tab = lab.page.locator(".lm-DockPanel .lm-TabBar-tab", has_text="GeoGebra").first
    nb = lab.page.locator(".jp-NotebookPanel").first.bounding_box()
    t = tab.bounding_box()
    assert t and nb
    # Drag the panel's tab onto the bottom edge of the notebook: Lumino docks it below.
    mouse = lab.page.mouse
    mouse.move(t["x"] + t["width"] / 2, t["y"] + t["height"] / 2)
    mouse.down()
    target = (nb["x"] + nb["width"] / 2, nb["y"] + nb["height"] - 10)
    mouse.move(target[0], target[1] - 100, steps=10)
    mouse.move(*target, steps=10)
    mouse.up()
    after = assert_fills(lab, kid, "after the panel was moved below the notebook",
                         before=before, index=TOP, at_least=100)
    assert after["panel"][TOP] > before["panel"][TOP], "it moved up, not below"


def test_follows_changes_made_while_hidden_behind_a_tab(lab: LabPage, notebook: str) -> None:
    kid, _ = start(lab, notebook)
    assert_fills(lab, kid, "after the first command")
    page = lab.page
    ggb_tab = page.locator(".lm-DockPanel .lm-TabBar-tab", has_text="GeoGebra").first
    nb_tab = page.locator(".lm-DockPanel .lm-TabBar-tab", has_text=notebook).first
    g, n = ggb_tab.bounding_box(), nb_tab.bounding_box()
    assert g and n
    # Drop the panel's tab onto the notebook's tab bar: one tab area for both.
    page.mouse.move(g["x"] + g["width"] / 2, g["y"] + g["height"] / 2)
    page.mouse.down()
    page.mouse.move(n["x"] + n["width"] + 40, n["y"] + n["height"] / 2, steps=15)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelectorAll('.lm-DockPanel .lm-TabBar').length === 1",
        timeout=FOLLOW_MS)
    before = assert_fills(lab, kid, "after the panel became a tab beside the notebook")
    # Hide it behind the notebook, change the window, show it again.
    nb_tab.click()
    lab.ggb_panel(kid).first.wait_for(state="hidden")
    page.set_viewport_size({"width": 1200, "height": 800})
    ggb_tab.click()
    assert_fills(lab, kid, "after a window resize while the panel was hidden",
                 before=before, at_least=50)


class _HiDpiBrowser:
    """The session's browser, but every new context has a device pixel ratio of 2."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> BrowserContext:
        return self._browser.new_context(device_scale_factor=2, **options)


@pytest.fixture
def hidpi_lab(browser: Browser, server: LabServer) -> Iterator[LabPage]:
    page = LabPage.open(cast(Browser, _HiDpiBrowser(browser)), server)
    yield page
    page.close()
    server.shutdown_all_sessions()
    assert not page.geogebra_org_requests, page.geogebra_org_requests[:5]


def test_fills_and_follows_with_device_pixel_ratio_2(hidpi_lab: LabPage, nb_name: str) -> None:
    lab = hidpi_lab
    lab.server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    kid, first = start(lab, nb_name)
    assert first["dpr"] == 2, first
    assert _fits(first), f"first frame at dpr 2: {_misfit(first)}"
    before = assert_fills(lab, kid, "after the first command at dpr 2")
    lab.page.set_viewport_size({"width": 1200, "height": 800})
    assert_fills(lab, kid, "after a window resize at dpr 2", before=before, at_least=50)
    if lab.geogebra == "real":
        # No blur and no shrink: GeoGebra's canvas has two device pixels per CSS pixel.
        canvas = lab.page.evaluate(
            "(kid) => { const c = document.querySelector("
            "`.ggbmagic-panel[data-ggbmagic-kernel-id=\"${kid}\"] .GeoGebraFrame canvas`);"
            " const b = c.getBoundingClientRect();"
            " return [c.width, c.height, b.width, b.height]; }", kid)
        assert abs(canvas[0] - 2 * canvas[2]) <= 2 and abs(canvas[1] - 2 * canvas[3]) <= 2, (
            f"canvas backing store {canvas[:2]} for a {canvas[2:]} CSS px canvas at dpr 2")


DRAWN_RATIO = """(kid) => {
  const panel = `.ggbmagic-panel[data-ggbmagic-kernel-id="${kid}"]`;
  const canvas = document.querySelector(`${panel} .GeoGebraFrame canvas`);
  if (canvas) {  // the real GeoGebra: backing-store pixels per CSS pixel
    const b = canvas.getBoundingClientRect();
    return b.width ? Math.round(10 * canvas.width / b.width) / 10 : null;
  }
  const drawn = document.querySelector(`${panel} [data-ggb-double-dpr]`);
  return drawn ? Number(drawn.getAttribute('data-ggb-double-dpr')) : null;
}"""


#: Records the page's resolution media queries, so that the test can deliver the
#: ``change`` a real zoom delivers. Measured with Chromium 156: the DevTools protocol's
#: Emulation.setDeviceMetricsOverride changes ``devicePixelRatio`` (and the canvas
#: backing stores that follow it), but reports a media query change only when the
#: viewport's CSS size changes too, which would resize the applet and hide what is
#: tested here (a ratio change at an unchanged size).
RESOLUTION_QUERIES = """(() => {
  const original = window.matchMedia.bind(window);
  window.__ggbResolutionQueries = [];
  window.matchMedia = (text) => {
    const query = original(text);
    if (/resolution/.test(text)) window.__ggbResolutionQueries.push(query);
    return query;
  };
})();"""


def test_a_ratio_change_mid_session_redraws_at_the_new_ratio(lab: LabPage,
                                                               nb_name: str) -> None:
    """Browser zoom or a move to another screen changes the device pixel ratio and not
    the CSS size: GeoGebra's setSize at an unchanged size keeps the old backing store,
    so the product must call recalculateEnvironments() (issue 20: no test changed the
    ratio while the applet was running, so removing that call broke nothing)."""
    lab.page.add_init_script(RESOLUTION_QUERIES)
    lab.server.create_notebook(nb_name)
    lab.goto_notebook(nb_name)
    kid, first = start(lab, nb_name)
    assert first["dpr"] == 1, first
    assert lab.page.evaluate(DRAWN_RATIO, kid) == 1
    before = assert_fills(lab, kid, "at ratio 1")
    size = lab.page.viewport_size
    assert size is not None
    cdp = lab.page.context.new_cdp_session(lab.page)
    try:
        cdp.send("Emulation.setDeviceMetricsOverride", {
            "width": size["width"], "height": size["height"], "deviceScaleFactor": 2,
            "mobile": False})
        assert lab.page.evaluate("() => window.devicePixelRatio") == 2
        delivered = lab.page.evaluate(
            "() => window.__ggbResolutionQueries.filter(q => !q.matches)"
            ".map(q => (q.dispatchEvent(new Event('change')), q.media))")
        assert delivered, "the product watches no resolution media query"
        # Waits for the redraw the ratio change must cause; fails after FOLLOW_MS.
        lab.page.wait_for_function(f"(kid) => ({DRAWN_RATIO})(kid) === 2", arg=kid,
                                   timeout=FOLLOW_MS)
        after = assert_fills(lab, kid, "after the ratio changed to 2")
        assert after["panel"] == before["panel"], "the CSS size was meant to stay"
    finally:
        cdp.detach()
