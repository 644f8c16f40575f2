import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import * as P from '../protocol';

const hello = {
  v: 1,
  type: 'hello',
  kernel_id: 'k-1',
  token: 't'.repeat(43),
  max_frame_bytes: 1024
};

test('a well-formed hello parses, with and without app', () => {
  const plain = P.parseKernelMessage(hello);
  assert.equal(plain.ok, true);
  assert.equal(plain.ok && plain.msg.type, 'hello');
  const withApp = P.parseKernelMessage({ ...hello, app: { appName: 'geometry' } });
  assert.deepEqual(withApp.ok && withApp.msg.type === 'hello' && withApp.msg.app, {
    appName: 'geometry'
  });
  const badApp = P.parseKernelMessage({ ...hello, app: 'geometry' });
  assert.equal(badApp.ok && badApp.msg.type === 'hello' && 'app' in badApp.msg, false);
});

test('another protocol version is refused with bad_version naming both versions', () => {
  const r = P.parseKernelMessage({ ...hello, v: 2 });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.code, 'bad_version');
  assert.match(!r.ok ? r.message : '', /version 2 .*version 1/);
  const missing = P.parseKernelMessage({ type: 'ping', id: 'x' });
  assert.equal(!missing.ok && missing.code, 'bad_version');
});

test('unknown types and missing or mistyped fields are refused', () => {
  const unknown = P.parseKernelMessage({ v: 1, type: 'explode', id: 'x' });
  assert.equal(!unknown.ok && unknown.code, 'unknown_type');
  // A browser-side type is not something the kernel sends on the comm.
  const reply = P.parseKernelMessage({ v: 1, type: 'reply', id: 'x', ok: true });
  assert.equal(!reply.ok && reply.code, 'unknown_type');
  const noText = P.parseKernelMessage({ v: 1, type: 'command', id: 'x' });
  assert.equal(!noText.ok && noText.code, 'malformed');
  const numText = P.parseKernelMessage({ v: 1, type: 'command', id: 'x', text: 3 });
  assert.equal(!numText.ok && numText.code, 'malformed');
  const notObject = P.parseKernelMessage([1, 2]);
  assert.equal(!notObject.ok && notObject.code, 'malformed');
  const nullData = P.parseKernelMessage(null);
  assert.equal(!nullData.ok && nullData.code, 'malformed');
});

test('batch lines must carry a line number and a text', () => {
  const good = P.parseKernelMessage({
    v: 1,
    type: 'batch',
    id: 'b',
    stop_on_error: true,
    lines: [{ line: 1, text: 'A=(1,2)' }]
  });
  assert.equal(good.ok, true);
  const bad = P.parseKernelMessage({
    v: 1,
    type: 'batch',
    id: 'b',
    stop_on_error: true,
    lines: [{ line: '1', text: 'A=(1,2)' }]
  });
  assert.equal(!bad.ok && bad.code, 'malformed');
});

test('open without app gets an empty app', () => {
  const r = P.parseKernelMessage({ v: 1, type: 'open' });
  assert.deepEqual(r.ok && r.msg, { v: 1, type: 'open', app: {} });
});

test('requests are told apart from hello and open', () => {
  for (const type of ['command', 'batch', 'call', 'snapshot', 'ping']) {
    assert.equal(P.isRequest({ type } as P.KernelToBrowser), true, type);
  }
  assert.equal(P.isRequest({ type: 'hello' } as P.KernelToBrowser), false);
  assert.equal(P.isRequest({ type: 'open' } as P.KernelToBrowser), false);
});

test('OOB frames from the kernel: welcome, pong, error; junk refused', () => {
  const w = P.parseOobFrame('{"v":1,"type":"welcome","kernel_id":"k","max_frame_bytes":5}');
  assert.equal(w.ok && w.msg.type, 'welcome');
  const pong = P.parseOobFrame('{"v":1,"type":"pong","time":12.5}');
  assert.equal(pong.ok && pong.msg.type, 'pong');
  const notJson = P.parseOobFrame('{nope');
  assert.equal(!notJson.ok && notJson.code, 'malformed');
  const hello2 = P.parseOobFrame('{"v":1,"type":"hello","token":"x"}');
  assert.equal(!hello2.ok && hello2.code, 'unknown_type');
});

test('messages we build carry v:1 and the documented fields', () => {
  assert.deepEqual(P.clientHello('tok'), {
    v: 1,
    type: 'hello',
    token: 'tok',
    client: `ggbmagic-jupyterlab/${P.CLIENT_VERSION}`
  });
  assert.deepEqual(P.attach(), { v: 1, type: 'attach' });
  assert.deepEqual(P.ready('5.2', 'classic'), {
    v: 1,
    type: 'ready',
    applet: { version: '5.2', appName: 'classic' }
  });
  assert.deepEqual(P.closed('panel closed'), { v: 1, type: 'closed', reason: 'panel closed' });
  assert.deepEqual(P.replyError('i', 'boom'), {
    v: 1,
    type: 'reply',
    id: 'i',
    ok: false,
    error: 'boom'
  });
  assert.equal(P.TARGET_NAME, 'ggbmagic');
  assert.equal(P.PROTOCOL_VERSION, 1);
});

test('CLIENT_VERSION follows package.json', () => {
  // lib-test/__tests__/ -> the package root is two levels up.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  assert.equal(P.CLIENT_VERSION, pkg.version);
});
