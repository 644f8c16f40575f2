# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Quickstart: GeoGebra beside Python
#
# GeoGebra draws and measures; Python calculates, checks and keeps records.
# `ggbmagic` puts the two side by side in JupyterLab: a GeoGebra panel opens next to
# this notebook, and every cell can send commands to it and read results back.
#
# **What you will learn**
#
# 1. how to start GeoGebra from a notebook (`%load_ext ggbmagic`);
# 2. the *line magic* `%ggb` (one GeoGebra command) and the *cell magic* `%%ggb`
#    (a small GeoGebra script);
# 3. how to read GeoGebra's values into Python (`ggb.value`, `ggb.coords`) and check
#    them with Python;
# 4. how to put Python values into GeoGebra commands with `{{ ... }}`;
# 5. how to see what happened in the applet (`%ggb_events`), take a picture of the
#    construction (`%ggb --png`), list all objects (`ggb.objects()`), and save and
#    reopen a `.ggb` file.
#
# Every GeoGebra command used here is linked to its page in the
# [GeoGebra manual](https://geogebra.github.io/docs/manual/en/).

# %% [markdown]
# ## 1. Start GeoGebra
#
# The first code cell of every notebook loads the extension. It opens a GeoGebra panel
# beside the notebook and creates a Python object called `ggb` that talks to it.

# %%
# %load_ext ggbmagic

# %% [markdown]
# ## 2. One command: the line magic `%ggb`
#
# Everything after `%ggb` is typed into GeoGebra exactly as you would type it into its
# input bar. Here we create the point $A = (1, 2)$
# (see [Points and Vectors](https://geogebra.github.io/docs/manual/en/Points_and_Vectors/)
# in the manual). The output shows what GeoGebra created.

# %%
# %ggb A = (1, 2)

# %% [markdown]
# GeoGebra answered, so the panel is connected. `%ggb` on its own tells you so (and
# which GeoGebra version it runs). Run it first in a new notebook and it may say the
# panel is still loading: the first command waits for GeoGebra, the status does not.

# %%
# %ggb

# %% [markdown]
# ## 3. A small script: the cell magic `%%ggb`
#
# When `%%ggb` is the first line of a cell, every following line is one GeoGebra
# command. Lines starting with `#` are comments and blank lines are ignored. The output
# is a table with one row per line. If a line fails, the script stops there and the
# message names the line.
#
# Commands used (links to the manual):
# [Segment](https://geogebra.github.io/docs/manual/en/commands/Segment/),
# [Distance](https://geogebra.github.io/docs/manual/en/commands/Distance/),
# [Midpoint](https://geogebra.github.io/docs/manual/en/commands/Midpoint/).

# %%
# %%ggb
# a second point, the segment AB, its length and its midpoint
B = (4, 6)
s = Segment(A, B)
d = Distance(A, B)
M = Midpoint(A, B)

# %% [markdown]
# ## 4. Reading GeoGebra's values into Python
#
# * `ggb.value("d")` gives a number as a Python `float`;
# * `ggb.coords("M")` gives the coordinates of a point as a tuple `(x, y)`;
# * `ggb.value_string("d")` gives the text GeoGebra shows in its Algebra view.
#
# `ggb.value` reads numbers only: for a point such as `M` it raises an error that says
# to use `ggb.coords`, and for a text or a list it points to `ggb.value_string`.
#
# **Check.** By Pythagoras, $AB = \sqrt{(4-1)^2 + (6-2)^2} = \sqrt{9 + 16} = 5$, and the
# midpoint is the average of the coordinates: $M = (2.5,\ 4)$. The `assert` lines below
# compare GeoGebra's answers with Python's; they raise an error if the two disagree.
# We never compare decimals with `==`: `math.isclose` allows a tiny rounding difference.

# %%
import math

length_AB = ggb.value("d")
mx, my = ggb.coords("M")
print("GeoGebra shows:", ggb.value_string("d"))
print("length of AB =", length_AB, "  midpoint M =", (mx, my))

assert math.isclose(length_AB, math.dist((1, 2), (4, 6)), abs_tol=1e-9)
assert math.isclose(mx, (1 + 4) / 2, abs_tol=1e-9)
assert math.isclose(my, (2 + 6) / 2, abs_tol=1e-9)

# %% [markdown]
# The same things can be done with plain Python methods instead of magics:
# `ggb.command(...)` runs one command, `ggb.script(...)` runs several lines.
# Here we add a third point and the triangle $ABC$ with its area and perimeter
# ([Polygon](https://geogebra.github.io/docs/manual/en/commands/Polygon/),
# [Area](https://geogebra.github.io/docs/manual/en/commands/Area/),
# [Perimeter](https://geogebra.github.io/docs/manual/en/commands/Perimeter/)).
# GeoGebra names the sides of the triangle itself, each after the vertex opposite it:
# `a` = $BC$, `b` = $CA$, `c` = $AB$. So `Polygon` creates four objects (the triangle
# and its three sides), and the result lists all of them.

# %%
ggb.command("C = (1, 6)")
ggb.script("""
tri = Polygon(A, B, C)
triArea = Area(tri)
perim = Perimeter(tri)
""")

# %% [markdown]
# **Check.** The angle at $C$ is a right angle ($AC$ is vertical, $CB$ horizontal),
# with legs $AC = 4$ and $CB = 3$. So the area is $\frac{1}{2}\cdot 4 \cdot 3 = 6$ and the
# perimeter is $3 + 4 + 5 = 12$.
#
# `ggb.api` reaches any method of the
# [GeoGebra Apps API](https://geogebra.github.io/docs/reference/en/GeoGebra_Apps_API/)
# by its name; `ggb.api.getValue("triArea")` is the raw form of `ggb.value("triArea")`.

# %%
area = ggb.value("triArea")
perimeter = ggb.value("perim")
print("area =", area, " perimeter =", perimeter)

assert math.isclose(area, 0.5 * 4 * 3, abs_tol=1e-9)
assert math.isclose(perimeter, 3 + 4 + 5, abs_tol=1e-9)
assert math.isclose(float(ggb.api.getValue("triArea")), area, abs_tol=1e-9)

# %% [markdown]
# ## 5. Python values inside GeoGebra commands: `{{ ... }}`
#
# Write a Python expression between double braces and its value is put into the
# command before GeoGebra sees it:
#
# | Python value | becomes in GeoGebra |
# |---|---|
# | number `1.5` | `1.5` |
# | tuple `(-2, 1)` | the point `(-2, 1)` |
# | list `[1, 2, 3]` | the list `{1, 2, 3}` |
# | string `"hi"` | the text `"hi"` |
# | `True` / `False` | `true` / `false` |
#
# Below, the centre and the radius of a circle come from Python
# ([Circle](https://geogebra.github.io/docs/manual/en/commands/Circle/)).
# Any Python expression works, for example `{{2 * r}}`.

# %%
r = 1.5
centre = (-2, 1)

# %%
# %ggb P = {{centre}}

# %%
# %ggb circ = Circle(P, {{r}})

# %%
# %ggb diameter = {{2 * r}}

# %% [markdown]
# The cell magic understands `{{ ... }}` too. `-o result` also keeps the per-line
# results in a Python variable called `result`. A string becomes a GeoGebra text.

# %%
# %%ggb -o result
# the distance from the centre P to the point A, and a label
dPA = Distance(P, A)
note = {{"centre chosen in Python"}}

# %%
result

# %% [markdown]
# **Check.** The point `P` is where Python said, and GeoGebra's distance $PA$ agrees
# with Python's `math.dist`.

# %%
px, py = ggb.coords("P")
assert math.isclose(px, centre[0], abs_tol=1e-9) and math.isclose(py, centre[1], abs_tol=1e-9)
assert math.isclose(ggb.value("diameter"), 2 * r, abs_tol=1e-9)
assert math.isclose(ggb.value("dPA"), math.dist(centre, (1, 2)), abs_tol=1e-9)
print("PA =", ggb.value("dPA"))

# %% [markdown]
# Sometimes you want to insert a *name* rather than a value. `Raw("A")` inserts its text
# exactly as written, so `{{vertex}}` below becomes `A`, not the text `"A"`.

# %%
from ggbmagic.script import Raw

vertex = Raw("A")

# %%
# %ggb dPA2 = Distance(P, {{vertex}})

# %%
assert math.isclose(ggb.value("dPA2"), ggb.value("dPA"), abs_tol=1e-9)

# %% [markdown]
# ## 6. What happened in the applet? `%ggb_events`
#
# GeoGebra reports every change: objects added, updated, renamed or removed, style
# changes (`updateStyle`, e.g. after a colour change), and what the mouse does in the
# panel. `%ggb_events` shows the most recent ones as a table
# (`--tail 8`: the last eight). Notebook 04 uses these events to react to a student
# dragging a point.

# %%
# %ggb_events --tail 8

# %% [markdown]
# ## 7. A picture of the construction
#
# `%ggb --png` puts a picture of the construction into the notebook, so that it stays
# in the notebook when you share or print it. The picture is framed on what is drawn
# (all points, with a margin), 640 pixels wide whatever the size of the panel;
# `--view=xmin,xmax,ymin,ymax` chooses the window yourself, `--width` the size, and
# `--nofit` takes the panel's view as it is. (`%ggb --svg` makes a vector picture.)

# %%
# %ggb --png

# %% [markdown]
# ## 8. All objects at once: `ggb.objects()`
#
# `ggb.objects()` lists every object in the construction with its type, definition,
# value and coordinates. `.to_pandas()` turns the list into a pandas table that you can
# sort, filter or save as a spreadsheet; its rows are labelled by the object's name.

# %%
objects = ggb.objects()
objects

# %%
df = objects.to_pandas()
df[["type", "x", "y"]]

# %%
assert {"A", "B", "C", "M", "P", "d", "triArea"} <= set(df.index)

# %% [markdown]
# `ggb.exists(name)` asks whether an object exists and `ggb.delete(name)` removes one
# (the GeoGebra command [Delete](https://geogebra.github.io/docs/manual/en/commands/Delete/)
# does the same from a script).

# %%
ggb.delete("note")
assert not ggb.exists("note")
assert ggb.exists("A")

# %% [markdown]
# ## 9. Saving and opening a `.ggb` file
#
# `ggb.save(path)` writes the construction to a `.ggb` file, the normal GeoGebra file
# format (you can open it in the GeoGebra app or upload it to geogebra.org).
# `ggb.load(path)` opens one. We use a temporary folder so that running this notebook
# leaves no files behind. In your own work, `%ggb --save triangle.ggb` and
# `%ggb --load triangle.ggb` do the same next to the notebook.

# %%
import os
import tempfile

folder = tempfile.mkdtemp(prefix="ggbmagic-quickstart-")
path = os.path.join(folder, "quickstart.ggb")
ggb.save(path)
print(path, os.path.getsize(path), "bytes")
assert os.path.getsize(path) > 0

# %% [markdown]
# Empty the construction, check that `A` is gone, then reopen the file: `A` and the
# triangle are back, with the same values.

# %%
ggb.clear()
assert not ggb.exists("A")

ggb.load(path)
assert ggb.exists("A")
assert math.isclose(ggb.value("triArea"), 6, abs_tol=1e-9)
ax, ay = ggb.coords("A")
assert math.isclose(ax, 1, abs_tol=1e-9) and math.isclose(ay, 2, abs_tol=1e-9)

# %%
import shutil

shutil.rmtree(folder)

# %% [markdown]
# ## Try it yourself
#
# 1. In the cell below, change the point `Q` and the radius `rq`, and run the cell again.
#    The `assert` still passes: GeoGebra's
#    [Distance](https://geogebra.github.io/docs/manual/en/commands/Distance/) from `Q`
#    to `A` always equals Python's `math.dist`.
# 2. Add a line that creates `mQA = Midpoint(Q, A)` and check its coordinates with
#    `ggb.coords("mQA")`.
# 3. Drag the point `A` in the GeoGebra panel, then run `%ggb_events --tail 5`.
#    What do you see?

# %%
Q_py = (3, -1)
rq = 2

# %%
# %%ggb
Q = {{Q_py}}
cQ = Circle(Q, {{rq}})
dQA = Distance(Q, A)

# %%
assert math.isclose(ggb.value("dQA"), math.dist(Q_py, ggb.coords("A")), abs_tol=1e-9)
print("QA =", ggb.value("dQA"))
