# The after-the-cell scenario for tests/widget/test_marimo.py: the page is served under a
# name that is not this machine's, so the widget answers through its custom messages.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from ggbmagic.widget import GeoGebraWidget
    from ggbmagic.widget.pending import AfterTheCellError

    return AfterTheCellError, GeoGebraWidget, mo


@app.cell
def _(GeoGebraWidget, mo):
    ggb = GeoGebraWidget(height=300)
    view = mo.ui.anywidget(ggb.widget)
    send = mo.ui.run_button(label="send A")
    ask = mo.ui.run_button(label="ask A")
    mo.vstack([view, send, ask, mo.md(f"RESULT port: {ggb.widget.loopback_port}")])
    return ask, ggb, send


@app.cell
def _(ggb, mo, send):
    mo.stop(not send.value)
    pending = ggb.command("A = (1, 2)")
    mo.md(f"RESULT sent: {pending!r} mode={ggb.mode}")
    return


@app.cell
def _(AfterTheCellError, ask, ggb, mo):
    mo.stop(not ask.value)
    try:
        answer = f"value {ggb.value('x(A)')}"
    except AfterTheCellError as exc:
        answer = f"AfterTheCellError {exc}"
    mo.md(f"RESULT asked: {answer} | status={ggb.status().state}")
    return


if __name__ == "__main__":
    app.run()
