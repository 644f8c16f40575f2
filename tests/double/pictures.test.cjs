'use strict';
// The double's view (getViewProperties, setCoordSystem), the lists it hides as GeoGebra
// does, MeanX/MeanY, SetValue of a list element, SetVisibleInView and SetLineStyle:
// what ggb.png(fit=…), ggb.animate and the lessons rely on (see tests/conformance).
const test = require('node:test');
const assert = require('node:assert/strict');
const { freshApi } = require('./helpers.cjs');

test('getViewProperties is a JSON string; setCoordSystem sets the window at once', () => {
  const { api } = freshApi();
  const v0 = JSON.parse(api.getViewProperties());
  assert.deepEqual(Object.keys(v0).sort(),
    ['height', 'invXscale', 'invYscale', 'left', 'top', 'width', 'xMin', 'yMin']);
  assert.equal(v0.xMin, -215 / 50);
  api.setCoordSystem(-1, 3, -2, 2);
  const v = JSON.parse(api.getViewProperties());
  assert.equal(v.xMin, -1);
  assert.equal(v.yMin, -2);
  assert.ok(Math.abs(v.xMin + v.width * v.invXscale - 3) < 1e-9);
  assert.ok(Math.abs(v.yMin + v.height * v.invYscale - 2) < 1e-9);
  api.setCoordSystem(3, 1, 0, 1); // an empty window changes nothing
  assert.equal(JSON.parse(api.getViewProperties()).xMin, -1);
  // The SVG draws with the new window: the origin is at (1/4 of the width, the middle).
  const svg = (() => { let s = ''; api.exportSVG(x => { s = x; }); return s; })();
  assert.match(svg, new RegExp(`x1="${v.width / 4}" y1="0" x2="${v.width / 4}"`));
});

test('lists typed from numbers are hidden, lists made from objects are drawn', () => {
  const { api } = freshApi();
  api.evalCommandGetLabels('A = (1, 2)');
  api.evalCommandGetLabels('B = (3, 4)');
  const cases = [['L = {(1, 2), (3, 4)}', false], ['N = {1, 2, 3}', false],
    ['LA = {A, B}', true], ['sp = Sequence((k, k), k, 1, 3)', true],
    ['sn = Sequence(k, k, 1, 3)', false]];
  for (const [cmd, visible] of cases) {
    const name = api.evalCommandGetLabels(cmd);
    assert.equal(api.getVisible(name), visible, cmd);
  }
});

test('MeanX, MeanY follow SetValue of a list element', () => {
  const { api } = freshApi();
  api.evalCommandGetLabels('L = {(1, 2), (3, 5), (4, 4)}');
  api.evalCommandGetLabels('mx = MeanX(L)');
  api.evalCommandGetLabels('my = MeanY(L)');
  assert.ok(Math.abs(api.getValue('mx') - 8 / 3) < 1e-12);
  assert.equal(api.evalCommandGetLabels('SetValue(L, 2, (0, -6))'), null);
  assert.equal(api.getValue('my'), 0);
  assert.equal(api.getValueString('L'), 'L = {(1, 2), (0, -6), (4, 4)}');
});

test('SetVisibleInView hides from the view only; SetLineStyle is accepted', () => {
  const { api } = freshApi();
  api.evalCommandGetLabels('f(x) = 2x');
  const drawn = () => { let s = ''; api.exportSVG(x => { s = x; }); return /data-label="f"/.test(s); };
  assert.ok(drawn());
  api.evalCommandGetLabels('SetVisibleInView(f, 1, false)');
  assert.equal(api.getVisible('f'), true); // as GeoGebra: getVisible does not change
  assert.ok(!drawn());
  api.evalCommandGetLabels('SetVisibleInView(f, 1, true)');
  assert.ok(drawn());
  assert.equal(api.evalCommandGetLabels('SetLineStyle(f, 1)'), null);
  assert.equal(api.evalCommandGetLabels('SetLineStyle(nope, 1)'), null);
});
