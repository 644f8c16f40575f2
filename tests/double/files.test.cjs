'use strict';
// XML and .ggb (zip + base64) round trips.
const test = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { double, freshApi, state } = require('./helpers.cjs');

const { crc32, zipStore, unzip, b64encode, b64decode } = double._internal;

const CONSTRUCTION = [
  'A = (1, 2)',
  'B = (4, 6)',
  'C = (0, 5)',
  'd = Distance(A, B)',
  't1 = Polygon(A, B, C)',
  'k = Circle(A, 2)',
  'f(x) = x^2 - 2',
  "Derivative(f)",
  'sl = Slider(0, 10, 0.5)',
  'L = {(1, 2), (3, 4)}',
  'w = FitLine(L)',
  'g: y = 2x + 1',
  'u = (3, 4)',
  'T = "hello"',
  'b = true',
  'α = Angle(A, B, C)',
  'SetColor(A, "red")',
].join('\n');

/** Resolves once a (asynchronous) setBase64 has put objects into the construction. */
function loaded(api) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const poll = () => {
      if (api.getObjectNumber() > 0) resolve();
      else if (Date.now() - start > 5000) reject(new Error('setBase64 loaded nothing in 5 s'));
      else setImmediate(poll);
    };
    poll();
  });
}

function build() {
  const { api, events } = freshApi();
  api.evalCommand(CONSTRUCTION);
  api.setValue('sl', 3.5);
  api.setVisible('k', false);
  api.setLabelVisible('B', false);
  return { api, events };
}

test('CRC32 and base64 agree with node', () => {
  const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
  assert.equal(crc32(data), zlib.crc32 ? zlib.crc32(data) : 0x414fa339);
  assert.equal(crc32(data), 0x414fa339);
  for (const n of [0, 1, 2, 3, 4, 100]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37) & 255);
    assert.equal(b64encode(bytes), Buffer.from(bytes).toString('base64'));
    assert.deepEqual(Buffer.from(b64decode(Buffer.from(bytes).toString('base64'))), Buffer.from(bytes));
  }
});

test('getBase64 is a real zip holding geogebra.xml with a correct CRC', () => {
  const { api } = build();
  const bytes = Buffer.from(api.getBase64(), 'base64');
  assert.equal(bytes.readUInt32LE(0), 0x04034b50);
  const entries = unzip(new Uint8Array(bytes));
  // The same entries as GeoGebra's own .ggb files.
  assert.deepEqual(entries.map((e) => e.name),
    ['geogebra.xml', 'geogebra_defaults2d.xml', 'geogebra_javascript.js']);
  const xml = Buffer.from(entries[0].data).toString('utf8');
  assert.equal(crc32(entries[0].data), entries[0].crc);
  assert.equal(xml, api.getXML());
  assert.match(xml, /<command name="Distance">/);
});

test('getBase64 -> newConstruction -> setBase64 restores the construction', async () => {
  const { api, events } = build();
  const before = state(api);
  const values = api.getAllObjectNames().map((n) => api.getValue(n));
  const b64 = await new Promise((resolve) => api.getBase64(resolve));
  api.newConstruction();
  assert.equal(api.getObjectNumber(), 0);
  events.length = 0;
  let called = false;
  // As in GeoGebra 5.0.745: setBase64 loads asynchronously and never calls back.
  assert.equal(api.setBase64(b64, () => { called = true; }), undefined);
  assert.equal(api.getObjectNumber(), 0);
  await loaded(api);
  assert.equal(called, false);
  assert.deepEqual(state(api), before);
  assert.deepEqual(api.getAllObjectNames().map((n) => api.getValue(n)), values);
  assert.equal(api.getVisible('k'), false);
  assert.equal(api.getLabelVisible('B'), false);
  assert.deepEqual(events.slice(0, 3).map((e) => e[1]), ['removeMacro', 'viewPropertiesChanged', 'viewChanged2D']);
  assert.ok(!events.some((e) => e[0] === 'clear'));
  assert.ok(events.some((e) => e[0] === 'add' && e[1] === 'A'));
  // restored objects are live: the slider is still a slider, dependents update
  api.setValue('sl', 99);
  assert.equal(api.getValue('sl'), 10);
  api.setCoords('A', 1, 6);
  assert.equal(api.getValue('d'), 3);
});

test('setBase64 reads deflated entries (as GeoGebra writes them)', async () => {
  const { api } = build();
  const xml = Buffer.from(api.getXML(), 'utf8');
  // Build a zip with a deflated entry by patching a stored one.
  const deflated = zlib.deflateRawSync(xml);
  const stored = Buffer.from(zipStore([{ name: 'geogebra.xml', data: new Uint8Array(xml) }]));
  const nameLen = 'geogebra.xml'.length;
  const local = Buffer.from(stored.subarray(0, 30 + nameLen));
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(deflated.length, 18);
  const central = Buffer.alloc(46 + nameLen);
  stored.copy(central, 0, 30 + nameLen + xml.length, 30 + nameLen + xml.length + 46 + nameLen);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(deflated.length, 20);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(local.length + deflated.length, 16);
  const zip = Buffer.concat([local, deflated, central, end]);
  const other = double.createApi({});
  other.setBase64(zip.toString('base64'));
  await loaded(other);
  assert.deepEqual(state(other), state(api));
});

test('setBase64 with garbage leaves the construction alone and skips the callback', { timeout: 10000 }, async () => {
  const { api } = build();
  const before = api.getXML();
  const origError = console.error;
  const errors = [];
  let reported;
  const failed = new Promise((resolve) => { reported = resolve; });
  console.error = (...a) => { errors.push(a.join(' ')); reported(); };
  let called = false;
  try {
    api.setBase64('bm90IGEgemlw', () => { called = true; });
    // The double reports the failure where it would have loaded the file: once it
    // has, nothing of this call is still to come (no sleep needed to see that).
    await failed;
  } finally {
    console.error = origError;
  }
  assert.equal(called, false);
  assert.equal(api.getXML(), before);
  assert.equal(errors.length, 1);
});

test('setXML clears first; evalXML adds; getXML(name) is one object', () => {
  const { api } = build();
  const xml = api.getXML();
  const other = double.createApi({});
  other.evalCommand('Z = (9, 9)');
  other.setXML(xml);
  assert.equal(other.exists('Z'), false);
  assert.deepEqual(state(other), state(api));
  const third = double.createApi({});
  third.evalCommand('Z = (9, 9)');
  third.evalXML(api.getXML('A'));
  assert.deepEqual(third.getAllObjectNames(), ['Z', 'A']);
  assert.equal(third.getColor('A'), '#FF0000');
  assert.match(api.getXML('d'), /^<command name="Distance">/);
});

test('getFileJSON/setFileJSON carry geogebra.xml', () => {
  const { api } = build();
  const other = double.createApi({});
  other.setFileJSON(api.getFileJSON());
  assert.deepEqual(state(other), state(api));
});

test('reset restores the snapshot taken at load', () => {
  const api = double.createApi({});
  api.evalCommand('A = (1, 1)');
  api.__double.snapshotInitial();
  api.evalCommand('B = (2, 2)');
  api.setCoords('A', 5, 5);
  api.reset();
  assert.deepEqual(api.getAllObjectNames(), ['A']);
  assert.equal(api.getValueString('A'), 'A = (1, 1)');
});

test('exportSVG returns an SVG that labels what it draws; PNG needs a browser', () => {
  const { api } = build();
  let svg = null;
  assert.equal(api.exportSVG((s) => { svg = s; }), undefined);
  assert.match(svg, /^<svg [^>]*width="800" height="600"/);
  assert.match(svg, /data-label="A"/);
  assert.match(svg, /data-label="t1"/);
  assert.doesNotMatch(svg, /data-label="k"/); // hidden
  assert.match(svg, /ggbmagic test double/);
  // Without a callback GeoGebra returns nothing (it would download a file).
  const warn = console.warn;
  console.warn = () => {};
  try { assert.equal(api.exportSVG(), undefined); } finally { console.warn = warn; }
  api.setSize(300, 200);
  api.exportSVG((s) => { svg = s; });
  assert.match(svg, /width="300" height="200"/);
  assert.throws(() => api.getPNGBase64(1, false, undefined), /browser/);
});

// A file's JavaScript runs as in GeoGebra 5.0.745 (measured, issue 15): its ggbOnInit once
// loaded and its objects' onUpdate scripts, both in the global scope; useBrowserForJS
// stops both and calls the page's own ggbOnInit instead.
test('a file\'s ggbOnInit and onUpdate JavaScript run, unless useBrowserForJS', async () => {
  const xml = '<geogebra><construction><element type="point" label="A"><coords x="1" y="2" z="1"/>' +
    '<javascript val="globalThis.__click = 1" onUpdate="globalThis.__update = (globalThis.__update || 0) + 1"/>' +
    '</element></construction></geogebra>';
  const file = b64encode(zipStore([
    { name: 'geogebra.xml', data: Buffer.from(xml) },
    { name: 'geogebra_javascript.js', data: Buffer.from('function ggbOnInit() { globalThis.__init = (globalThis.__init || 0) + 1; }') },
  ]));
  for (const blocked of [false, true]) {
    delete globalThis.__init; delete globalThis.__update; delete globalThis.__page;
    // The page's own ggbOnInit: the file's replaces it, or (blocked) it is called instead.
    globalThis.ggbOnInit = () => { globalThis.__page = (globalThis.__page || 0) + 1; };
    const { api } = freshApi({ useBrowserForJS: blocked, id: 'x' });
    const before = globalThis.__page || 0;
    api.setBase64(file);
    await loaded(api);
    await new Promise((resolve) => {
      const poll = () => ((globalThis.__init || (globalThis.__page || 0) > before) ? resolve() : setImmediate(poll));
      poll();
    });
    api.setCoords('A', 5, 5);
    assert.deepEqual([globalThis.__init, globalThis.__update], blocked ? [undefined, undefined] : [1, 1]);
    // The scripts travel with the construction, as GeoGebra's getBase64 keeps them.
    const again = unzip(b64decode(api.getBase64())).map((e) => e.name);
    assert.ok(again.includes('geogebra_javascript.js'));
    assert.match(api.getXML(), blocked ? /<construction/ : /<javascript val="globalThis.__click = 1"/);
  }
  delete globalThis.__init; delete globalThis.__update; delete globalThis.__page; delete globalThis.ggbOnInit;
});
