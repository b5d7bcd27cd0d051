// What follows an upload event, with notifications on: the real pipeline's outcomes on the local
// stack, turned into follow requests. Nothing is handed on when no status record exists (it would
// be followed, and with a throw retried by fc, for ever); a duplicate delivery is always handed on
// and the follower decides from the record, so a chain that died with work left is picked up again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DevStack } from '../../src/edges/local/index.js';
import { followImport, followRequestsAfter } from '../../src/use-cases/following/index.js';
import { handleEvent } from '../../src/use-cases/importing/index.js';
import { followDepsFor, followingSuite, readRecordOf, submitUpload, writeRecordOf } from '../../harness/following.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { upload } from '../../harness/local-stack.js';

function eventFor(bucket: string, key: string) {
  return { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key } } }] };
}

describe('follow requests after an upload event', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'notify-secret-of-32-characters!!' }, (started) => ({ stack, env } = started));

  it('hands on no permanent failure whose record could not be written: a bucket that does not exist, a key too long for a record', async () => {
    // Its record key would be 14 + 1006 + 5 = 1025 bytes, one more than S3 allows (folders keep each file name short on disk).
    const long = `long/${'a'.repeat(200)}/${'b'.repeat(200)}/${'c'.repeat(200)}/${'d'.repeat(200)}/${'e'.repeat(191)}.qcow2`;
    await upload(stack, long, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu' } });
    await upload(stack, 'after/rejected.qcow2', makeDiskImage('qcow2', '1G'));
    const now = new Date('2026-12-05T10:00:00.000Z');
    const outcomes = [
      ...(await handleEvent(eventFor('no-such-bucket', 'after/disk.qcow2'), stack.deps)).outcomes,
      ...(await handleEvent(eventFor(stack.bucket, long), stack.deps)).outcomes,
      ...(await handleEvent(eventFor(stack.bucket, 'after/rejected.qcow2'), stack.deps)).outcomes,
    ];
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.outcome, outcome.outcome === 'failed' ? [outcome.retryable, outcome.recorded] : undefined]),
      [
        ['failed', [false, false]],
        ['failed', [false, false]],
        ['rejected', undefined],
      ],
    );
    assert.deepEqual(followRequestsAfter(outcomes, { now, notify: true }), [
      { version: 1, region: 'cn-north-1', bucket: stack.bucket, key: 'after/rejected.qcow2', startedAt: now.toISOString(), hop: 0 },
    ]);
    assert.deepEqual(followRequestsAfter(outcomes, { now, notify: false }), []);
  });

  it('a follow request for a bucket that does not exist ends at once as failed, without a throw (which fc would retry)', async () => {
    const deps = followDepsFor(stack, env);
    const result = await followImport({ version: 1, region: 'cn-north-1', bucket: 'no-such-bucket', key: 'after/disk.qcow2', startedAt: new Date().toISOString(), hop: 0 }, deps);
    await deps.close();
    assert.deepEqual(result, {
      outcome: 'failed',
      steps: 0,
      error: 'GetObject s3://no-such-bucket/.image-import/after/disk.qcow2.json failed: the bucket "no-such-bucket" does not exist (NoSuchBucket, HTTP 404). Check the bucket name, and that OSS_ENDPOINT or JDCLOUD_REGION is the bucket\'s region.',
    });
  });

  it('a redelivery of a ready import whose chain died with a copy pending is handed on, and the copy is made', async () => {
    const key = 'after/dead-chain.qcow2';
    const submitted = await submitUpload(stack, key);
    // The chain died after the import turned ready: its lease ran out, the copy still pending.
    await writeRecordOf(stack, {
      ...submitted,
      state: 'ready',
      copies: [{ region: 'cn-south-1', state: 'pending' }],
      follower: { holder: 'invocation-that-died', leaseUntil: new Date(Date.now() - 1000).toISOString(), startedAt: new Date().toISOString(), hop: 4 },
    });
    const summary = await handleEvent(eventFor(stack.bucket, key), stack.deps);
    assert.deepEqual(summary.outcomes.map((outcome) => [outcome.outcome, outcome.outcome === 'duplicate' ? outcome.state : undefined]), [['duplicate', 'ready']]);
    const requests = followRequestsAfter(summary.outcomes, { now: new Date(), notify: false });
    assert.deepEqual(requests.map((request) => request.key), [key]);

    const deps = followDepsFor(stack, env);
    const result = await followImport(requests[0]!, deps);
    await deps.close();
    assert.equal(result.outcome, 'done');
    const record = await readRecordOf(stack, key);
    assert.deepEqual([record.copies?.map((copy) => copy.state), record.follower?.finished], [['ready'], 'done']);
  });
});
