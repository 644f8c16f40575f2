"""The names of GeoGebra's commands (English), as data — written for ggbmagic from the
GeoGebra manual's command index (geogebra.github.io/docs/manual/en/commands/).

GeoGebra says nothing about *why* a command failed: measured on 5.0.745.0,
``evalCommandGetLabels("Circel(A, 2)")`` answers ``null`` — no exception, no client
event, no console line, no dialog even with ``setErrorDialogsActive(true)`` — exactly as
for a known command with wrong arguments. So the kernel tells an unknown word from a
known one with this list. Command names are case-sensitive (``circle(A, 2)`` fails).
"""

from __future__ import annotations

__all__ = ["CAS_COMMANDS", "COMMANDS"]

_COMMANDS = """
AffineRatio Angle AngleBisector AngularBisector Arc AreCollinear AreConcurrent AreConcyclic
AreCongruent AreEqual AreParallel ArePerpendicular Area Barycenter Centroid CircularArc
CircularSector CircumcircularArc CircumcircularSector Circumference ClosestPoint
ClosestPointRegion CrossRatio Cubic Direction Distance Envelope Incircle InteriorAngles
Intersect IntersectPath IntersectConic IntersectRegion IsTangent Length Line Locus
LocusEquation Midpoint Perimeter PerpendicularBisector PerpendicularLine Point PointIn
Polygon Polyline Prove ProveDetails Radius Ray RigidPolygon Sector Segment Slope
TriangleCenter TriangleCurve Trilinear Vertex Polar Tangent Center Circle Semicircle
CircleArc CircleSector

Conic ConjugateDiameter Coefficients Diameter Directrix Eccentricity Ellipse FirstAxis
FirstAxisLength Focus Hyperbola LinearEccentricity MajorAxis MinorAxis Parabola Parameter
SecondAxis SecondAxisLength SemiMajorAxisLength SemiMinorAxisLength Asymptote Osculating
OsculatingCircle ConicPart ParametricDerivative

Assume BinomialCoefficient CFactor CIFactor CSolutions CSolve CommonDenominator
Cross ComplexRoot Defined Denominator Derivative Determinant Dimension Div Division
Divisors DivisorsList DivisorsSum Dot Eliminate Expand Factor Factors FromBase GCD
GroebnerDegRevLex GroebnerLex GroebnerLexDeg IFactor Integral IntegralBetween
IntegralSymbolic InverseLaplace IsFactored IsPrime LCM LeftSide Laplace Limit
LimitAbove LimitBelow Max Min MixedNumber Mod NextPrime NIntegral NInvert NSolutions
NSolve NSolveODE Numerator Numeric PartialFractions PreviousPrime PrimeFactors
Rationalize RightSide Simplify Solutions Solve SolveCubic SolveODE SolveQuartic
Substitute ToBase ToComplex ToExponential ToPoint ToPolar nPr Evaluate Cell
ImplicitDerivative ContinuedFraction Product Sum Round Floor Ceil

Asymptote CompleteSquare Curvature CurvatureVector Curve Degree Extremum Function
ImplicitCurve Inflection InflectionPoint Intersection Iteration IterationList
LeftSum LowerSum NDerivative Normalize PathParameter Polynomial RectangleSum
RemovableDiscontinuity Root RootList Roots SlopeField Spline TaylorPolynomial
TaylorSeries TrapezoidalSum TurningPoint UpperSum Zip Interval IsVertexForm
DataFunction SurfaceOfRevolution ParseToFunction ParseToNumber

Append Classes CountIf Element Elements Filter First Flatten Frequency FrequencyTable
Insert Intersection IndexOf Join KeepIf Last Max Min OrdinalRank PointList Product
RandomElement RemoveUndefined Reverse Sample SelectedElement SelectedIndex Sequence
Shuffle Sort Sum Take TiedRank Union Unique Zip RandomElement Remove ReplaceAll
ApplyMatrix Length

CopyFreeObject Delete Execute GetTime Name Object Pan ParseToFunction ParseToNumber
PlaySound ReadText Repeat Rename Reset SelectObjects SetActiveView SetAxesRatio
SetBackgroundColor SetCaption SetColor SetConditionToShowObject SetConstructionStep
SetCoords SetDecoration SetDynamicColor SetFilling SetFixed SetLabelMode SetLayer
SetLevelOfDetail SetLineStyle SetLineThickness SetPerspective SetPointSize
SetPointStyle SetSeed SetSpinSpeed SetTooltipMode SetTrace SetValue SetViewDirection
SetVisibleInView ShowAxes ShowGrid ShowLabel SlowPlot StartAnimation
StartLogging StartRecord StopLogging Turtle TurtleBack TurtleDown TurtleForward
TurtleLeft TurtleRight TurtleUp UpdateConstruction ZoomIn ZoomOut CenterView
SetLabelMode SetTooltipMode Button Checkbox InputBox Slider Textfield AttachCopyToView
CopyFreeObject DynamicCoordinates SetPerspective ConstructionStep Corner AxisStepX
AxisStepY ToolImage Voronoi ConvexHull MinimumSpanningTree DelaunayTriangulation
DelauneyTriangulation TravelingSalesman ShortestDistance Hull Holes

Dilate Reflect Mirror Rotate Shear Stretch Translate

If IsDefined IsInRegion IsInteger Relation CountIf

FormulaText FractionText LaTeX LetterToUnicode Ordinal RotateText ScientificText
SurdText TableText Text TextToUnicode UnicodeToLetter UnicodeToText VerticalText
ContingencyTable FrequencyTable StemPlot Split Dimension

AdjointMatrix ApplyMatrix CharacteristicPolynomial Determinant Dimension Eigenvalues
Eigenvectors Identity Invert JordanDiagonalization LUDecomposition MatrixRank
MinimalPolynomial PerpendicularVector QRDecomposition ReducedRowEchelonForm
SVD Transpose UnitOrthogonalVector UnitPerpendicularVector UnitVector Vector
OrthogonalVector

Bernoulli Binomial BinomialDist Cauchy ChiSquared ChiSquaredTest Erlang Exponential
FDistribution Gamma HyperGeometric InverseBeta InverseBinomial InverseCauchy
InverseChiSquared InverseExponential InverseFDistribution InverseGamma
InverseHyperGeometric InverseLogNormal InverseLogistic InverseNormal InversePascal
InversePoisson InverseTDistribution InverseWeibull InverseZipf Logistic LogNormal
Normal Pascal Poisson RandomBetween RandomBinomial RandomDiscrete RandomNormal
RandomPoisson RandomPointIn RandomPolynomial RandomUniform TDistribution Triangular
Uniform Weibull Zipf Beta BetaDist

ANOVA BarChart BoxPlot ChiSquaredTest Classes ContingencyTable CorrelationCoefficient
Covariance DotPlot Fit FitExp FitGrowth FitImplicit FitLine FitLineX FitLog
FitLogistic FitPoly FitPow FitSin FrequencyPolygon GeometricMean HarmonicMean
Histogram HistogramRight InverseNormal Mean MeanX MeanY Median Mode Normalize
NormalQuantilePlot Percentile Quartile1 Quartile3 RSquare RootMeanSquare SD SDX SDY
Sample SampleSD SampleSDX SampleSDY SampleVariance ResidualPlot SigmaXX SigmaXY
SigmaYY Spearman Stdev StdevP StemPlot Sxx Sxy Syy TMean2Estimate TMeanEstimate
TTest TTest2 TTestPaired Variance ZMean2Estimate ZMean2Test ZMeanEstimate ZMeanTest
ZProportion2Estimate ZProportion2Test ZProportionEstimate ZProportionTest MAD
LineGraph PieChart StepGraph StickGraph Bar Shuffle

Cell CellRange Column ColumnName FillCells FillColumn FillRow Row

FutureValue Payment Periods PresentValue Rate

Maximize Minimize

Bottom Cone Cube Cylinder Dodecahedron Ends Height Icosahedron InfiniteCone
InfiniteCylinder IntersectPath Net Octahedron Plane PerpendicularPlane Prism Pyramid
Side Sphere Surface Tetrahedron Top Volume PlaneBisector Cylinder Circumference

ExportImage FullSpectrum Tangent SetSpinSpeed Polyline Polygon Arg Abs FitLineY PlotSolve
Random RunClickScript RunUpdateScript SumSquaredErrors TrigCombine TrigExpand TrigSimplify
Type ShowLayer HideLayer
"""

#: Every command name the list knows, case-sensitive as GeoGebra is.
COMMANDS: frozenset[str] = frozenset(_COMMANDS.split())

#: Commands that need GeoGebra's computer algebra system (CAS). Measured on 5.0.745.0
#: (module webSimple, no CAS): ``Solve(x^2 = 4)`` and ``NSolve``, ``Solutions``,
#: ``Limit`` make an undefined object (``l1 = ?``), ``Factor``, ``Simplify``,
#: ``Expand`` silently give their argument back unchanged, ``CSolve``, ``Substitute``
#: fail; ``evalCommandCAS("1+1")`` answers ``"?"`` where a CAS answers ``"2"``.
_CAS_COMMANDS = """
Assume CFactor CIFactor CSolutions CSolve CommonDenominator Eliminate Expand Factor
GroebnerDegRevLex GroebnerLex GroebnerLexDeg IFactor ImplicitDerivative IntegralSymbolic
InverseLaplace IsFactored Laplace Limit LimitAbove LimitBelow NSolutions NSolve NSolveODE
PartialFractions Rationalize Simplify Solutions Solve SolveCubic SolveODE SolveQuartic
Substitute ToExponential TrigCombine TrigExpand TrigSimplify
"""
CAS_COMMANDS: frozenset[str] = frozenset(_CAS_COMMANDS.split())
