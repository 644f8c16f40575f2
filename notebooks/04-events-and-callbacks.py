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
# # 04 · Events and callbacks: Python reacts when a point moves
#
# So far Python asked and GeoGebra answered. This time GeoGebra speaks first: when a
# student drags a point in the panel, GeoGebra sends an **event**, and Python can run a
# function of ours — a **callback** — every time that happens. A teacher can use this
# to record what a student explores, or to check an answer the moment it is reached.
#
# **What you will learn**
#
# 1. what events GeoGebra sends (`%ggb_events`, `ggb.events`);
# 2. how to register a Python callback for one object with `ggb.on(...)`;
# 3. how to collect the values a callback records, and check them;
# 4. how to stop listening with `ggb.off(...)`.

# %%
# %load_ext ggbmagic

# %% [markdown]
# ## 1. The construction
#
# A fixed point $Q$ at the origin, a point $P$ the student moves, the segment between
# them and its length $d$
# ([Segment](https://geogebra.github.io/docs/manual/en/commands/Segment/),
# [Distance](https://geogebra.github.io/docs/manual/en/commands/Distance/)). We colour
# $P$ so that the student knows which point to drag
# ([SetColor](https://geogebra.github.io/docs/manual/en/commands/SetColor/)).

# %%
# %%ggb --clear
# Q stays where it is; P is the point to drag
Q = (0, 0)
P = (1, 1)
SetColor(P, "red")
s = Segment(P, Q)
d = Distance(P, Q)

# %% [markdown]
# Creating these objects already produced events: one `add` per new object and an
# `updateStyle` for the colour change (`update` events come when an object that
# already exists changes, as in section 3).
# GeoGebra's own events such as `updateStyle` name the object in `target` (and, for some,
# several objects in `targets`). `%ggb_events` shows the most recent ones;
# `--clear` empties the list so that we start counting from here.

# %%
# %ggb_events --tail 10

# %%
# %ggb_events --clear

# %% [markdown]
# ## 2. A callback
#
# A callback is an ordinary Python function that receives one argument: the event, a
# dictionary such as
#
# ```python
# {"seq": 12, "type": "update", "target": "P", "argument": None,
#  "time": 1764000000140.0, "value": "P = (3, 4)"}
# ```
#
# Ours reads the new position of $P$ and the new distance $d$ from GeoGebra and appends
# them to the list `recorded`. `ggb.on("update", callback, target="P")` asks for it to be
# called whenever `P` is updated (and only for `P`: updates of other objects are
# ignored).
#
# Callbacks run in the notebook's own Python (the kernel's main thread), one at a time,
# when the kernel is free — so a callback may run just *after* the cell that caused it
# has finished. That is why we look at `recorded` in a later cell, never in the same one.

# %%
import math

recorded = []


def on_P_moved(event):
    x, y = ggb.coords("P")
    recorded.append({"seq": event["seq"], "x": x, "y": y, "d": ggb.value("d")})


ggb.on("update", on_P_moved, target="P")

# %% [markdown]
# ## 3. Move the point
#
# **In class:** drag the red point $P$ in the GeoGebra panel now, a few times, then run
# the cells below. Every drag adds rows to `recorded`.
#
# **Here** (and when this notebook is run automatically, with nobody to drag) Python
# moves $P$ to $(3, 4)$ with
# [SetCoords](https://geogebra.github.io/docs/manual/en/commands/SetCoords/). For our
# callback this looks like a drag: GeoGebra updates $P$ (and `s` and `d`), sends `update`
# events, and the callback runs. But it is not a drag: a drag with the mouse also sends
# `mouseDown` and `select` when it starts and `dragEnd` when the mouse is released; a
# `SetCoords` sends only the `update`s.

# %%
# %ggb SetCoords(P, 3, 4)

# %% [markdown]
# The update events since we cleared the list (`--type update` keeps only those;
# the `value` column holds the new value of the object, as GeoGebra writes it):

# %%
# %ggb_events --type update

# %% [markdown]
# ## 4. What did the callback record?
#
# **Check.** Each row must be consistent: the recorded $d$ is the distance from the
# recorded position of $P$ to $Q = (0, 0)$, i.e. $\sqrt{x^2 + y^2}$. And the last position
# is $(3, 4)$, at distance $\sqrt{9 + 16} = 5$ — the famous 3-4-5 right triangle.
# (If you dragged $P$ yourself after the `SetCoords` cell, the last row is your position
# instead; run the `SetCoords` cell and this one again.)

# %%
import pandas as pd

pd.DataFrame(recorded)

# %%
assert recorded, "the callback has not run yet - run this cell again"
for row in recorded:
    assert math.isclose(row["d"], math.hypot(row["x"], row["y"]), abs_tol=1e-6), row

last = recorded[-1]
assert math.isclose(last["x"], 3, abs_tol=1e-9) and math.isclose(last["y"], 4, abs_tol=1e-9)
assert math.isclose(last["d"], 5, abs_tol=1e-9)
assert math.isclose(ggb.value("d"), 5, abs_tol=1e-9)
print(f"the callback ran {len(recorded)} time(s); last distance recorded: {last['d']}")

# %% [markdown]
# The same events are also kept in the Python list `ggb.events` (the newest last), for
# your own analysis — for example, all updates of $P$:

# %%
updates_of_P = [e for e in ggb.events if e["type"] == "update" and e["target"] == "P"]
pd.DataFrame(updates_of_P, columns=["seq", "type", "target", "value"])

# %% [markdown]
# ## 5. Stop listening: `ggb.off`
#
# `ggb.off(on_P_moved)` unregisters the callback. After that, moving $P$ still changes
# $d$ in GeoGebra, but nothing more is added to `recorded`.

# %%
ggb.off(on_P_moved)
count_before = len(recorded)

# %%
# %ggb SetCoords(P, 6, 8)

# %%
assert len(recorded) == count_before
assert math.isclose(ggb.value("d"), 10, abs_tol=1e-9)
print("still", len(recorded), "row(s) recorded; d is now", ggb.value("d"))

# %% [markdown]
# **A picture of what the callback saw.** The positions in `recorded` go back to
# GeoGebra as a list of points, `trail` (drawn in red, with `--show`: GeoGebra creates a
# list typed from numbers hidden); $P$ is now at $(6, 8)$, where the callback no longer
# looked. The picture is framed on all of it.

# %%
trail_points = [(row["x"], row["y"]) for row in recorded]

# %%
# %%ggb --show trail
trail = {{trail_points}}
SetColor(trail, "red")

# %%
# %ggb --png

# %% [markdown]
# ## Try it yourself
#
# 1. **A target to reach.** Write a callback that prints `"Well done!"` when $P$ is at
#    distance $5$ from $Q$ (within $0.1$), register it, and drag $P$ around in the
#    panel. Which points have distance $5$? (Where do you have to drag?)
# 2. **Only when the mouse is released.** `ggb.on("dragEnd", callback)` calls your
#    function once at the end of each drag instead of at every small step. Try it and
#    compare how many rows you record. (GeoGebra also sends a `dragEnd` after a plain
#    click on an object, without any movement; and a `SetCoords` from Python sends
#    none.)
# 3. Remember to call `ggb.off(...)` for your callbacks when you are done.
#
# The cell below is a start for question 1: it registers the callback and moves $P$ onto
# the circle of radius $5$ with `SetCoords`; the following cell shows what it recorded.

# %%
hits = []


def well_done(event):
    if abs(ggb.value("d") - 5) < 0.1:
        hits.append(ggb.coords("P"))
        print("Well done! P =", ggb.coords("P"))


ggb.on("update", well_done, target="P")

# %%
# %ggb SetCoords(P, 0, 5)

# %%
print("positions that hit the target:", hits)
ggb.off(well_done)
assert math.isclose(ggb.value("d"), 5, abs_tol=1e-9)
