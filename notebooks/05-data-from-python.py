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
# # 05 · Data from Python: fitting a line
#
# Measurements are never perfect: points that "should" lie on a line scatter around it.
# The **line of best fit** (least-squares regression line) is the line that makes the
# sum of the squared vertical distances to the points as small as possible.
#
# In this notebook Python makes the data, GeoGebra draws it and fits the line, and
# Python checks GeoGebra's answer with NumPy.
#
# **What you will learn**
#
# 1. to make reproducible "noisy" data with NumPy (a *seeded* random generator);
# 2. to send a Python list of points, or a NumPy array, to GeoGebra with `{{ ... }}`;
# 3. to fit a line with GeoGebra's `FitLine` and read its slope back into Python;
# 4. to compare with `numpy.polyfit` and with summary statistics (`MeanX`, `MeanY`, `Sum`, `Min`,
#    `Max`, `Length`).

# %%
# %load_ext ggbmagic

# %% [markdown]
# ## 1. Make the data
#
# We imagine an experiment that follows the law $y = 2x + 1$, measured with some
# error. `np.random.default_rng(2024)` is a random generator with a fixed *seed*: it
# gives the same "random" numbers every time, so everyone in the class gets the same data
# (change the seed to get another data set). We round to two decimals, like a measuring
# instrument would.

# %%
import math

import numpy as np
import pandas as pd

rng = np.random.default_rng(2024)
n = 20
x = np.sort(rng.uniform(-2, 2, n)).round(2)
y = (2 * x + 1 + rng.normal(0, 0.5, n)).round(2)

pd.DataFrame({"x": x, "y": y}).head()

# %% [markdown]
# ## 2. Send the points to GeoGebra
#
# A Python list of pairs `(x, y)` becomes a GeoGebra list of points
# `{(x1, y1), (x2, y2), ...}` ([Lists](https://geogebra.github.io/docs/manual/en/Lists/)).
# `.tolist()` turns NumPy numbers into plain Python numbers.

# %%
points = list(zip(x.tolist(), y.tolist()))
points[:3]

# %%
# %ggb L = {{points}}

# %% [markdown]
# The table says `list (hidden)`: GeoGebra creates a list typed from numbers hidden
# (a list made from other objects, like `{A, B}`, is drawn). `--show` draws it:

# %%
# %ggb --show L

# %% [markdown]
# A NumPy array becomes a GeoGebra list of numbers. We send the $x$ and the $y$ values
# separately too, for the statistics below.

# %%
# %ggb xs = {{x}}

# %%
# %ggb ys = {{y}}

# %% [markdown]
# ## 3. Fit the line in GeoGebra
#
# * [FitLine](https://geogebra.github.io/docs/manual/en/commands/FitLine/)`(L)`: the
#   regression line of $y$ on $x$;
# * [Slope](https://geogebra.github.io/docs/manual/en/commands/Slope/): its slope $m$;
# * [MeanX](https://geogebra.github.io/docs/manual/en/commands/MeanX/) and
#   [MeanY](https://geogebra.github.io/docs/manual/en/commands/MeanY/): the averages
#   $\bar{x}$ and $\bar{y}$ of the points of `L` (so they follow `L` when a point changes). The fitted line always passes through the point
#   $(\bar{x}, \bar{y})$, so its $y$-intercept is $b = \bar{y} - m\,\bar{x}$;
# * [Distance](https://geogebra.github.io/docs/manual/en/commands/Distance/) from that
#   point to the line should therefore be $0$;
# * [Length](https://geogebra.github.io/docs/manual/en/commands/Length/),
#   [Sum](https://geogebra.github.io/docs/manual/en/commands/Sum/),
#   [Min](https://geogebra.github.io/docs/manual/en/commands/Min/),
#   [Max](https://geogebra.github.io/docs/manual/en/commands/Max/) and
#   [Element](https://geogebra.github.io/docs/manual/en/commands/Element/) describe the
#   data.

# %%
# %%ggb
# the line of best fit and its slope
fit = FitLine(L)
SetColor(fit, "red")
m = Slope(fit)

# the mean point lies on the fitted line
mx = MeanX(L)
my = MeanY(L)
Mbar = (mx, my)
dMbar = Distance(Mbar, fit)
b = my - m*mx

# a few statistics of the data
npts = Length(L)
ysum = Sum(ys)
ymin = Min(ys)
ymax = Max(ys)
first = Element(L, 1)

# %% [markdown]
# ## 4. Check with NumPy
#
# `np.polyfit(x, y, 1)` fits a polynomial of degree 1 — a line — by least squares and
# returns its slope and intercept. GeoGebra and NumPy used the same (rounded) data, so
# they must agree up to rounding in the last digits.

# %%
m_numpy, b_numpy = np.polyfit(x, y, 1)

comparison = pd.DataFrame(
    {
        "GeoGebra": [ggb.value("m"), ggb.value("b"), ggb.value("mx"), ggb.value("my")],
        "NumPy": [m_numpy, b_numpy, x.mean(), y.mean()],
    },
    index=["slope m", "intercept b", "mean of x", "mean of y"],
)
comparison

# %%
assert math.isclose(ggb.value("m"), m_numpy, abs_tol=1e-6)
assert math.isclose(ggb.value("b"), b_numpy, abs_tol=1e-6)
assert math.isclose(ggb.value("mx"), x.mean(), abs_tol=1e-9)
assert math.isclose(ggb.value("my"), y.mean(), abs_tol=1e-9)
assert ggb.value("dMbar") < 1e-6

# %% [markdown]
# The statistics of the data, and the first point of the list:

# %%
assert math.isclose(ggb.value("npts"), n)
assert math.isclose(ggb.value("ysum"), y.sum(), abs_tol=1e-6)
assert math.isclose(ggb.value("ymin"), y.min(), abs_tol=1e-9)
assert math.isclose(ggb.value("ymax"), y.max(), abs_tol=1e-9)
fx, fy = ggb.coords("first")
assert math.isclose(fx, x[0], abs_tol=1e-9) and math.isclose(fy, y[0], abs_tol=1e-9)
print(f"{n} points, y from {y.min()} to {y.max()}, first point ({fx}, {fy})")

# %% [markdown]
# **How good is the fit?** The data were made from $y = 2x + 1$, so the slope and the
# intercept should be *near* $2$ and $1$ — but not equal, because of the noise. A
# property of least squares: the *residuals* $y_i - (m x_i + b)$ (how far each point is
# above or below the line) add up to zero.

# %%
m_ggb, b_ggb = ggb.value("m"), ggb.value("b")
residuals = y - (m_ggb * x + b_ggb)
print(f"fitted line: y = {m_ggb:.3f} x + {b_ggb:.3f}   (the law was y = 2x + 1)")
print(f"sum of the residuals: {residuals.sum():.2e}")

assert abs(m_ggb - 2) < 0.5 and abs(b_ggb - 1) < 0.5
assert abs(residuals.sum()) < 1e-6

# %% [markdown]
# A picture of the points, the fitted line and the mean point $\bar{M}$ (`Mbar`).
# `ggb.png()` frames it on what is drawn; `width=` sets its size in pixels, `scale=2`
# makes it sharper; `%ggb --png` is the same with the default size.

# %%
ggb.png(width=560)

# %% [markdown]
# ## Try it yourself
#
# 1. Make the noise bigger (`rng.normal(0, 2, n)`): does the fitted slope move further
#    from $2$? Run the notebook from the top again with your change.
# 2. Change the law to $y = -x + 3$. Which numbers in the checks above do you have to
#    change?
# 3. Make one point an *outlier*: `%ggb SetValue(L, 5, (0, -6))` replaces the 5th point
#    of the list `L`. Read `ggb.value("m")` again. How much does one bad measurement change the slope?
#    The fitted line, `m`, `b` and the mean point follow `L`, so "the mean point is on the
#    line" still holds; but the NumPy arrays `x`, `y` and GeoGebra's `xs`, `ys` (and
#    `ysum`, `ymin`, `ymax`) are copies of the old data: the NumPy comparison in section 4
#    no longer matches until you change `x`, `y` too.
#
# The cell below is a start for question 1: it makes new data with more noise, sends it
# to GeoGebra and compares the two fits again.

# %%
rng2 = np.random.default_rng(7)
x2 = np.sort(rng2.uniform(-2, 2, n)).round(2)
y2 = (2 * x2 + 1 + rng2.normal(0, 2, n)).round(2)
noisy_points = list(zip(x2.tolist(), y2.tolist()))

# %%
# %%ggb
Lnoisy = {{noisy_points}}
fit2 = FitLine(Lnoisy)
m2 = Slope(fit2)

# %% [markdown]
# Both data sets and both fitted lines in one picture: the noisy points in orange, their
# line in blue.

# %%
# %%ggb
SetColor(Lnoisy, "orange")
SetColor(fit2, "blue")

# %%
# %ggb --show Lnoisy --png

# %%
print("slope with little noise:", round(ggb.value("m"), 3), "  with more noise:", round(ggb.value("m2"), 3))
assert math.isclose(ggb.value("m2"), np.polyfit(x2, y2, 1)[0], abs_tol=1e-6)
