'use strict';
// Tables of commands -> expected type, value and value string.
const test = require('node:test');
const assert = require('node:assert/strict');
const { freshApi } = require('./helpers.cjs');

const SETUP = [
  'A = (1, 2)',
  'B = (4, 6)',
  'O = (0, 0)',
  'P = (6, 0)',
  'Q = (0, 6)',
  'f(x) = x^2 - 2',
  'l = {1, 2, 3, 4}',
].join('\n');

// [input, label it gets, type, getValue (or null to skip), value string (or null)]
const CASES = [
  ['d = Distance((1, 2), (4, 6))', 'd', 'numeric', 5, 'd = 5'],
  ['d = Distance(A, B)', 'd', 'numeric', 5, 'd = 5'],
  ['d = Distance(O, Line(P, Q))', 'd', 'numeric', Math.sqrt(18), 'd = 4.24'],
  ['s = Segment(A, B)', 's', 'segment', 5, 's = 5'],
  ['g = Line(A, B)', 'g', 'line', NaN, 'g: -4x + 3y = 2'],
  ['M = Midpoint(A, B)', 'M', 'point', NaN, 'M = (2.5, 4)'],
  ['M = Midpoint(Segment(A, B))', 'M', 'point', NaN, 'M = (2.5, 4)'],
  ['t = Polygon(O, P, Q)', 't,q,o,p', 'triangle', 18, 't = 18'],
  ['a = Area(Polygon(O, P, Q))', 'a', 'numeric', 18, 'a = 18'],
  ['a = Perimeter(Polygon(O, (3, 0), (3, 4)))', 'a', 'numeric', 12, 'a = 12'],
  ['c = Circle(A, B)', 'c', 'circle', NaN, 'c: (x - 1)² + (y - 2)² = 25'],
  ['c = Circle(O, 3)', 'c', 'circle', NaN, 'c: x² + y² = 9'],
  ['c = Circle(P, Q, (-6, 0))', 'c', 'circle', NaN, 'c: x² + y² = 36'],
  ['G = Centroid(Polygon(O, P, Q))', 'G', 'point', NaN, 'G = (2, 2)'],
  ['G = TriangleCenter(O, P, Q, 2)', 'G', 'point', NaN, 'G = (2, 2)'],
  ['G = TriangleCenter(O, P, Q, 3)', 'G', 'point', NaN, 'G = (3, 3)'],
  ['G = TriangleCenter(O, P, Q, 4)', 'G', 'point', NaN, 'G = (0, 0)'],
  ['S = Intersect(Line(O, (1, 1)), Line(P, Q))', 'S', 'point', NaN, 'S = (3, 3)'],
  ['m = PerpendicularBisector(O, P)', 'm', 'line', NaN, 'm: x = 3'],
  ['m = PerpendicularBisector(Segment(O, Q))', 'm', 'line', NaN, 'm: y = 3'],
  ['n = PerpendicularLine(A, Line(O, P))', 'n', 'line', NaN, 'n: x = 1'],
  ['k = Slope(Line(A, B))', 'k', 'numeric', 4 / 3, 'k = 1.33'],
  ['α = Angle(P, O, Q)', 'α', 'angle', Math.PI / 2, 'α = 90°'],
  ['β = Angle(Q, O, P)', 'β', 'angle', 3 * Math.PI / 2, 'β = 270°'],
  ['u = Vector(A, B)', 'u', 'vector', NaN, 'u = (3, 4)'],
  ['u = (3, 4)', 'u', 'vector', NaN, 'u = (3, 4)'],
  ['r = Slider(1, 10)', 'r', 'numeric', 1, 'r = 1'],
  ['r = Slider(-5, 5, 1)', 'r', 'numeric', 0, 'r = 0'],
  ['y = 2x + 1', 'g', 'line', NaN, 'g: y = 2x + 1'],
  ['h: -4x + 3y = 2', 'h', 'line', NaN, 'h: -4x + 3y = 2'],
  ['c: x^2 + y^2 = 4', 'c', 'circle', NaN, 'c: x² + y² = 4'],
  ['g(x) = 2x^3 - x', 'g', 'function', NaN, 'g(x) = 2x³ - x'],
  ['v = f(3)', 'v', 'numeric', 7, 'v = 7'],
  ['v = f(2) * 3 + 1', 'v', 'numeric', 7, 'v = 7'],
  ['g = Derivative(f)', 'g', 'function', NaN, 'g(x) = 2x'],
  ['g = Derivative(x^3 - 2x)', 'g', 'function', NaN, 'g(x) = 3x² - 2'],
  ['R = Root(f, 0, 3)', 'R', 'point', NaN, 'R = (1.41, 0)'],
  ['R = Root(f, 1)', 'R', 'point', NaN, 'R = (1.41, 0)'],
  ['i = Integral(f, 0, 3)', 'i', 'numeric', 3, 'i = 3'],
  ['L = {(1, 2), (3, 4)}', 'L', 'list', NaN, 'L = {(1, 2), (3, 4)}'],
  ['L = Sequence(k^2, k, 1, 4)', 'L', 'list', NaN, 'L = {1, 4, 9, 16}'],
  ['L = Sequence((2, k), k, 1, 3, 0.5)', 'L', 'list', NaN, 'L = {(2, 1), (2, 1.5), (2, 2), (2, 2.5), (2, 3)}'],
  ['L = Sequence(4)', 'L', 'list', NaN, 'L = {1, 2, 3, 4}'],
  ['L = 2^Sequence(4)', 'L', 'list', NaN, 'L = {2, 4, 8, 16}'],
  ['w = FitLine({(-2, 1), (1, 2), (2, 4), (4, 3), (5, 4)})', 'w', 'line', NaN, 'w: y = 0.4x + 2'],
  ['v = Mean(l)', 'v', 'numeric', 2.5, 'v = 2.5'],
  ['v = Sum(l)', 'v', 'numeric', 10, 'v = 10'],
  ['v = Length(l)', 'v', 'numeric', 4, 'v = 4'],
  ['v = Element(l, 2)', 'v', 'numeric', 2, 'v = 2'],
  ['v = Max(l)', 'v', 'numeric', 4, 'v = 4'],
  ['v = Min(l)', 'v', 'numeric', 1, 'v = 1'],
  ['v = 2 + 3 * 4 ^ 2 / 8', 'v', 'numeric', 8, 'v = 8'],
  ['v = -2^2', 'v', 'numeric', -4, 'v = -4'],
  ['v = (1 + 2) * 3', 'v', 'numeric', 9, 'v = 9'],
  ['v = sqrt(16) + abs(-1) + round(2.6) + floor(2.6)', 'v', 'numeric', 10, 'v = 10'],
  ['v = sin(pi / 2) + cos(0) + exp(0) + ln(1) + tan(0)', 'v', 'numeric', 3, 'v = 3'],
  ['v = x(B) + y(B)', 'v', 'numeric', 10, 'v = 10'],
  ['v = pi', 'v', 'numeric', Math.PI, 'v = 3.14'],
  ['b = 3 < 4', 'b', 'boolean', 1, 'b = true'],
  ['b = false', 'b', 'boolean', 0, 'b = false'],
  ['T = "hello"', 'T', 'text', NaN, 'hello'],
  ['N = A + (1, 1)', 'N', 'point', NaN, 'N = (2, 3)'],
];

for (const [input, labels, type, value, vs] of CASES) {
  let label = labels;
  test(`command ${input}`, () => {
    const { api } = freshApi();
    assert.equal(api.evalCommand(SETUP), true);
    assert.equal(api.evalCommandGetLabels(input), label);
    label = label.split(',')[0]; // a polygon also names its sides
    assert.equal(api.getObjectType(label), type);
    const got = api.getValue(label);
    if (Number.isNaN(value)) assert.ok(Number.isNaN(got), `getValue(${label}) = ${got}, not NaN`);
    else if (value !== null) assert.ok(Math.abs(got - value) < 1e-9, `${got} != ${value}`);
    if (vs !== null) assert.equal(api.getValueString(label), vs);
  });
}

// Inputs that must fail, leaving the construction exactly as it was.
const FAILURES = [
  'Foo(A)', // unknown command
  'Distance(A)', // wrong count
  'Distance(A, l)', // wrong types
  'Circle(A, "x")',
  'A = (1, 2',
  'a = 3 +',
  'b = c + 1', // undefined name
  'Polygon(A, B)',
  'TriangleCenter(O, P, Q, 99)',
  'Intersect(f, Line(A, B))', // not implemented by the double
  'Element(l, 1.5)',
  'x^2 + y^3 = 1',
  'SetColor(A, "no-such-colour")',
  'Delete(Nope)',
  'Sum = 3',
  '',
];
for (const input of FAILURES) {
  test(`failure leaves state unchanged: ${JSON.stringify(input)}`, () => {
    const { api, events } = freshApi();
    api.evalCommand(SETUP);
    const before = api.getXML();
    events.length = 0;
    assert.equal(api.evalCommand(input), false);
    assert.equal(api.evalCommandGetLabels(input), null);
    assert.equal(api.getXML(), before);
    assert.deepEqual(events, []);
  });
}

test('Slider follows the manual argument order and clamps setValue', () => {
  const { api } = freshApi();
  assert.equal(api.evalCommandGetLabels('Slider(0, 10, 2)'), 'a');
  api.setValue('a', 25);
  assert.equal(api.getValue('a'), 10);
  api.setValue('a', -3);
  assert.equal(api.getValue('a'), 0);
  assert.equal(api.getCommandString('a'), '');
});

test('automatic labels follow the documented pools', () => {
  const { api } = freshApi();
  assert.equal(api.evalCommandGetLabels('(1, 2)\n(3, 4)\n(0, 5)'), 'A,B,C');
  assert.equal(api.evalCommandGetLabels('Segment(A, B)'), 'f');
  assert.equal(api.evalCommandGetLabels('Line(A, C)'), 'g');
  assert.equal(api.evalCommandGetLabels('Distance(A, B)'), 'a');
  assert.equal(api.evalCommandGetLabels('Circle(A, 2)'), 'c');
  // Polygons name their sides too: after the opposite vertex, else segment labels.
  assert.equal(api.evalCommandGetLabels('Polygon(A, B, C)'), 't1,c_1,a_1,b');
  assert.equal(api.evalCommandGetLabels('Polygon(A, B, C, (9, 9))'), 'q1,h,p,q,r');
  assert.equal(api.evalCommandGetLabels('Angle(A, B, C)'), 'α');
  assert.equal(api.evalCommandGetLabels('Vector(A, B)'), 'u');
  assert.equal(api.evalCommandGetLabels('{1, 2}'), 'l1');
  assert.equal(api.evalCommandGetLabels('"hi"'), 'text1');
  assert.equal(api.evalCommandGetLabels('x^2'), 's'); // the sides took h, p, q, r
  assert.equal(api.evalCommandGetLabels('Derivative(s)'), "s'");
  assert.equal(api.getValue(api.evalCommandGetLabels("s'(3)")), 6);
});

test('FitLine recovers slope and intercept of exact points', () => {
  const { api } = freshApi();
  api.evalCommand('L = Sequence((k, 3k - 7), k, -3, 5)\nw = FitLine(L)\nm = Slope(w)');
  assert.ok(Math.abs(api.getValue('m') - 3) < 1e-12);
  assert.equal(api.getValueString('w'), 'w: y = 3x - 7');
});

test('scripting commands succeed without labels', () => {
  const { api } = freshApi();
  api.evalCommand('A = (1, 1)\na = 2');
  // As measured on GeoGebra: a command that labels nothing gives false / null,
  // exactly like a failure, and the change happens.
  assert.equal(api.evalCommand('SetColor(A, "red")'), false);
  assert.equal(api.evalCommandGetLabels('SetColor(A, "blue")'), null);
  assert.equal(api.getColor('A'), '#0000FF');
  assert.equal(api.evalCommandGetLabels('SetColor(A, 1, 0.5, 0)'), null);
  assert.equal(api.getColor('A'), '#FF8000');
  assert.equal(api.evalCommandGetLabels('SetValue(a, 7)'), null);
  assert.equal(api.getValue('a'), 7);
  assert.equal(api.evalCommandGetLabels('SetCoords(A, 3, 4)'), null);
  assert.equal(api.getValueString('A'), 'A = (3, 4)');
  assert.equal(api.evalCommandGetLabels('Rename(A, "P")'), null);
  assert.deepEqual(api.getAllObjectNames(), ['P', 'a']);
  assert.equal(api.evalCommandGetLabels('Delete(P)'), null);
  assert.deepEqual(api.getAllObjectNames(), ['a']);
});

test('evalCommandCAS answers ? without side effects (webSimple has no CAS)', () => {
  const { api } = freshApi();
  api.evalCommand('a = 4');
  assert.equal(api.evalCommandCAS('2 + 3'), '?');
  assert.equal(api.evalCommandCAS('Derivative(x^3)'), '?');
  assert.equal(api.evalCommandCAS('Delete(a)'), '?');
  assert.equal(api.evalCommandCAS('1 +'), '?');
  assert.deepEqual(api.getAllObjectNames(), ['a']);
});

test('getters on missing or non-numeric objects return the documented defaults', () => {
  const { api } = freshApi();
  api.evalCommand('A = (1, 2)\nc = Circle(A, 2)\nb = true');
  assert.equal(api.getValue('nope'), 0);
  assert.ok(Number.isNaN(api.getValue('A')));
  assert.ok(Number.isNaN(api.getValue('c')));
  assert.equal(api.getValue('b'), 1);
  assert.equal(api.getXcoord('c'), 0);
  assert.equal(api.getXcoord('A'), 1);
  assert.equal(api.getZcoord('A'), 0);
  assert.equal(api.getObjectType('nope'), '');
  assert.equal(api.getValueString('nope'), '');
  assert.equal(api.exists('nope'), false);
  assert.equal(api.isDefined('nope'), false);
  assert.equal(api.getObjectNumber(), 3);
  assert.equal(api.getObjectName(1), 'c');
  assert.deepEqual(api.getAllObjectNames('point'), ['A']);
  assert.equal(api.getVersion(), 'ggbmagic-test-double 1.0');
});

test('undefined results: parallel lines intersect nowhere', () => {
  const { api } = freshApi();
  api.evalCommand('A = (0, 0)\nB = (1, 0)\nC = (0, 1)\nD = (1, 1)');
  assert.equal(api.evalCommandGetLabels('Intersect(Line(A, B), Line(C, D))'), 'E');
  assert.equal(api.isDefined('E'), false);
  assert.equal(api.getValueString('E'), 'E = ?');
  api.setCoords('D', 2, 2);
  assert.equal(api.isDefined('E'), true);
  assert.equal(api.getValueString('E'), 'E = (-2, 0)');
});

// --- answers pinned by the conformance suite (tests/conformance), spot-checked here

test('lazily loaded TriangleCenter: the sync call throws, async loads the module', async () => {
  const { double } = require('./helpers.cjs');
  const api = double.createApi({}, { lazyModules: true });
  api.evalCommand('A = (0, 0)\nB = (4, 0)\nC = (1, 3)');
  assert.throws(() => api.evalCommandGetLabels('P = (5, 5)\nG = TriangleCenter(A, B, C, 2)'),
    /Discrete commands not loaded yet/);
  assert.equal(api.exists('P'), true); // the lines before it ran
  assert.equal(api.exists('G'), false);
  assert.equal(await api.asyncEvalCommandGetLabels('G = TriangleCenter(A, B, C, 2)'), 'G');
  assert.equal(api.evalCommandGetLabels('H = TriangleCenter(A, B, C, 3)'), 'H');
  assert.equal(await api.asyncEvalCommandGetLabels('Frob(1)'), null);
});

test('a label that is a function name gets _{1}, as in GeoGebra', () => {
  const { api } = freshApi();
  assert.equal(api.evalCommandGetLabels('ln = Line((0, 0), (1, 1))'), 'ln_{1}');
  assert.equal(api.getObjectType('ln_{1}'), 'line');
  assert.equal(api.exists('ln'), false);
});

test('command and definition strings are GeoGebra\'s', () => {
  const { api } = freshApi();
  api.evalCommand('A = (1, 2)\nB = (4, 6)\nd = Distance(A, B)\npb = PerpendicularBisector(A, B)\ni = Integral(x^2, 0, 3)');
  assert.equal(api.getCommandString('A'), '(1, 2)');
  assert.equal(api.getDefinitionString('d'), 'Distance between A and B');
  assert.equal(api.getCommandString('pb'), 'LineBisector(A, B)');
  assert.equal(api.getDefinitionString('pb'), 'Perpendicular Bisector of AB');
  assert.equal(api.getCommandString('i'), 'Integral(x², 0, 3)');
  assert.equal(api.getVisible('d'), false); // numbers are not drawn ...
  assert.equal(api.getVisible('i'), true); // ... unless a command draws them
});
