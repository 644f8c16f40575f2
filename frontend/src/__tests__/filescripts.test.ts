import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';

import {
  FileScriptError,
  crc32,
  isJavascriptMember,
  readZip,
  streamInflate,
  stripGgb,
  stripGgbBase64,
  stripXml,
  toBase64,
  writeZip
} from '../core/filescripts';

/** The table the Python twin (ggbmagic/files/scripts.py) is tested with: both agree. */
interface Case {
  name: string;
  xml: string;
  out: string | null;
  removed: string[];
}
const CASES = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'tests', 'unit', 'file_scripts_cases.json'), 'utf-8')
) as { strip: Case[] };

for (const c of CASES.strip) {
  test(`stripXml: ${c.name}`, () => {
    if (c.out === null) {
      assert.throws(() => stripXml(c.xml), FileScriptError);
      return;
    }
    assert.deepEqual(stripXml(c.xml), { xml: c.out, removed: c.removed });
  });
}

test('which members are JavaScript', () => {
  for (const [name, js] of [
    ['geogebra_javascript.js', true],
    ['GEOGEBRA_JAVASCRIPT.JS', true],
    ['sub/geogebra_javascript.js', true],
    ['x\\geogebra_javascript.js', true],
    ['geogebra.xml', false],
    ['javascript.json', false]
  ] as const) {
    assert.equal(isJavascriptMember(name), js, name);
  }
});

const enc = new TextEncoder();
const dec = new TextDecoder();
const XML =
  '<geogebra><construction><element type="point" label="A"><javascript val="a()" onUpdate="b()"/>' +
  '</element><element type="point" label="B"><ggbscript onUpdate="SetValue(n, n + 1)"/></element>' +
  '</construction></geogebra>';

/** A zip as GeoGebra writes it: deflated members. */
function ggb(files: Record<string, string>): Uint8Array {
  return writeZip(
    Object.entries(files).map(([name, body]) => {
      const data = enc.encode(body);
      return { name, method: 8, crc: crc32(data), raw: new Uint8Array(deflateRawSync(data)), size: data.length };
    })
  );
}

async function unpack(bytes: Uint8Array): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of readZip(bytes)) {
    const data = m.method === 0 ? m.raw : await streamInflate(m.raw, 1 << 20);
    assert.equal(crc32(data), m.crc, `${m.name}: CRC`);
    out[m.name] = dec.decode(data);
  }
  return out;
}

test('stripGgb drops ggbOnInit and object JavaScript, keeps GGBScript and the rest', async () => {
  const evil = ggb({
    'geogebra.xml': XML,
    'geogebra_javascript.js': "function ggbOnInit() { fetch('/api/contents'); }",
    'geogebra_thumbnail.png': 'not really a png'
  });
  const out = await stripGgb(evil);
  assert.deepEqual(out.removed, ['JavaScript of A (on click, on update)', 'geogebra_javascript.js (ggbOnInit)']);
  const files = await unpack(out.bytes);
  assert.deepEqual(Object.keys(files).sort(), ['geogebra.xml', 'geogebra_thumbnail.png']);
  assert.ok(!files['geogebra.xml'].includes('<javascript'));
  assert.ok(files['geogebra.xml'].includes('<ggbscript onUpdate="SetValue(n, n + 1)"/>'));
  assert.equal(files['geogebra_thumbnail.png'], 'not really a png');
});

test('a file without JavaScript comes back as the very same text', async () => {
  const clean = toBase64(ggb({ 'geogebra.xml': '<geogebra/>', 'geogebra_javascript.js': 'function ggbOnInit() {}' }));
  assert.deepEqual(await stripGgbBase64(clean), { base64: clean, removed: [] });
});

test('refused: too large, not base64, not a zip, a zip bomb', async () => {
  await assert.rejects(stripGgbBase64('A'.repeat(10000), streamInflate, 1000), /larger than/);
  await assert.rejects(stripGgbBase64('*not base64*'), FileScriptError);
  await assert.rejects(stripGgbBase64(toBase64(enc.encode('not a zip at all, really'))), /not a GeoGebra file/);
  const bomb = ggb({ 'geogebra.xml': '<geogebra>' + ' '.repeat(200000) + '</geogebra>' });
  await assert.rejects(stripGgb(bomb, streamInflate, 50000), /more than 50000 bytes/);
  // A member that lies about its size is still stopped by the bytes really produced.
  const liar = readZip(bomb).map(m => ({ ...m, size: 10 }));
  await assert.rejects(stripGgb(writeZip(liar), streamInflate, 50000), /more than/);
});
