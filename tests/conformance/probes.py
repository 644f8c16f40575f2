"""The conformance probes: Apps API calls whose answers pin the test double to GeoGebra.

Each probe runs in a fresh applet (a new ``GGBApplet`` injected into a new element, as
the product's loader does) on a plain page. ``setup`` lines run first through
``evalCommandGetLabels`` (their answers are recorded too); then the listeners (add,
remove, update, rename, clear, client) are registered and the ``steps`` run in order.

A step is a JavaScript expression over ``api`` (the API object), ``CB`` (a callback
whose calls are recorded; a step that mentions it waits a bound for a call) and ``S``
(a scratch object shared by the probe's steps). A step ``"wait: <expr>"`` polls the
expression until it is true or a bound passes. A promise is awaited (a bound).

``fresh_page``: the probe runs in a newly loaded page, so GeoGebra's lazily loaded
command modules are not loaded yet. All other probes share one page in which every
lazily loaded module was loaded first (see ``WARM_UP``), so their answers do not depend
on the order they run in.

``real_only``: the double does not implement this (the reason says why); the row is
recorded from the real GeoGebra but not compared. Keep these few.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

__all__ = ["PROBES", "WARM_UP", "Probe"]


@dataclass(frozen=True)
class Probe:
    id: str
    steps: tuple[str, ...]
    setup: tuple[str, ...] = ()
    fresh_page: bool = False
    real_only: str | None = None
    note: str = ""
    tags: tuple[str, ...] = field(default=())
    #: Options of the probe's applet for the product's loader (``appName``, ``ggbBase64``).
    applet: tuple[tuple[str, str], ...] = ()
    #: A user's drag after the steps: the point's name and the GeoGebra coordinates it
    #: goes through. On the real GeoGebra a real mouse drag on the canvas, on the double
    #: its ``drag`` hook; the row keeps the drag's events as :func:`drag_pattern` says.
    drag: tuple[str, tuple[tuple[float, float], ...]] | None = None

    def as_js(self) -> dict[str, object]:
        steps = []
        for s in self.steps:
            if s.startswith("wait:"):
                steps.append({"wait": s[len("wait:"):].strip()})
            else:
                steps.append({"js": s, "callback": "CB" in s})
        out: dict[str, object] = {"id": self.id, "setup": list(self.setup), "steps": steps,
                                  "applet": dict(self.applet)}
        if self.drag:
            out["drag"] = [self.drag[0], [list(p) for p in self.drag[1]]]
        return out

    def digest(self) -> str:
        """A hash of everything that decides the probe's answers: its code (setup, steps,
        applet options) and where it runs. The record keeps it beside the answers, so an
        edited probe whose answers were not re-recorded is noticed (issue 20)."""
        what = {**self.as_js(), "fresh_page": self.fresh_page}
        text = json.dumps(what, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def q(s: str) -> str:
    """A JS string literal (single quotes) for ``s``."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def labels(cmd: str) -> str:
    return f"api.evalCommandGetLabels({q(cmd)})"


COORD_NAMES = ("A", "B", "G", "m", "r", "u")


def describe(name: str) -> tuple[str, ...]:
    """What the product's describe does for one object (frontend/src/execute.ts), and
    ``getValue`` (``ggb.value``); coordinates only for points and vectors, as there."""
    n = q(name)
    steps = (
        f"api.getObjectType({n})", f"api.getValueString({n})",
        f"api.getDefinitionString({n})", f"api.getCommandString({n})",
        f"api.isDefined({n})", f"api.getVisible({n})", f"api.getValue({n})",
    )
    if name in COORD_NAMES:
        steps += (f"[api.getXcoord({n}), api.getYcoord({n}), api.getZcoord({n})]",)
    return steps


def created(cmd: str, *names: str, setup: tuple[str, ...] = (), id: str = "",
            fresh: bool = False, real_only: str | None = None, note: str = "") -> Probe:
    """Run ``cmd``; then describe each name, and list every object afterwards."""
    steps: list[str] = [labels(cmd)]
    for n in names:
        steps.extend(describe(n))
    steps.append("api.getAllObjectNames()")
    return Probe(id or f"create {cmd}", tuple(steps), setup=setup, fresh_page=fresh,
                 real_only=real_only, note=note)


TRIANGLE = ("A=(0,0)", "B=(4,0)", "C=(1,3)")

# One command of each lazily loaded command module: run (awaited) in the shared page
# before its probes, so that no shared probe is the module's first use.
WARM_UP = (
    "TriangleCenter((0,0),(4,0),(1,3),2)",
    "FitLine({(0,0),(1,1),(2,3)})",
    "Mean({1,2,3})",
    "Sequence(3)",
    "Root(x^2-2,0,3)",
    "Derivative(x^2)",
    "Integral(x^2,0,1)",
    "Intersect(Line((0,0),(1,1)),Line((0,1),(1,0)))",
)

# Commands the product's lessons use (notebooks/*.py), each tried on its first use in a
# fresh page: which ones GeoGebra loads lazily (the first synchronous call throws).
FIRST_USE = (
    ("Distance(A,B)", TRIANGLE),
    ("Segment(A,B)", TRIANGLE),
    ("Line(A,B)", TRIANGLE),
    ("Midpoint(A,B)", TRIANGLE),
    ("Polygon(A,B,C)", TRIANGLE),
    ("Circle(A,2)", TRIANGLE),
    ("Circle(A,B,C)", TRIANGLE),
    ("TriangleCenter(A,B,C,2)", TRIANGLE),
    ("Centroid(Polygon(A,B,C))", TRIANGLE),
    ("PerpendicularBisector(A,B)", TRIANGLE),
    ("PerpendicularLine(C,Line(A,B))", TRIANGLE),
    ("Intersect(Line(A,B),Line(B,C))", TRIANGLE),
    ("Slope(Line(A,C))", TRIANGLE),
    ("Area(Polygon(A,B,C))", TRIANGLE),
    ("Perimeter(Polygon(A,B,C))", TRIANGLE),
    ("Slider(-5,5,0.1)", ()),
    ("Sequence(5)", ()),
    ("Sequence(k^2,k,1,4)", ()),
    ("Length({1,2,3})", ()),
    ("Sum({1,2,3})", ()),
    ("Mean({1,2,3})", ()),
    ("Min({4,2,3})", ()),
    ("Max({4,2,3})", ()),
    ("Element({4,2,3},2)", ()),
    ("FitLine({(0,1),(1,3),(2,5)})", ()),
    ("Root(x^2-2,0,3)", ()),
    ("Derivative(x^3)", ()),
    ("Integral(x^2,0,3)", ()),
)


def _first_use() -> list[Probe]:
    out = []
    for cmd, setup in FIRST_USE:
        out.append(Probe(
            f"first use {cmd}",
            (labels(f"r={cmd}"), "api.exists('r')",
             f"api.asyncEvalCommandGetLabels({q('r2=' + cmd)})", labels(f"r3={cmd}"),
             "api.getObjectType('r3')", "api.getValueString('r3')"),
            setup=setup, fresh_page=True,
            note="lazily loaded command modules: the first synchronous call throws"))
    return out


PROBES: tuple[Probe, ...] = (
    # --- creating and describing ----------------------------------------------------------
    created("A=(1,2)", "A", id="point"),
    Probe("point style getters", ("api.getColor('A')", "api.getLabelVisible('A')",
                                  "api.getCaption('A')", "api.exists('A')", "api.exists('Nope')",
                                  "api.isIndependent('A')", "api.isMoveable('A')"),
          setup=("A=(1,2)",)),
    created("d=5", "d", id="number"),
    created("d=Distance(A,B)", "d", setup=("A=(1,2)", "B=(4,6)"), id="distance"),
    created("fl: y = 2x + 1", "fl", id="line typed as y ="),
    created("f(x) = x^2 - 2", "f", id="function"),
    created("c=Circle((1,2),5)", "c", id="circle"),
    created("L={1,2,3}", "L", id="list of numbers"),
    created("P={(1,2),(3,4)}", "P", id="list of points"),
    created("tx=\"hello\"", "tx", id="text"),
    created("b=3>2", "b", id="boolean"),
    created("al=Angle((1,0),(0,0),(0,1))", "al", id="angle"),
    created("u=(3,4)", "u", id="lowercase pair is a vector"),
    created("s=Segment(A,B)", "s", setup=("A=(0,0)", "B=(3,4)"), id="segment"),
    created("a=Slider(-5,5,0.1)", "a", id="slider"),
    created("t1 = Polygon((0,0),(2,0),(0,2))", "t1", "f", id="polygon names its sides"),
    created("Polygon(A,B,C)", "t1", "a", setup=TRIANGLE, id="polygon of named points"),
    created("Intersect(Line((0,0),(1,1)),Line((0,1),(1,0)))", "A",
            id="intersect two lines"),
    created("Intersect(Circle((0,0),2),Line((0,0),(1,0)))", "A", "B",
            id="intersect line and circle: two outputs",
            real_only="the double has no multi-output Intersect; it refuses line-circle"),
    created("ln = Line((0,0),(1,1))", "ln", "ln_{1}", id="ln is a function name"),
    created("A=(5,5)", "A", setup=("A=(1,2)", "B=A+(1,1)"), id="redefine a free point"),
    created("ax=Line((0,0),(0,1))", "ax", id="vertical line"),
    created("m=Midpoint(A,B)", "m", setup=("A=(0,0)", "B=(4,2)"), id="midpoint"),
    created("G=TriangleCenter(A,B,C,2)", "G", setup=TRIANGLE, id="triangle centre, loaded"),
    created("pb=PerpendicularBisector(A,B)", "pb", setup=TRIANGLE, id="perpendicular bisector"),
    created("pl=PerpendicularLine(C,Line(A,B))", "pl", setup=TRIANGLE,
            id="perpendicular line"),
    created("k=Slope(Line(A,C))", "k", setup=TRIANGLE, id="slope"),
    created("fit=FitLine({(0,1),(1,3),(2,5)})", "fit", id="fit line"),
    created("sq=Sequence(k^2,k,1,4)", "sq", id="sequence"),
    created("mxl=MeanX({(1,2),(3,5),(4,4)})", "mxl", id="MeanX of a list of points"),
    Probe("MeanY follows SetValue of the list",
          (labels("my=MeanY(L)"), "api.getValue('my')", labels("SetValue(L, 2, (0, -6))"),
           "api.getValue('my')", "api.getValueString('L')"),
          setup=("L={(1,2),(3,5),(4,4)}",)),
    created("r=Root(x^2-2,0,3)", "r", id="root is a point"),
    created("dv=Derivative(x^3)", "dv", id="derivative"),
    created("ig=Integral(x^2,0,3)", "ig", id="integral"),
    created("el=Element({4,2,3},5)", "el", id="element past the end"),
    # --- undefined and infinite values ----------------------------------------------------
    created("und=1/0", "und", id="one over zero"),
    created("nund=-1/0", "nund", id="minus one over zero"),
    created("q=sqrt(-1)", "q", id="undefined number"),
    Probe("value of a missing name and of expressions",
          ("api.getValue('Nope')", "api.getValueString('Nope')", "api.getObjectType('Nope')",
           "api.getValue('Distance(A, B)')", "api.getValue('2+3')", "api.isDefined('Nope')"),
          setup=("A=(1,2)", "B=(4,6)")),
    # --- scripting commands: null both ways, and the change happens ----------------------
    Probe("SetColor", (labels('SetColor(A, "red")'), "api.getColor('A')"), setup=("A=(1,2)",)),
    Probe("SetColor unchanged", (labels('SetColor(A, "red")'), labels('SetColor(A, "red")')),
          setup=("A=(1,2)",)),
    Probe("SetValue", (labels("SetValue(a, 2)"), "api.getValue('a')"), setup=("a=1",)),
    Probe("SetValue same value", (labels("SetValue(a, 2)"),), setup=("a=2",)),
    Probe("SetCoords", (labels("SetCoords(A, 3, 3)"), "[api.getXcoord('A'), api.getYcoord('A')]"),
          setup=("A=(1,2)",)),
    Probe("SetCoords with a dependent", (labels("SetCoords(A, 3, 3)"),),
          setup=("A=(1,2)", "B=(0,0)", "s=Segment(A,B)")),
    Probe("Delete", (labels("Delete(C)"), "api.exists('C')"), setup=("C=(1,1)",)),
    Probe("Delete with dependents", (labels("Delete(A)"), "api.getAllObjectNames()"),
          setup=("A=(1,1)", "B=(2,2)", "s=Segment(A,B)")),
    Probe("SetCaption", (labels('SetCaption(A, "hi")'), "api.getCaption('A')"),
          setup=("A=(1,2)",)),
    Probe("ShowLabel", (labels("ShowLabel(A, false)"), "api.getLabelVisible('A')"),
          setup=("A=(1,2)",)),
    Probe("Rename command", (labels('Rename(A, "Z")'), "api.exists('Z')", "api.exists('A')"),
          setup=("A=(1,2)",)),
    Probe("SetVisibleInView", (labels("SetVisibleInView(A, 1, false)"), "api.getVisible('A')"),
          setup=("A=(1,2)",)),
    Probe("SetLineStyle", (labels("SetLineStyle(f, 1)"), "api.getVisible('f')"),
          setup=("f(x)=2x",)),
    Probe("SetVisibleInView of a function, and back",
          (labels("SetVisibleInView(f, 1, false)"), "api.getVisible('f')",
           labels("SetVisibleInView(f, 1, true)")),
          setup=("f(x)=2x",)),
    Probe("SetConditionToShowObject", (labels("SetConditionToShowObject(A, false)"),),
          setup=("A=(1,2)",)),
    Probe("Execute", (labels('Execute({"C=(1,1)"})'), "api.exists('C')")),
    Probe("UpdateConstruction", (labels("UpdateConstruction()"),),
          setup=("A=(1,2)", "B=A+(1,1)")),
    Probe("StartAnimation without an animated slider", (labels("StartAnimation()"),),
          setup=("a=Slider(0,5,1)",)),
    Probe("scripting with a missing object",
          (labels('SetColor(Nope, "red")'), labels("SetCoords(Nope, 1, 1)"),
           labels("SetValue(Nope, 3)"), labels("Delete(Nope)")),
          setup=("A=(1,2)",)),
    # --- failures ---------------------------------------------------------------------------
    Probe("unknown command", (labels("Frobnicate(1)"), "api.getObjectNumber()")),
    Probe("syntax errors", (labels("A=(1,"), labels("B = ("), "api.getObjectNumber()")),
    Probe("empty input", (labels(""),)),
    Probe("evalCommand booleans",
          ("api.evalCommand('A=(1,2)')", "api.evalCommand('SetColor(A, \"red\")')",
           "api.evalCommand('Frob(1)')")),
    # --- multi-line strings -----------------------------------------------------------------
    Probe("multi-line with a bad line", (labels("P2=(1,1)\nFrob(3)\nQ2=(2,2)"),
                                         "api.getAllObjectNames()")),
    Probe("multi-line all good", (labels("P=(0,0)\nQ=(1,1)\ns=Segment(P,Q)"),)),
    Probe("multi-line scripting", (labels('A=(1,1)\nSetColor(A, "red")'),)),
    # --- lazily loaded commands and the async API -----------------------------------------
    Probe("lazy TriangleCenter: sync throws, async resolves, then sync works",
          (labels("G=TriangleCenter(A,B,C,2)"), "api.exists('G')",
           "api.asyncEvalCommandGetLabels('G=TriangleCenter(A,B,C,2)')",
           labels("H=TriangleCenter(A,B,C,3)"), "api.getAllObjectNames()"),
          setup=TRIANGLE, fresh_page=True),
    Probe("lazy: async first", ("api.asyncEvalCommandGetLabels('G=TriangleCenter(A,B,C,2)')",
                                "api.getValueString('G')"),
          setup=TRIANGLE, fresh_page=True),
    Probe("lazy: inside a multi-line string",
          (labels("P=(5,5)\nG=TriangleCenter(A,B,C,2)\nQ=(6,6)"), "api.getAllObjectNames()"),
          setup=TRIANGLE, fresh_page=True),
    Probe("async of a failure and of a scripting command",
          ("api.asyncEvalCommandGetLabels('Frob(1)')",
           "api.asyncEvalCommandGetLabels('SetColor(B, \"green\")')",
           "api.asyncEvalCommandGetLabels('Z=(9,9)')"),
          setup=("B=(1,1)",)),
    *_first_use(),
    # --- the Apps API's own setters and listeners -----------------------------------------
    Probe("setCoords and dependents", ("api.setCoords('A', 3, 4)",),
          setup=("A=(1,2)", "B=(0,0)", "s=Segment(A,B)", "m=Midpoint(s)")),
    Probe("setCoords of a dependent point", ("api.setCoords('M', 3, 4)", "api.getXcoord('M')"),
          setup=("A=(1,2)", "B=(0,0)", "M=Midpoint(A,B)")),
    Probe("setValue", ("api.setValue('a', 4)", "api.getValue('a')"), setup=("a=1",)),
    Probe("setColor", ("api.setColor('A', 255, 0, 0)", "api.getColor('A')"), setup=("A=(1,2)",)),
    Probe("setVisible", ("api.setVisible('A', false)", "api.getVisible('A')"),
          setup=("A=(1,2)",)),
    Probe("renameObject", ("api.renameObject('A', 'Z')", "api.renameObject('Z', 'B')",
                           "api.renameObject('Nope', 'W')", "api.getAllObjectNames()"),
          setup=("A=(1,2)", "B=(0,0)")),
    Probe("deleteObject", ("api.deleteObject('A')", "api.getAllObjectNames()"),
          setup=("A=(1,2)", "B=(0,0)", "s=Segment(A,B)")),
    Probe("newConstruction", ("api.newConstruction()", "api.getObjectNumber()"),
          setup=("A=(1,2)",)),
    Probe("setXML", ("S.x = api.getXML()", "api.setXML(S.x)", "api.getAllObjectNames()"),
          setup=("A=(1,2)", "B=(3,4)")),
    Probe("reset", ("api.reset()", "api.getObjectNumber()"), setup=("A=(1,2)",)),
    Probe("setSize: later view events", ("api.setSize(400, 300)", "wait: false"),
          setup=("A=(1,2)",), note="the wait step collects the events that come later"),
    Probe("object listing", ("api.getAllObjectNames()", "api.getAllObjectNames('point')",
                             "api.getObjectNumber()", "api.getObjectName(0)",
                             "api.getObjectName(99)"),
          setup=("A=(1,2)", "d=3", "B=(0,0)")),
    Probe("object update listener",
          ("(api.registerObjectUpdateListener('A', CB), api.setCoords('A', 5, 5))",
           "api.setCoords('A', 6, 6)"),
          setup=("A=(1,2)",)),
    # --- whole construction, files, images -------------------------------------------------
    Probe("getXML", ("api.getXML()", "api.getXML('A')"), setup=("A=(1,2)",)),
    Probe("getBase64", ("api.getBase64()", "api.getBase64(CB)"), setup=("A=(1,2)",)),
    Probe("setBase64 without a callback: async load",
          ("S.b64 = api.getBase64()", "api.newConstruction()", "api.setBase64(S.b64)",
           "api.exists('A')", "wait: api.exists('A')", "api.getAllObjectNames()"),
          setup=("A=(1,2)", "B=(3,4)")),
    Probe("setBase64 with a callback: never called",
          ("S.b64 = api.getBase64()", "api.newConstruction()", "api.setBase64(S.b64, CB)",
           "wait: api.exists('A')"),
          setup=("A=(1,2)",)),
    # A construction's JavaScript runs in the page (issue 15): ggbmagic strips it first.
    Probe("setXML: an object's onUpdate JavaScript runs and is kept",
          ("(window.__probeJs = 0)",
           "api.setXML(api.getXML().replace('<element type=\"point\" label=\"A\">', "
           "'<element type=\"point\" label=\"A\"><javascript "
           "onUpdate=\"window.__probeJs += 1\"/>'))",
           "wait: api.exists('A')", "api.setCoords('A', 5, 5)", "window.__probeJs",
           "/<javascript onUpdate=/.test(api.getXML('A'))"),
          setup=("A=(1,2)",)),
    Probe("exportSVG", ("api.exportSVG()", "api.exportSVG(CB)"), setup=("A=(1,2)",)),
    Probe("getPNGBase64",
          ("api.getPNGBase64(1, false, 72)", "api.getPNGBase64(1, true, undefined)"),
          setup=("A=(1,2)",)),
    # --- pictures: the view's window, set and read (ggb.png(fit=…), ggb.animate) ----------
    Probe("getViewProperties: a JSON string with the window",
          ("typeof api.getViewProperties()",
           "Object.keys(JSON.parse(api.getViewProperties())).sort()",
           "typeof api.setCoordSystem"),
          note="the window is xMin .. xMin + width * invXscale (likewise y)"),
    Probe("setCoordSystem: synchronous, the window reads back",
          ("api.setCoordSystem(-1, 3, -2, 2)",
           "(v => [v.xMin, v.yMin, v.xMin + v.width * v.invXscale,"
           " v.yMin + v.height * v.invYscale].map(n => Math.round(n * 1e6) / 1e6))"
           "(JSON.parse(api.getViewProperties()))",
           "(v => Math.round(v.width * v.invXscale * 1e6) / 1e6)"
           "(JSON.parse(api.getViewProperties()))"),
          setup=("A=(1,2)",), tags=("pictures",),
          real_only="the double's graphics view is the applet's size; GeoGebra 5.0.745's is 2 "
                    "pixels smaller at first, and the viewChanged2D event carries the scale"),
    Probe("setCoordSystem: the export is the view's size, showing the new window",
          ("(S.v = JSON.parse(api.getViewProperties()), true)",
           "api.setCoordSystem(0, 40, 0, 30)",
           "(b => { const s = atob(b.slice(0, 44)); const u = k => ((s.charCodeAt(k) << 24) |"
           " (s.charCodeAt(k + 1) << 16) | (s.charCodeAt(k + 2) << 8) | s.charCodeAt(k + 3))"
           " >>> 0; return [u(16) === Math.round(S.v.width * 2),"
           " u(20) === Math.round(S.v.height * 2)]; })(api.getPNGBase64(2, false, undefined))"),
          setup=("A=(1,2)",), tags=("pictures",),
          real_only="the double's graphics view is the applet's size; GeoGebra 5.0.745's is 2 "
                    "pixels smaller at first, and the viewChanged2D event carries the scale"),
    created("LA={A, B}", "LA", setup=("A=(1,2)", "B=(3,4)"),
            id="list of named points is shown"),
    created("sp=Sequence((k,k),k,1,3)", "sp", id="sequence of points is shown"),
    created("lt={(1,2),(3,4)}+(1,1)", "lt", id="list of constants is hidden"),
    created("lf={x, x^2}", "lf", id="list of functions typed is hidden"),
    # --- the CAS is not in this bundle ------------------------------------------------------
    Probe("no CAS: evalCommandCAS", ("api.evalCommandCAS('Solve(x^2=4)')",
                                     "api.evalCommandCAS('Factor(x^2-1)')")),
    Probe("no CAS: CAS commands", (labels("s=Solve(x^2=4)"), "api.getValueString('s')",
                                   labels("fa=Factor(x^2-1)"), "api.getValueString('fa')",
                                   labels("si=Simplify(x+x)"), "api.getValueString('si')")),
    # --- the API calls the product makes (issue 20) ----------------------------------------
    Probe("asyncEvalCommand", ("api.asyncEvalCommand('A=(1,2)')", "api.exists('A')",
                               "api.asyncEvalCommand('Frob(1)')",
                               "api.asyncEvalCommand('SetColor(A, \"red\")')",
                               "api.getColor('A')")),
    Probe("asyncEvalCommand of a lazily loaded command",
          ("api.asyncEvalCommand('G=TriangleCenter(A,B,C,2)')", "api.getValueString('G')"),
          setup=TRIANGLE, fresh_page=True),
    Probe("recalculateEnvironments", ("api.recalculateEnvironments()", "api.exists('A')",
                                      "api.getXcoord('A')"), setup=("A=(1,2)",)),
    Probe("remove", ("api.remove()", "S.after = typeof api.getObjectNumber"),
          setup=("A=(1,2)",),
          note="what remove() answers and whether the API object survives it"),
    Probe("setLabelVisible", ("api.setLabelVisible('A', false)", "api.getLabelVisible('A')",
                              "api.setLabelVisible('A', true)", "api.getLabelVisible('A')"),
          setup=("A=(1,2)",)),
    Probe("setFixed", ("api.setFixed('A', true)", "api.isMoveable('A')",
                       "api.setFixed('A', false)", "api.isMoveable('A')"),
          setup=("A=(1,2)",)),
    Probe("evalXML", ("api.evalXML('<element type=\"point\" label=\"P\">"
                      "<coords x=\"3\" y=\"4\" z=\"1\"/></element>')",
                      "api.exists('P')", "[api.getXcoord('P'), api.getYcoord('P')]",
                      "api.getAllObjectNames()"),
          setup=("A=(1,2)",)),
    Probe("setPerspective", ("api.setPerspective('G')", "api.exists('A')",
                             "api.setPerspective('AG')", "api.getObjectNumber()"),
          setup=("A=(1,2)",)),
    Probe("getVersion", ("typeof api.getVersion()", "api.getVersion().length > 0")),
    Probe("appletOnLoad's argument",
          ("new Promise(r => { const h = document.createElement('div');"
           " h.style.width = '300px'; h.style.height = '200px'; document.body.appendChild(h);"
           " const a = new GGBApplet({id: 'conf_raw', appName: 'classic', width: 300,"
           " height: 200, appletOnLoad: x => r([typeof x, x === window.conf_raw,"
           " typeof (x && x.evalCommandGetLabels)])}, true);"
           " if (S.codebase) a.setHTML5Codebase(S.codebase); a.inject(h); S.rawHost = h; })",
           "(window.conf_raw.remove(), S.rawHost.remove(), true)"),
          fresh_page=True, note="older builds pass nothing: the loader falls back to window[id]"),
    Probe("an applet built from ggbBase64",
          ("S.b = api.getBase64()", "S.build({ggbBase64: S.b}).then(o => (S.o = o.api, true))",
           "S.o.getAllObjectNames()", "[S.o.getXcoord('A'), S.o.getYcoord('A')]",
           "S.o.getValueString('s')"),
          setup=("A=(1,2)", "B=(4,6)", "s=Segment(A,B)")),
    # What ggbmagic's diagnosis relies on (ggbmagic/diagnose, issue 21): how to tell
    # a GeoGebra without CAS, what a CAS command makes there, and that GeoGebra's answer
    # to an unknown command, a missing object or a line of Python is a bare null.
    Probe("no CAS: 1+1", ("api.evalCommandCAS('1+1')",)),
    created("Solve(x^2=4)", "l1", id="no CAS: Solve without a label"),
    created("Factor(x^2-1)", "f", id="no CAS: Factor without a label"),
    Probe("errors: GeoGebra gives no reason",
          (labels("Circel(A, 2)"), labels("Pont(3, 4)"), labels('SetColor(Z, "red")'),
           "api.exists('Z')", labels("for i in range(3):"), labels("import math"),
           labels("print(1)"), "api.getAllObjectNames()"),
          setup=("A=(1,2)",)),
    Probe("redefine: Polygon again",
          (labels("tri=Polygon(A,B,C)"), labels("tri=Polygon(A,B,C)"),
           "api.getAllObjectNames()", "api.getValueString('tri')"),
          setup=TRIANGLE),


    # --- a user's mouse drag ------------------------------------------------------------------
    Probe("mouse drag of a free point", ("api.isMoveable('A')",), setup=("A=(1,1)", "B=(0,0)"),
          drag=("A", ((2.0, 2.0), (3.0, 3.0))),
          note="a real mouse drag on the real GeoGebra; the double's drag hook must send "
               "the same events (tests/browser/_lab.py LabPage.drag relies on it)"),
    # --- view commands -----------------------------------------------------------------------
    Probe("ZoomIn", (labels("ZoomIn(2)"), "wait: false"), setup=("A=(1,2)",),
          note="the zoom is animated: the wait step collects its events",
          real_only="the double has no view commands (it never zooms)"),
)
