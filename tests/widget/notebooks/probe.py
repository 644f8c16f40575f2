# The widget's loopback scenario for tests/widget/test_marimo.py: every cell prints what
# it found as "RESULT <key>: …", which the test reads from the page.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from ggbmagic.replies import GgbScriptError
    from ggbmagic.widget import GeoGebraWidget

    return GeoGebraWidget, GgbScriptError, mo


@app.cell
def _(GeoGebraWidget, mo):
    ggb = GeoGebraWidget(height=360)
    view = mo.ui.anywidget(ggb.widget)
    view
    return ggb, view


@app.cell
def _(ggb, mo):
    # Commands and a value, answered inside this cell (the loopback socket).
    made = ggb.command("A = (1, 2)")
    far = ggb.value("Distance(A, (4, 6))")
    mo.md(f"RESULT commands: labels={made.labels} x={made['A']['x']:g} far={far:g} "
          f"mode={ggb.mode}")
    return (made,)


@app.cell
def _(GgbScriptError, ggb, made, mo):
    # A script with a failing line: it stops there and names it.
    made
    try:
        ggb.script("B = (4, 6)\nC = Nope(\nD = (0, 0)")
        failure = "no error"
    except GgbScriptError as exc:
        failure = str(exc)
    mo.md(f"RESULT script: {failure} | D exists={ggb.exists('D')} B exists={ggb.exists('B')}")
    return


@app.cell
def _(ggb, made):
    # A callback for A's updates (run on the kernel's own thread, never the socket's).
    made
    seen = []
    ggb.on("update", lambda e: seen.append(e.get("value")), target="A")
    return (seen,)


@app.cell
def _(ggb, made, mo, seen, view):
    # Re-runs when the applet's state changes (a drag): the last event, the stored
    # events, the callbacks, a picture taken now and the one kept in the widget's state.
    made
    last = view.value.get("last_event") or {}
    x, y = ggb.coords("A")
    updates = [e for e in ggb.events if e["type"] == "update" and e["target"] == "A"]
    picture = ggb.png()
    mo.md(f"RESULT drag: last={last.get('type')}:{last.get('target')} "
          f"A=({round(x, 1):g}, {round(y, 1):g}) updates={len(updates)} callbacks={len(seen)} "
          f"png={picture.data[:4] == bytes([137, 80, 78, 71])} "
          f"kept={str(view.value.get('png', ''))[:8]}")
    return


if __name__ == "__main__":
    app.run()
