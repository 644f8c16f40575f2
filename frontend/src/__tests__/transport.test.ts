import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { parseRequestFrame } from '../protocol';
import { bestLink, BrowserLink } from '../transport/link';
import { probeUrl, relayVerdict } from '../transport/probe';
import { wantsSubshell } from '../transport/upcomm';

const link = (path: BrowserLink['path'], isUp = true): BrowserLink => ({
  path,
  isUp,
  sendText: () => true,
  close: () => undefined
});

test('the best link is the lowest rung that is up', () => {
  assert.equal(bestLink([]), null);
  assert.equal(bestLink([link('after-cell'), link('subshell')])?.path, 'subshell');
  assert.equal(bestLink([link('subshell'), link('loopback')])?.path, 'loopback');
  assert.equal(bestLink([link('relay', false), link('after-cell')])?.path, 'after-cell');
  assert.equal(bestLink([link('subshell', false)]), null);
});

const VERDICTS: [number, string, boolean, boolean, RegExp][] = [
  [200, '{"reachable": true}', true, false, /^$/],
  [400, '{"message": "Bad Request"}', true, false, /^$/], // a server before 0.2
  [503, '{"message": "ggbmagic cannot relay to kernel k: it has no local connection file"}',
    false, true, /remote kernel/],
  [503, '{"message": "ggbmagic is not loaded in this kernel"}', false, false, /HTTP 503: ggbmagic is not loaded/],
  [404, 'not json', false, true, /server extension/],
  [403, '{"message": "not allowed"}', false, true, /HTTP 403: not allowed/],
  [0, 'TypeError: Failed to fetch', false, false, /did not answer/],
  [502, '{"message": "refused"}', false, false, /HTTP 502: refused/]
];

test('what the relay probe makes of each answer', () => {
  for (const [status, body, reachable, final, reason] of VERDICTS) {
    const v = relayVerdict(status, body);
    assert.equal(v.reachable, reachable, `${status} ${body}`);
    assert.equal(v.final, final, `${status} ${body}`);
    assert.match(v.reason, reason);
  }
  assert.equal(probeUrl('/user/a/', 'k 1'), '/user/a/ggbmagic/oob/k%201');
});

test('a comm goes on a subshell only when the kernel offers them and the page has them on', () => {
  assert.equal(wantsSubshell({ supportsSubshells: true, commsOverSubshells: 'perCommTarget' }), true);
  assert.equal(wantsSubshell({ supportsSubshells: true }), true);
  assert.equal(wantsSubshell({ supportsSubshells: true, commsOverSubshells: 'disabled' }), false);
  assert.equal(wantsSubshell({ supportsSubshells: false, commsOverSubshells: 'perComm' }), false);
});

test('requests over the open socket: request frames are told from the others', () => {
  const ok = parseRequestFrame('{"v": 1, "type": "command", "id": "r1", "text": "A = (1, 2)"}');
  assert.ok(ok && ok.ok && ok.msg.type === 'command');
  assert.equal(parseRequestFrame('{"v": 1, "type": "pong", "time": 1}'), null);
  assert.equal(parseRequestFrame('{"v": 1, "type": "welcome", "kernel_id": "k", "max_frame_bytes": 1}'), null);
  assert.equal(parseRequestFrame('not json'), null);
  const bad = parseRequestFrame('{"v": 1, "type": "command", "id": "r1"}');
  assert.ok(bad && !bad.ok);
});
