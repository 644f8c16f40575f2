'use strict';
// Dependency updates and listener order.
const test = require('node:test');
const assert = require('node:assert/strict');
const { freshApi } = require('./helpers.cjs');

test('creation fires add once per labelled object, in order', () => {
  const { api, events } = freshApi();
  assert.equal(api.evalCommand('A = (0, 0)\nB = (3, 4)\nd = Distance(A, B)'), true);
  assert.deepEqual(events, [['add', 'A'], ['add', 'B'], ['add', 'd']]);
});

test('setCoords updates the point, then its dependents in construction order', () => {
  const { api, events } = freshApi();
  api.evalCommand('A = (0, 0)\nB = (3, 4)\nd = Distance(A, B)\nM = Midpoint(A, B)\nC = (9, 9)\ne = d + 1');
  const objectUpdates = [];
  api.registerObjectUpdateListener('d', (n) => objectUpdates.push(n));
  events.length = 0;
  api.setCoords('B', 6, 8);
  assert.deepEqual(events, [['update', 'B'], ['update', 'd'], ['update', 'M'], ['update', 'e']]);
  assert.deepEqual(objectUpdates, ['d']);
  assert.equal(api.getValue('d'), 10);
  assert.equal(api.getValue('e'), 11);
  assert.equal(api.getValueString('M'), 'M = (3, 4)');
});

test('setValue on a free number updates dependents; dependent objects ignore it', () => {
  const { api, events } = freshApi();
  api.evalCommand('a = 2\nf(x) = a x\nb = f(3)');
  events.length = 0;
  api.setValue('a', 5);
  assert.deepEqual(events, [['update', 'a'], ['update', 'f'], ['update', 'b']]);
  assert.equal(api.getValue('b'), 15);
  events.length = 0;
  api.setValue('b', 1);
  assert.equal(api.getValue('b'), 15);
  assert.deepEqual(events, []);
});

test('redefinition keeps the name, updates dependents and may reorder', () => {
  const { api, events } = freshApi();
  api.evalCommand('A = (0, 0)\nB = (3, 4)\nd = Distance(A, B)\nC = (1, 1)');
  events.length = 0;
  assert.equal(api.evalCommandGetLabels('A = Midpoint(C, (3, 1))'), 'A');
  assert.deepEqual(events, [['update', 'A'], ['update', 'd']]);
  assert.equal(api.getCommandString('A'), 'Midpoint(C, (3, 1))');
  assert.deepEqual(api.getAllObjectNames(), ['B', 'C', 'A', 'd']);
  assert.equal(api.getValue('d'), Math.hypot(1, 3));
  // a circular redefinition fails and changes nothing
  const before = api.getXML();
  assert.equal(api.evalCommand('C = Midpoint(d, A)'), false);
  assert.equal(api.evalCommand('C = A + (1, 0)'), false);
  assert.equal(api.getXML(), before);
});

test('drag emits select, movingGeos + updates per step, dragEnd, movedGeos', () => {
  const { api, events } = freshApi();
  api.evalCommand('A = (0, 0)\nB = (1, 0)\ns = Segment(A, B)');
  events.length = 0;
  api.__double.drag('B', [[2, 0], [3, 0]]);
  assert.deepEqual(events, [
    ['client', 'mouseDown', undefined],
    ['client', 'select', 'B'],
    ['update', 'B'], ['update', 's'],
    ['update', 'B'], ['update', 's'],
    ['client', 'dragEnd', 'B'],
  ]);
  assert.equal(api.getValue('s'), 3);
  assert.throws(() => api.__double.drag('s', [[0, 0]]));
});

test('delete removes dependents and fires remove for each; object listeners go', () => {
  const { api, events } = freshApi();
  api.evalCommand('A = (0, 0)\nB = (3, 4)\nd = Distance(A, B)\ne = d * 2\nC = (5, 5)');
  const seen = [];
  api.registerObjectUpdateListener('e', (n) => seen.push(n));
  events.length = 0;
  api.deleteObject('A');
  // GeoGebra removes the dependents first.
  assert.deepEqual(events, [['remove', 'e'], ['remove', 'd'], ['remove', 'A']]);
  assert.deepEqual(api.getAllObjectNames(), ['B', 'C']);
  api.evalCommand('e = 1');
  api.setValue('e', 2);
  assert.deepEqual(seen, []);
});

test('rename fires rename(old, new) and rewrites definitions', () => {
  const { api, events } = freshApi();
  api.evalCommand('A = (0, 0)\nB = (3, 4)\nd = Distance(A, B)');
  events.length = 0;
  assert.equal(api.renameObject('A', 'P'), true);
  assert.deepEqual(events, [['rename', 'A', 'P'], ['update', 'P'], ['client', 'renameComplete', undefined]]);
  assert.equal(api.getCommandString('d'), 'Distance(P, B)');
  assert.throws(() => api.renameObject('P', 'B'), /NameUsed/); // taken: GeoGebra throws
  assert.equal(api.renameObject('nope', 'Z'), false);
  assert.equal(api.renameObject('P', '1bad'), false);
  api.setCoords('P', 3, 0);
  assert.equal(api.getValue('d'), 4);
});

test('newConstruction empties everything and (as GeoGebra 5.0.745) fires nothing', () => {
  const { api, events } = freshApi();
  api.evalCommand('A = (0, 0)');
  events.length = 0;
  api.newConstruction();
  assert.deepEqual(events, []);
  assert.equal(api.getObjectNumber(), 0);
});

test('listeners can be given as global function names and unregistered', () => {
  const { double } = require('./helpers.cjs');
  const api = double.createApi({});
  const got = [];
  globalThis.__doubleTestListener = (n) => got.push(n);
  try {
    api.registerAddListener('__doubleTestListener');
    api.evalCommand('A = (1, 1)');
    api.unregisterAddListener('__doubleTestListener');
    api.evalCommand('B = (1, 1)');
    assert.deepEqual(got, ['A']);
  } finally {
    delete globalThis.__doubleTestListener;
  }
});

test('a throwing listener does not break the construction', () => {
  const { double } = require('./helpers.cjs');
  const api = double.createApi({});
  const origError = console.error;
  console.error = () => {};
  try {
    api.registerAddListener(() => { throw new Error('boom'); });
    assert.equal(api.evalCommand('A = (1, 1)'), true);
    assert.equal(api.exists('A'), true);
  } finally {
    console.error = origError;
  }
});

test('failNext makes exactly the next call fail', () => {
  const { api } = freshApi();
  api.__double.failNext('evalCommand');
  assert.equal(api.evalCommand('A = (1, 1)'), false);
  assert.equal(api.exists('A'), false);
  assert.equal(api.evalCommand('A = (1, 1)'), true);
  api.__double.failNext('evalCommandGetLabels');
  assert.equal(api.evalCommandGetLabels('B = (1, 1)'), null);
  api.__double.failNext('getBase64');
  assert.throws(() => api.getBase64(), /injected failure/);
  assert.throws(() => api.__double.failNext('noSuchMethod'));
});

test('the call log records API calls without callbacks', () => {
  const { api } = freshApi();
  api.evalCommand('A = (1, 1)');
  const last = api.__double.calls[api.__double.calls.length - 1];
  assert.deepEqual(last, { method: 'evalCommand', args: ['A = (1, 1)'] });
});

test('client events are arrays with named fields, as GeoGebra sends them', () => {
  const { double } = require('./helpers.cjs');
  const api = double.createApi({});
  const seen = [];
  api.registerClientListener((e) => seen.push(e));
  api.evalCommand('A = (1, 2)\nB = (0, 0)\ns = Segment(A, B)');
  api.evalCommandGetLabels('SetColor(A, "red")');
  api.evalCommandGetLabels('Delete(A)');
  assert.equal(seen.length, 2);
  assert.ok(Array.isArray(seen[0]));
  assert.deepEqual(Array.from(seen[0]), ['updateStyle', 'A', 'A']);
  assert.deepEqual([seen[0].type, seen[0].target, seen[0].argument], ['updateStyle', 'A', 'A']);
  assert.deepEqual(Array.from(seen[1]), ['deleteGeos', 's', 'A']);
  assert.deepEqual(seen[1].targets, ['s', 'A']);
});
