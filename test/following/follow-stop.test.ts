// A process that stops (serve's SIGTERM, the CLI's Ctrl-C) does not wait for its followers' JD
// retries or notification retries: they are cut short, the followers let go of their leases, and
// what was cut short is left for the next follower (nothing is recorded as failed or notified).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DevStack, localOssCredentials, startWebhookReceiver, type WebhookReceiver } from '../../src/edges/local/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import { loadConfig } from '../../src/use-cases/config/index.js';
import { createFollowDeps, followImport } from '../../src/use-cases/following/index.js';
import { fastFollowTiming, followDepsFor, followingSuite, followRequestOf, readRecordOf, submitUpload } from '../../harness/following.js';

describe('a follower whose process stops', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'notify-secret-of-32-characters!!' }, (started) => ({ stack, env } = started));

  /** A follower of the stack stopped by `signal`, with these variables (the product's waits and delivery retries). */
  function stoppableDeps(variables: NodeJS.ProcessEnv, signal: AbortSignal) {
    const config = loadConfig({ ...variables, JDCLOUD_REGION: stack.region, JDCLOUD_VM_ENDPOINT: stack.vmEndpoint, OSS_ENDPOINT: stack.ossEndpoint });
    return createFollowDeps(config, localOssCredentials, { logger: silentLogger(), s3: stack.s3, timing: fastFollowTiming, signal });
  }

  it('does not wait out JD\'s Retry-After: the poll is cut short, the lease let go, nothing recorded as failed', async () => {
    const key = 'stop/jd-retry.qcow2';
    await submitUpload(stack, key);
    const polls = stack.emulator.counters.requestsByOperation.describeImageTasks;
    // JD throttles with Retry-After: 2 s; the client would wait and ask twice more.
    stack.emulator.injectFault({ kind: 'status', status: 429, retryAfter: 2, operation: 'describeImageTasks', count: 3 });
    const stopping = new AbortController();
    const deps = stoppableDeps(env, stopping.signal);
    const following = followImport(await followRequestOf(stack, key), deps);
    while (stack.emulator.counters.requestsByOperation.describeImageTasks === polls) await new Promise((resolve) => setTimeout(resolve, 5));
    stopping.abort();
    const result = await following;
    await deps.close();
    stack.emulator.clearFaults();

    assert.equal(result.outcome, 'stopped');
    assert.equal(stack.emulator.counters.requestsByOperation.describeImageTasks, polls + 1);
    const record = await readRecordOf(stack, key);
    assert.deepEqual([record.state, record.follower?.error], ['submitted', undefined]);
    assert.ok(Date.parse(record.follower?.leaseUntil ?? '') <= Date.now(), 'the lease is let go');
  });

  it('does not wait out a notification\'s retries: the POST is not retried nor recorded, so the next follower sends it', async (t) => {
    const stopping = new AbortController();
    const receiver: WebhookReceiver = await startWebhookReceiver({ onReceive: () => stopping.abort() });
    t.after(() => receiver.stop());
    receiver.answerNext(503);
    const key = 'stop/notify-retry.qcow2';
    await submitUpload(stack, key);
    const deps = stoppableDeps({ ...env, IMAGE_NOTIFY_URL: `${receiver.url}/hooks` }, stopping.signal);
    const result = await followImport(await followRequestOf(stack, key), deps);
    await deps.close();

    assert.equal(result.outcome, 'stopped');
    assert.equal(receiver.received.length, 1);
    const record = await readRecordOf(stack, key);
    assert.deepEqual([record.state, record.notifications], ['ready', undefined]);

    // The next follower sends it, with the same id.
    const next = followDepsFor(stack, { ...env, IMAGE_NOTIFY_URL: `${receiver.url}/hooks` });
    assert.equal((await followImport(await followRequestOf(stack, key), next)).outcome, 'done');
    await next.close();
    assert.deepEqual(receiver.received.map((post) => post.headers['x-oss-image-import-event']), ['ready', 'ready']);
    assert.equal(receiver.received[1]?.headers['x-oss-image-import-id'], receiver.received[0]?.headers['x-oss-image-import-id']);
  });
});
