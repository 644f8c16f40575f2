"""Driving Jupyter Notebook 7 in headless Chromium, with the same API as ``LabPage``.

Notebook 7 is built from JupyterLab's pieces: one document per page
(``/notebooks/<path>``), the same notebook widgets, output areas and
``window.jupyterapp`` (``--JupyterNotebookApp.expose_app_in_browser``), so the page
helpers of ``_lab.py`` work unchanged; only opening a notebook and the panel's place
(its right side area, ``#jp-right-stack``) differ.

Notebook 7's trap (measured while writing these helpers): its kernel can read idle before the
kernel's websocket is open, and a Shift+Enter then runs nothing. ``wait_kernel`` waits
for a kernel_info round trip on the page's own connection as well.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Locator

from ._lab import KERNEL_TIMEOUT_MS, LabPage
from ._server import LabServer

__all__ = ["RIGHT_AREA", "NotebookPage"]

#: Notebook 7's right side area, where the GeoGebra panel goes.
RIGHT_AREA = "#jp-right-stack"


class NotebookPage(LabPage):
    """A browser context + page on a Notebook 7 server, with the GeoGebra routes."""

    @classmethod
    def open(cls, browser: Browser, server: LabServer, *,
             route_all: bool = True) -> NotebookPage:
        if server.app != "notebook":
            raise ValueError("NotebookPage needs a LabServer(app='notebook')")
        page = super().open(browser, server, route_all=route_all)
        assert isinstance(page, NotebookPage)
        return page

    def goto_notebook(self, path: str) -> None:
        """Load Notebook 7's page for ``path`` and wait until its kernel really answers."""
        self.page.goto(self.server.url(f"notebooks/{path}", token=self.server.token))
        self.wait_kernel(path)

    def open_notebook(self, path: str) -> None:
        raise NotImplementedError("Notebook 7 shows one notebook per page: use goto_notebook")

    def wait_kernel(self, path: str, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
        super().wait_kernel(path, timeout_ms)
        # Idle can be read before the websocket carries anything: a kernel_info reply on
        # this page's own connection proves it does.
        self.page.wait_for_function(
            """async (p) => {
                 const k = window.__ggbmTest.kernel(p);
                 if (!k || k.connectionStatus !== 'connected') return false;
                 try { await k.requestKernelInfo(); } catch (e) { return false; }
                 return k.status === 'idle';
               }""",
            arg=path, timeout=timeout_ms, polling=250)

    # --- the panel's place ----------------------------------------------------------

    def right_area(self) -> Locator:
        return self.page.locator(RIGHT_AREA)

    def collapse_right_area(self) -> None:
        """What a user does to put the panel away: the side area's collapse button."""
        self.right_area().locator(".jp-SidePanel-collapse").click()
        self.right_area().wait_for(state="hidden", timeout=5_000)
