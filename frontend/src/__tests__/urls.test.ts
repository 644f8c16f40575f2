import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { backoffDelay, BACKOFF_MAX_MS, BACKOFF_MIN_MS } from '../backoff';
import { redact, relayUrl, withoutQuery } from '../urls';

test('the relay URL sits below the base URL and names the kernel', () => {
  assert.equal(
    relayUrl('ws://localhost:8888/', 'abc-123', '', false),
    'ws://localhost:8888/ggbmagic/oob/abc-123'
  );
  assert.equal(
    relayUrl('wss://hub.example/user/alice/', 'abc-123', '', false),
    'wss://hub.example/user/alice/ggbmagic/oob/abc-123'
  );
  // No trailing slash on the base URL: the prefix must still be kept.
  assert.equal(
    relayUrl('wss://hub.example/user/alice', 'k', '', false),
    'wss://hub.example/user/alice/ggbmagic/oob/k'
  );
});

test('the token goes in the query only when JupyterLab would append it, encoded', () => {
  // As @jupyterlab/services does for kernel sockets: in a page on the same host the
  // login cookie authenticates, and the token stays out of the URL (issue 15).
  assert.equal(relayUrl('ws://h/', 'k', 'secret', false), 'ws://h/ggbmagic/oob/k');
  assert.equal(
    relayUrl('ws://h/', 'k', 'a b&c', true),
    'ws://h/ggbmagic/oob/k?token=a%20b%26c'
  );
  assert.ok(!relayUrl('ws://h/', 'k', '', true).includes('token'));
});

test('a kernel id cannot add path segments', () => {
  assert.equal(relayUrl('ws://h/', 'a/../b', '', false), 'ws://h/ggbmagic/oob/a%2F..%2Fb');
});

test('backoff grows from 0.5 s to 8 s, with jitter that only shortens', () => {
  assert.equal(backoffDelay(0, () => 0), BACKOFF_MIN_MS);
  assert.equal(backoffDelay(1, () => 0), 1000);
  assert.equal(backoffDelay(4, () => 0), BACKOFF_MAX_MS);
  assert.equal(backoffDelay(30, () => 0), BACKOFF_MAX_MS);
  assert.equal(backoffDelay(4, () => 1), BACKOFF_MAX_MS * 0.8);
  for (let i = 0; i < 50; i++) {
    const d = backoffDelay(2);
    assert.ok(d >= 1600 && d <= 2000, `delay ${d}`);
  }
});

test('console text never shows the server token', () => {
  const url = relayUrl('ws://h/', 'k', 's3cr3t/+', true);
  const message = `SyntaxError: Failed to construct 'WebSocket': The URL '${url}' is invalid.`;
  const shown = `cannot open ${withoutQuery(url)}: ${redact(message, 's3cr3t/+')}`;
  assert.ok(!shown.includes('s3cr3t'), shown);
  assert.ok(!shown.includes(encodeURIComponent('s3cr3t/+')), shown);
  assert.ok(shown.includes('ws://h/ggbmagic/oob/k'), shown);
  assert.equal(redact('x?token=abc&y=1', ''), 'x?token=…&y=1');
  assert.equal(redact('no secret here', 'abc'), 'no secret here');
  assert.equal(withoutQuery('ws://h/a?token=t#f'), 'ws://h/a');
  assert.equal(withoutQuery('ws://h/a'), 'ws://h/a');
});
