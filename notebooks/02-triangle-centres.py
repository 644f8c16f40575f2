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
# # 02 · Triangle centres and the Euler line
#
# Every triangle has several "centres". Three of them are famous:
#
# * the **centroid** $G$, where the three medians meet (the balance point);
# * the **circumcentre** $O$, where the perpendicular bisectors of the sides meet
#   (the centre of the circle through the three vertices);
# * the **orthocentre** $H$, where the three altitudes meet.
#
# In 1765 Leonhard Euler proved something surprising: $G$, $O$ and $H$ always lie on
# one straight line, the **Euler line**, and $G$ sits between them with
# $HG = 2\,GO$.
#
# **What you will learn**
#
# 1. to build the three centres in GeoGebra in two ways: with the ready-made command
#    `TriangleCenter`, and "by hand" from bisectors and altitudes;
# 2. to check in Python that the centres are where the theory says;
# 3. to check Euler's theorem numerically, and to move a vertex and check it again
#    for other triangles.
#
# This notebook assumes you have worked through `01-quickstart`.

# %%
# %load_ext ggbmagic

# %% [markdown]
# ## 1. The triangle
#
# `--clear` starts from an empty construction. A point is written as a pair of
# coordinates ([Points and Vectors](https://geogebra.github.io/docs/manual/en/Points_and_Vectors/));
# [Polygon](https://geogebra.github.io/docs/manual/en/commands/Polygon/) draws the
# triangle and names its sides itself: `a`, `b`, `c` (side `a` is opposite vertex
# `A`). They appear in the result next to `tri`, so the names `a`, `b` and `c` are
# taken in this construction.

# %%
# %%ggb --clear
# the three vertices of the triangle
A = (0, 0)
B = (6, 0)
C = (1, 4)
tri = Polygon(A, B, C)

# %% [markdown]
# We read the vertices back into Python. Python will use them for its own,
# independent calculations.

# %%
import math


def close(p, q, tol=1e-6):
    """True when the points p and q are at most tol apart."""
    return math.dist(p, q) <= tol


A = ggb.coords("A")
B = ggb.coords("B")
C = ggb.coords("C")
print("A =", A, " B =", B, " C =", C)

# %% [markdown]
# ## 2. The centroid $G$
#
# [TriangleCenter](https://geogebra.github.io/docs/manual/en/commands/TriangleCenter/)
# `(A, B, C, n)` gives the $n$-th centre from Clark Kimberling's
# *Encyclopedia of Triangle Centers*: $n = 2$ is the centroid, $n = 3$ the circumcentre,
# $n = 4$ the orthocentre. [Centroid](https://geogebra.github.io/docs/manual/en/commands/Centroid/)
# gives the centroid of any polygon, so it must agree for a triangle.
#
# The first `TriangleCenter` takes a moment longer: GeoGebra loads the part of itself
# that holds such commands only when one is first used (ggbmagic waits for it).

# %%
# %%ggb
# the centroid, two ways
G = TriangleCenter(A, B, C, 2)
Gpoly = Centroid(tri)

# %% [markdown]
# **Check.** The centroid is the average of the three vertices:
# $G = \left(\frac{x_A + x_B + x_C}{3},\ \frac{y_A + y_B + y_C}{3}\right)$.

# %%
G_python = ((A[0] + B[0] + C[0]) / 3, (A[1] + B[1] + C[1]) / 3)
print("G from GeoGebra:", ggb.coords("G"), "  from Python:", G_python)

assert close(ggb.coords("G"), G_python)
assert close(ggb.coords("Gpoly"), G_python)

# %% [markdown]
# ## 3. The circumcentre $O$
#
# The circumcentre is the same distance from all three vertices, so a circle centred at
# $O$ passes through $A$, $B$ and $C$. We build it three ways:
#
# * `TriangleCenter(A, B, C, 3)`;
# * as the intersection of two perpendicular bisectors
#   ([PerpendicularBisector](https://geogebra.github.io/docs/manual/en/commands/PerpendicularBisector/),
#   [Intersect](https://geogebra.github.io/docs/manual/en/commands/Intersect/));
# * and we draw the circle through the three vertices with
#   [Circle](https://geogebra.github.io/docs/manual/en/commands/Circle/)`(A, B, C)`.
#
# [Distance](https://geogebra.github.io/docs/manual/en/commands/Distance/) measures
# $OA$, $OB$ and $OC$.

# %%
# %%ggb
O = TriangleCenter(A, B, C, 3)
circumcircle = Circle(A, B, C)

# the same point, built from two perpendicular bisectors
mAB = PerpendicularBisector(A, B)
mBC = PerpendicularBisector(B, C)
Obis = Intersect(mAB, mBC)

# distances from O to the vertices
rA = Distance(O, A)
rB = Distance(O, B)
rC = Distance(O, C)

# %% [markdown]
# **Check.** The three distances are equal, the two constructions give the same point,
# and Python's formula for the circumcentre agrees:
#
# $$ O = \frac{1}{D}\Big( |A|^2 (y_B - y_C) + |B|^2 (y_C - y_A) + |C|^2 (y_A - y_B),\;
#                        |A|^2 (x_C - x_B) + |B|^2 (x_A - x_C) + |C|^2 (x_B - x_A) \Big),$$
#
# with $D = 2\big(x_A (y_B - y_C) + x_B (y_C - y_A) + x_C (y_A - y_B)\big)$ and
# $|A|^2 = x_A^2 + y_A^2$.

# %%
def circumcentre(A, B, C):
    (ax, ay), (bx, by), (cx, cy) = A, B, C
    D = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    a2, b2, c2 = ax**2 + ay**2, bx**2 + by**2, cx**2 + cy**2
    ux = (a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / D
    uy = (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / D
    return (ux, uy)


rA, rB, rC = ggb.value("rA"), ggb.value("rB"), ggb.value("rC")
print(f"OA = {rA:.6f}   OB = {rB:.6f}   OC = {rC:.6f}")
print("O from GeoGebra:", ggb.coords("O"), "  from Python:", circumcentre(A, B, C))

assert math.isclose(rA, rB, abs_tol=1e-6) and math.isclose(rB, rC, abs_tol=1e-6)
assert close(ggb.coords("O"), ggb.coords("Obis"))
assert close(ggb.coords("O"), circumcentre(A, B, C))

# %% [markdown]
# ## 4. The orthocentre $H$
#
# An *altitude* goes through a vertex and is perpendicular to the opposite side.
# Again we build $H$ twice: with `TriangleCenter(A, B, C, 4)`, and as the intersection
# of two altitudes
# ([Line](https://geogebra.github.io/docs/manual/en/commands/Line/),
# [PerpendicularLine](https://geogebra.github.io/docs/manual/en/commands/PerpendicularLine/),
# [Intersect](https://geogebra.github.io/docs/manual/en/commands/Intersect/)).

# %%
# %%ggb
H = TriangleCenter(A, B, C, 4)

# the same point, built from two altitudes
lineBC = Line(B, C)
lineCA = Line(C, A)
hA = PerpendicularLine(A, lineBC)
hB = PerpendicularLine(B, lineCA)
Halt = Intersect(hA, hB)

# %% [markdown]
# **Check.** In Python, $H$ is the point whose connecting vectors satisfy
# $\vec{AH} \cdot \vec{BC} = 0$ and $\vec{BH} \cdot \vec{CA} = 0$ (perpendicular
# vectors have dot product zero). That is two linear equations for the two coordinates of
# $H$, which we solve with Cramer's rule. And the third altitude, from $C$, must pass
# through $H$ too: $\vec{CH} \cdot \vec{AB} = 0$.

# %%
def orthocentre(A, B, C):
    # (H - A)·(C - B) = 0  and  (H - B)·(A - C) = 0, written as  p*x + q*y = r
    p1, q1 = C[0] - B[0], C[1] - B[1]
    r1 = p1 * A[0] + q1 * A[1]
    p2, q2 = A[0] - C[0], A[1] - C[1]
    r2 = p2 * B[0] + q2 * B[1]
    det = p1 * q2 - p2 * q1
    return ((r1 * q2 - r2 * q1) / det, (p1 * r2 - p2 * r1) / det)


H = ggb.coords("H")
print("H from GeoGebra:", H, "  from Python:", orthocentre(A, B, C))

assert close(H, ggb.coords("Halt"))
assert close(H, orthocentre(A, B, C))
# the altitude from C passes through H as well
dot = (H[0] - C[0]) * (B[0] - A[0]) + (H[1] - C[1]) * (B[1] - A[1])
assert abs(dot) < 1e-6

# %% [markdown]
# ## 5. The Euler line
#
# Draw the line through $O$ and $H$, colour it red
# ([SetColor](https://geogebra.github.io/docs/manual/en/commands/SetColor/)), and
# measure: the distance from $G$ to that line, the lengths $HG$ and $GO$, and the slope
# of the line ([Slope](https://geogebra.github.io/docs/manual/en/commands/Slope/)).
# Because these objects are *defined* from $A$, $B$, $C$, GeoGebra recomputes them
# whenever a vertex moves.

# %%
# %%ggb
euler = Line(O, H)
SetColor(euler, "red")
dGeuler = Distance(G, euler)
HG = Distance(H, G)
GO = Distance(G, O)
eulerSlope = Slope(euler)

# %% [markdown]
# **Check.** Euler's theorem in numbers:
#
# * $G$ lies on the line $OH$: GeoGebra's distance from $G$ to the line is $0$, and in
#   Python the *cross product* $(G - O) \times (H - O)$ is $0$ (it is twice the area of
#   the triangle $OGH$, and that area is zero exactly when the points are collinear);
# * $HG = 2\,GO$, i.e. $G$ divides $OH$ in the ratio $1 : 2$;
# * the slope of the line agrees with $\frac{y_H - y_O}{x_H - x_O}$.
#
# We put the checks in a function, because we will use them again for other triangles.

# %%
def check_euler_line(verbose=True):
    G, O, H = ggb.coords("G"), ggb.coords("O"), ggb.coords("H")
    A, B, C = ggb.coords("A"), ggb.coords("B"), ggb.coords("C")
    # the three centres, computed by Python from the vertices alone
    assert close(G, ((A[0] + B[0] + C[0]) / 3, (A[1] + B[1] + C[1]) / 3))
    assert close(O, circumcentre(A, B, C))
    assert close(H, orthocentre(A, B, C))
    # collinear: GeoGebra's distance from G to the Euler line, and Python's cross product
    cross = (G[0] - O[0]) * (H[1] - O[1]) - (G[1] - O[1]) * (H[0] - O[0])
    assert ggb.value("dGeuler") < 1e-6
    assert abs(cross) < 1e-6
    # HG = 2 GO, measured by GeoGebra and by Python
    assert math.isclose(ggb.value("HG"), 2 * ggb.value("GO"), abs_tol=1e-6)
    assert math.isclose(math.dist(H, G), 2 * math.dist(G, O), abs_tol=1e-6)
    # the slope of the Euler line
    if abs(H[0] - O[0]) > 1e-9:
        assert math.isclose(ggb.value("eulerSlope"), (H[1] - O[1]) / (H[0] - O[0]), abs_tol=1e-6)
    if verbose:
        print(f"C = {C}:  HG = {ggb.value('HG'):.4f},  GO = {ggb.value('GO'):.4f},  "
              f"HG / GO = {ggb.value('HG') / ggb.value('GO'):.6f}")


check_euler_line()

# %% [markdown]
# A picture of the construction for your notes. First we tidy it: the second copies of
# the centres (`Gpoly`, `Obis`, `Halt`) lie exactly on `G`, `O` and `H` and their labels
# would cover them, the bisectors and altitudes that built them run across the whole
# picture, and `Slope` draws its slope triangle with the number on the Euler line.
# [SetVisibleInView](https://geogebra.github.io/docs/manual/en/commands/SetVisibleInView/)
# hides them in the graphics view (they still exist and still follow the triangle); two
# short segments show the altitudes from $A$ and $B$ instead. The three centres get
# their own colours. (`ggb.svg()` gives a vector picture; `%ggb --png` below a bitmap.)

# %%
# %%ggb
SetVisibleInView(Gpoly, 1, false)
SetVisibleInView(Obis, 1, false)
SetVisibleInView(Halt, 1, false)
SetVisibleInView(mAB, 1, false)
SetVisibleInView(mBC, 1, false)
SetVisibleInView(lineBC, 1, false)
SetVisibleInView(lineCA, 1, false)
SetVisibleInView(hA, 1, false)
SetVisibleInView(hB, 1, false)
SetVisibleInView(eulerSlope, 1, false)
altA = Segment(A, Intersect(hA, lineBC))
altB = Segment(B, Intersect(hB, lineCA))
SetColor(G, "darkgreen")
SetColor(O, "blue")
SetColor(H, "purple")

# %%
ggb.svg()

# %% [markdown]
# ## 6. Is it true for every triangle?
#
# One example proves nothing. To look at it while we test, we bring the applet out of
# the panel and into this page, right below: `%ggb --open --inline` shows the same
# construction in the cell's output (`%ggb --open --panel` puts it back beside the
# notebook). Drag $C$ around in it and watch the red line follow $G$, $O$ and $H$; on
# GitHub or in a PDF the output shows a picture instead.

# %%
# %ggb --open --inline

# %% [markdown]
# Now Python moves $C$ with
# [SetCoords](https://geogebra.github.io/docs/manual/en/commands/SetCoords/) to several
# places, including an obtuse triangle (where $H$ and $O$ lie outside the triangle),
# and runs the same checks each time — watch the applet above follow.

# %%
for new_C in [(2, 5), (5, 3), (-1, 2), (4, 1)]:
    ggb.command(f"SetCoords(C, {new_C[0]}, {new_C[1]})")
    check_euler_line()

# %% [markdown]
# A `SetCoords` like these creates nothing, so GeoGebra answers it with no label; the
# result says what it changed (`C` and everything built from it).
#
# Put $C$ back where it was and take a snapshot.

# %%
# %ggb SetCoords(C, 1, 4)

# %%
check_euler_line(verbose=False)

# %%
# %ggb --png

# %% [markdown]
# ## Try it yourself
#
# 1. The **nine-point centre** $N$ is `TriangleCenter(A, B, C, 5)`. It also lies on the
#    Euler line, exactly halfway between $O$ and $H$. Add it in a `%%ggb` cell and check
#    with Python that $N$ is the midpoint of $OH$
#    ([Midpoint](https://geogebra.github.io/docs/manual/en/commands/Midpoint/)).
# 2. The **incentre** (`TriangleCenter(A, B, C, 1)`) is usually *not* on the Euler line.
#    Measure its distance to `euler`.
# 3. For which triangles do $G$, $O$ and $H$ coincide? Try it with `SetCoords` (hint:
#    all sides equal) — and then think about why `Line(O, H)` is not defined there.
#
# The cell below is a start: it checks the Euler line for a triangle you choose.

# %%
my_C = (4, 5)
ggb.command(f"SetCoords(C, {my_C[0]}, {my_C[1]})")
check_euler_line()
