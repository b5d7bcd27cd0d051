import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureIo } from '../../harness/capture-io.js';
import { runCli } from '../../src/edges/cli/main.js';

const token = 'serve-command-token-0123456789';

function testIo(env: NodeJS.ProcessEnv) {
  const controller = new AbortController();
  const { io, captured } = captureIo(env, { signal: controller.signal });
  return { io, stop: () => controller.abort(), out: () => captured.out, err: () => captured.err };
}

const baseEnv = {
  JDCLOUD_ACCESS_KEY_ID: 'serve-test-key',
  JDCLOUD_SECRET_ACCESS_KEY: 'serve-test-secret',
  OSS_ENDPOINT: 'http://127.0.0.1:9',
  JDCLOUD_VM_ENDPOINT: 'http://127.0.0.1:9',
  LOG_LEVEL: 'silent',
};

describe('oss-image-import serve', () => {
  it('refuses to start without NOTIFY_TOKEN (exit 1), naming the variable', async () => {
    const run = testIo(baseEnv);
    assert.equal(await runCli(['serve', '--port', '0'], run.io), 1);
    assert.equal(
      run.err(),
      'NOTIFY_TOKEN is not set: set it to a random secret of at least 16 characters (e.g. `openssl rand -hex 24`) ' +
        'and give the same value to the sender as a bearer token or as ?token= in the notification URL.\n',
    );
    assert.equal(run.out(), '');
  });

  it('answers a bad --port or --concurrency with a usage error (exit 2)', async () => {
    const run = testIo({ ...baseEnv, NOTIFY_TOKEN: token });
    assert.equal(await runCli(['serve', '--port', '70000'], run.io), 2);
    assert.equal(run.err(), '--port "70000" is not allowed: use a whole number from 0 to 65535.\nUsage: oss-image-import serve [--port P] [--host H] [--concurrency N] [--json]\n');
    const again = testIo({ ...baseEnv, NOTIFY_TOKEN: token });
    assert.equal(await runCli(['serve', '--concurrency', '0'], again.io), 2);
    assert.match(again.err(), /^--concurrency "0" is not allowed: use a whole number from 1 to 256\.\n/);
  });

  it('listens, prints where with --json, answers health and test events, and exits 0 on a stop signal', async () => {
    const run = testIo({ ...baseEnv, NOTIFY_TOKEN: token });
    const exit = runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--json'], run.io);
    while (!run.out().includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
    const ready = JSON.parse(run.out()) as { url: string; notificationUrl: string; healthUrl: string };
    assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ready.notificationUrl, `${ready.url}/events`);
    assert.equal(ready.healthUrl, `${ready.url}/healthz`);

    const health = await fetch(ready.healthUrl);
    assert.equal(health.status, 200);
    const testEvent = await fetch(`${ready.notificationUrl}?token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'images' }),
    });
    assert.equal(testEvent.status, 200);
    const noToken = await fetch(ready.notificationUrl, { method: 'POST', body: '{}' });
    assert.equal(noToken.status, 401);

    run.stop();
    assert.equal(await exit, 0);
    assert.equal(run.out().split('\n').filter(Boolean).length, 1, 'one JSON document on stdout');
    await assert.rejects(fetch(ready.healthUrl), { name: 'TypeError' });
  });
});
