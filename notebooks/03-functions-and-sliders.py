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
# # 03 · Functions and sliders
#
# A **slider** is a number you can change with the mouse. When a function depends on a
# slider, its graph moves as the slider moves: a quick way to see what a parameter does.
# Here we study the family of parabolas
#
# $$ f(x) = a\,x^2 - 2 $$
#
# and let GeoGebra and Python work on it together.
#
# **What you will learn**
#
# 1. to create a slider and a function that depends on it, and to change the slider from
#    Python (`SetValue`);
# 2. that everything defined from the slider is recomputed when it changes;
# 3. to build a table of values in Python (a pandas `DataFrame`) from numbers computed
#    by GeoGebra;
# 4. to use GeoGebra's `Root`, `Derivative` and `Integral`, and to check them against
#    Python's own calculations.

# %%
# %load_ext ggbmagic

# %% [markdown]
# ## 1. A slider and a function
#
# [Slider](https://geogebra.github.io/docs/manual/en/commands/Slider/)`(min, max, increment)`
# creates a slider; ours goes from $-3$ to $3$ in steps of $0.1$.
# [SetValue](https://geogebra.github.io/docs/manual/en/commands/SetValue/) gives it a
# value. A function is written just as in a textbook, with `*` for multiplication.

# %%
# %%ggb --clear
# a slider for the parameter a, set to 1 to start with
a = Slider(-3, 3, 0.1)
SetValue(a, 1)
# the function depends on the slider
f(x) = a*x^2 - 2
# one value of the function
v = f(3)

# %% [markdown]
# **Check.** With $a = 1$: $f(3) = 1 \cdot 9 - 2 = 7$.

# %%
import math

a_now = ggb.value("a")
print("a =", a_now, "  f(3) =", ggb.value("v"))

assert math.isclose(a_now, 1, abs_tol=1e-9)
assert math.isclose(ggb.value("v"), a_now * 3**2 - 2, abs_tol=1e-9)

# %% [markdown]
# ## 2. Moving the slider
#
# Drag the slider `a` in the panel and watch the parabola open, flatten and turn upside
# down. Python can move it too. `v` was *defined* as `f(3)`, so GeoGebra recomputes it:
# after `SetValue(a, 0.5)` it should be $0.5 \cdot 9 - 2 = 2.5$.

# %%
# %ggb SetValue(a, 0.5)

# %%
print("a =", ggb.value("a"), "  f(3) =", ggb.value("v"))
assert math.isclose(ggb.value("a"), 0.5, abs_tol=1e-9)
assert math.isclose(ggb.value("v"), 0.5 * 3**2 - 2, abs_tol=1e-9)

# %% [markdown]
# Back to $a = 1$ for the rest of the notebook, using a Python variable inside the
# command with `{{ ... }}`:

# %%
a_value = 1

# %%
# %ggb SetValue(a, {{a_value}})

# %%
assert math.isclose(ggb.value("a"), a_value, abs_tol=1e-9)

# %% [markdown]
# ## 3. A table of values
#
# For each $x$ from $-3$ to $3$ we ask GeoGebra to compute $f(x)$ in a new number
# `v_0`, `v_1`, …, read it back, and put it in a table next to Python's own value
# $a x^2 - 2$. `ggb.command` is handy inside a Python loop.

# %%
import pandas as pd

xs = [-3, -2, -1, 0, 1, 2, 3]
rows = []
for k, x0 in enumerate(xs):
    ggb.command(f"v_{k} = f({x0})")
    from_geogebra = ggb.value(f"v_{k}")
    from_python = a_value * x0**2 - 2
    rows.append({"x": x0, "GeoGebra f(x)": from_geogebra, "Python a*x^2 - 2": from_python})

table = pd.DataFrame(rows)
table

# %% [markdown]
# **Check.** The two columns agree.

# %%
difference = (table["GeoGebra f(x)"] - table["Python a*x^2 - 2"]).abs().max()
assert difference < 1e-9, difference

# %% [markdown]
# GeoGebra can also make the whole list at once with
# [Sequence](https://geogebra.github.io/docs/manual/en/commands/Sequence/)`(expression, variable, from, to)`.
# The points $(k, f(k))$ appear on the graph;
# [Length](https://geogebra.github.io/docs/manual/en/commands/Length/) counts them and
# [Sum](https://geogebra.github.io/docs/manual/en/commands/Sum/) adds up the values.

# %%
# %%ggb
pts = Sequence((k, f(k)), k, -3, 3)
vals = Sequence(f(k), k, -3, 3)
npts = Length(pts)
total = Sum(vals)

# %%
print("number of points:", ggb.value("npts"), "  sum of the values:", ggb.value("total"))
assert math.isclose(ggb.value("npts"), len(xs), abs_tol=1e-9)
assert math.isclose(ggb.value("total"), table["Python a*x^2 - 2"].sum(), abs_tol=1e-9)

# %% [markdown]
# ## 4. Root, derivative and integral
#
# * [Root](https://geogebra.github.io/docs/manual/en/commands/Root/)`(f, 0, 5)`: the zero
#   of $f$ between $0$ and $5$. GeoGebra gives it as a *point* on the $x$-axis, so we take
#   its $x$-coordinate with `x( )` to get a number;
# * [Derivative](https://geogebra.github.io/docs/manual/en/commands/Derivative/)`(f)`: the
#   function $f'$; we evaluate it at $x = 3$ (the slope of the tangent there);
# * [Integral](https://geogebra.github.io/docs/manual/en/commands/Integral/)`(f, 0, 2)`:
#   the integral $\int_0^2 f(x)\,dx$ — the signed area between the graph and the $x$-axis.
#
# These commands work numerically, without GeoGebra's computer algebra system (CAS).
# A full GeoGebra (the GeoGebra app, or geogebra.org) can do more with its CAS: for
# example `Solve(a*x^2 - 2 = 0, x)` gives both roots exactly, and `Factor` and
# `Simplify` rewrite expressions. The small GeoGebra used to test these lessons has no
# CAS (those commands only answer `?` there), so this notebook does not rely on them.

# %%
# %%ggb
R = Root(f, 0, 5)
r = x(R)
g = Derivative(f)
slope3 = g(3)
areaUnder = Integral(f, 0, 2)
# g is a line through the origin: dashed, orange and labelled, so it is not taken for
# a tangent; the area's label would sit on R, so it goes
SetColor(g, "orange")
SetLineStyle(g, 1)
SetCaption(g, "f'")
ShowLabel(g, true)
ShowLabel(areaUnder, false)

# %% [markdown]
# **Check, with Python's own methods** (for $a = 1$, so $f(x) = x^2 - 2$):
#
# * the root: $x^2 - 2 = 0$ gives $x = \sqrt{2}$. Python also finds it by *bisection*:
#   halve the interval again and again, keeping the half where $f$ changes sign;
# * the derivative: $f'(x) = 2ax$, so $f'(3) = 6$; numerically, the slope
#   $\frac{f(3+h) - f(3-h)}{2h}$ for a small $h$;
# * the integral: $\int_0^2 (x^2 - 2)\,dx = \frac{8}{3} - 4 = -\frac{4}{3}$ (negative,
#   because the graph is below the axis there); numerically, Simpson's rule.

# %%
def f_py(x, a=a_value):
    return a * x**2 - 2


def bisection(func, lo, hi, steps=60):
    for _ in range(steps):
        mid = (lo + hi) / 2
        if func(lo) * func(mid) <= 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def simpson(func, lo, hi, n=100):
    h = (hi - lo) / n
    total = func(lo) + func(hi)
    total += sum((4 if i % 2 else 2) * func(lo + i * h) for i in range(1, n))
    return total * h / 3


h = 1e-5
checks = pd.DataFrame(
    {
        "GeoGebra": [ggb.value("r"), ggb.value("slope3"), ggb.value("areaUnder")],
        "exact": [math.sqrt(2 / a_value), 2 * a_value * 3, a_value * 8 / 3 - 4],
        "Python numerical": [
            bisection(f_py, 0, 5),
            (f_py(3 + h) - f_py(3 - h)) / (2 * h),
            simpson(f_py, 0, 2),
        ],
    },
    index=["root in [0, 5]", "f'(3)", "integral from 0 to 2"],
)
checks

# %%
for name, row in checks.iterrows():
    assert math.isclose(row["GeoGebra"], row["exact"], abs_tol=1e-6), name
    assert math.isclose(row["Python numerical"], row["exact"], abs_tol=1e-6), name

# %% [markdown]
# ## 5. An experiment: how does the root depend on $a$?
#
# Because `r`, `slope3` and `areaUnder` are defined from `f`, and `f` from the slider, one
# `SetValue` updates all of them. We try several values of $a$ and collect the results.
# From $a x^2 - 2 = 0$ we expect the root $\sqrt{2/a}$.

# %%
experiment = []
for a_try in [0.5, 1, 2, 3]:
    ggb.command(f"SetValue(a, {a_try})")
    experiment.append(
        {
            "a": ggb.value("a"),
            "root (GeoGebra)": ggb.value("r"),
            "sqrt(2/a)": math.sqrt(2 / a_try),
            "f'(3) (GeoGebra)": ggb.value("slope3"),
            "integral (GeoGebra)": ggb.value("areaUnder"),
            "a*8/3 - 4": a_try * 8 / 3 - 4,
        }
    )
experiment = pd.DataFrame(experiment)
experiment

# %%
for _, row in experiment.iterrows():
    assert math.isclose(row["root (GeoGebra)"], row["sqrt(2/a)"], abs_tol=1e-6)
    assert math.isclose(row["f'(3) (GeoGebra)"], 6 * row["a"], abs_tol=1e-6)
    assert math.isclose(row["integral (GeoGebra)"], row["a*8/3 - 4"], abs_tol=1e-6)

# %% [markdown]
# Back to $a = 1$, and a picture of the graph with its seven points, the root $R$, the
# derivative $f'$ (dashed) and the area from $0$ to $2$. The slider sits at a fixed
# place on the screen, where it would cover the graph in the picture, so the picture
# leaves it out (`SetVisibleInView`) and we put it back afterwards.

# %%
# %ggb SetValue(a, 1)

# %%
# %ggb SetVisibleInView(a, 1, false)

# %%
# %ggb --png

# %% [markdown]
# **An animation.** `ggb.animate("a", 0.5, 2, frames=16)` moves the slider from $0.5$ to
# $2$ in 16 steps and returns an animated GIF, framed like a picture (on the drawing at
# the start, the middle and the end of the sweep), that stays in the notebook. Watch the
# root move towards $0$ and the area grow as $a$ grows. Afterwards `a` has its value
# back. (`%ggb --animate a 0.5 2 --frames 16` does the same.)

# %%
ggb.animate("a", 0.5, 2, frames=16, duration=0.15)

# %%
# %ggb SetVisibleInView(a, 1, true)

# %% [markdown]
# ## Try it yourself
#
# 1. Change the function to $f(x) = a x^2 - 2x$ (type the new definition in a `%ggb`
#    cell; everything that depends on `f` follows). Which root does `Root(f, 0, 5)` find
#    now, and how does it depend on $a$? Check your formula with Python.
# 2. For which value of $a$ is $\int_0^2 f(x)\,dx = 0$ for the original
#    $f(x) = a x^2 - 2$? Solve it on paper ($a \cdot \frac{8}{3} - 4 = 0$), then set the
#    slider there and check with `ggb.value("areaUnder")`.
# 3. Make the slider negative (for example $-1$). What happens to `Root(f, 0, 5)`? Why?
#
# The cell below checks your answer to question 2: put your value into `a_guess` and
# run it. (The solution is at the end of the notebook.)

# %%
a_guess = 1.2
ggb.command(f"SetValue(a, {a_guess})")
print("a =", ggb.value("a"), "  integral from 0 to 2 =", ggb.value("areaUnder"))
if math.isclose(ggb.value("areaUnder"), 0, abs_tol=1e-6):
    print("Right: the integral is zero.")
else:
    print("Not zero yet: try another a_guess.")

# %% [markdown]
# ---
#
# *Exercises above first!*
#
# &nbsp;
#
# ## Solution of question 2
#
# $a \cdot \frac{8}{3} - 4 = 0$ gives $a = \frac{3}{2} = 1.5$. Checked in GeoGebra:

# %%
ggb.command("SetValue(a, 1.5)")
assert math.isclose(ggb.value("areaUnder"), 0, abs_tol=1e-6)
print("a = 1.5: integral from 0 to 2 =", ggb.value("areaUnder"))
