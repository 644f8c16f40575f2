import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo

    from ggbmagic.widget import GeoGebraWidget

    return GeoGebraWidget, mo


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # GeoGebra in marimo

    marimo has no IPython magics (`%ggb`): the same Python API drives the applet,
    `ggb.command(...)`, `ggb.script(...)`, `ggb.value(...)`, `ggb.on(...)`.
    On this machine the widget talks to the kernel over a direct loopback
    connection, so `ggb.value(...)` answers inside a running cell.
    """)
    return


@app.cell
def _(GeoGebraWidget, mo):
    ggb = GeoGebraWidget(height=420)
    # Wrapped for reactivity: cells that read `view.value` re-run when the applet changes.
    view = mo.ui.anywidget(ggb.widget)
    view
    return ggb, view


@app.cell
def _(ggb):
    # A circle around A with radius r, and the distance from A to B.
    construction = ggb.script(
        """
        A = (1, 2)
        B = (4, 6)
        r = 2
        c = Circle(A, r)
        d = Distance(A, B)
        """
    )
    ggb.watch("A", "d")
    construction
    return (construction,)


@app.cell
def _(mo):
    radius = mo.ui.slider(1, 5, step=0.5, value=2, label="radius r", show_value=True)
    radius
    return (radius,)


@app.cell
def _(construction, ggb, mo, radius):
    # The slider drives GeoGebra; the answer comes back inside this cell.
    construction
    ggb.command(f"SetValue(r, {radius.value})")
    mo.md(f"GeoGebra says: r = {ggb.value('r'):g}")
    return


@app.cell
def _(construction, ggb, mo, view):
    # Drag A in the applet: this cell re-runs with the new distance.
    construction
    moved = view.value.get("last_event") or {}
    mo.md(f"Last change: {moved.get('type', '-')} {moved.get('target') or ''} · "
          f"distance from A to B: d = {ggb.value('d'):.3f}")
    return


if __name__ == "__main__":
    app.run()
