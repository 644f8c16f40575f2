# A second notebook for tests/widget/test_marimo.py: its own widget, its own objects.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from ggbmagic.widget import GeoGebraWidget

    return GeoGebraWidget, mo


@app.cell
def _(GeoGebraWidget, mo):
    ggb = GeoGebraWidget(height=360)
    view = mo.ui.anywidget(ggb.widget)
    view
    return ggb, view


@app.cell
def _(ggb, mo):
    made = ggb.command("P = (7, 8)")
    mo.md(f"RESULT other: labels={made.labels} names={sorted(ggb.objects().names)} "
          f"events={sorted({e['target'] for e in ggb.events if e['target']})}")
    return


if __name__ == "__main__":
    app.run()
