// Issue 15, D2 and C: a store failure that no redelivery can fix (a missing bucket, a denied
// write, a key too long for S3) is reported once and never retried; one that may pass (the
// store unreachable) stays retryable, and every message names its cause.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { listenHttp } from '../../src/kernel/index.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { localOssClient, recordS3Requests, refuseS3Requests } from '../../harness/s3-requests.js';
import { rawKeyNotification } from './stack-records.js';

const notification = rawKeyNotification;

const deniedWrite = 'Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may write to the bucket.';

describe('store failures in the pipeline', () => {
  let stack: DevStack;
  let qcow2: Buffer;

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    qcow2 = makeDiskImage('qcow2', '1G');
  });
  after(async () => stack.stop());

  it('fails an event for a bucket that does not exist once, permanently, saying the bucket is missing', async () => {
    const calls = stack.emulator.counters.requests;
    const summary = await handleEvent(notification('no-such-bucket', ['disk.qcow2']), stack.deps);
    assert.equal(summary.transientFailures, 0);
    assert.equal(summary.failed, 1);
    const outcome = summary.outcomes[0];
    assert.equal(outcome?.outcome, 'failed');
    assert.equal(outcome.retryable, false);
    // HEAD, tagging, the ranges and the record are read at once; whichever answers first is reported.
    const missing =
      'failed: the bucket "no-such-bucket" does not exist (NoSuchBucket, HTTP 404). Check the bucket name, and that OSS_ENDPOINT or JDCLOUD_REGION is the bucket\'s region.';
    assert.ok(
      [
        `GetObjectTagging s3://no-such-bucket/disk.qcow2 ${missing}`,
        `GetObject (range) s3://no-such-bucket/disk.qcow2 ${missing}`,
        `GetObject s3://no-such-bucket/.image-import/disk.qcow2.json ${missing}`,
      ].includes(outcome.error),
      outcome.error,
    );
    assert.equal(stack.emulator.counters.requests, calls);
  });

  it('fails permanently when the store denies writing the status record', async () => {
    await upload(stack, 'denied/notes.raw', new Uint8Array(1000));
    const s3 = localOssClient(stack.ossEndpoint);
    refuseS3Requests(s3, (request) => request.operation === 'PutObject', { name: 'AccessDenied', status: 403, message: 'Access Denied' });
    try {
      const summary = await handleEvent(notification(stack.bucket, ['denied/notes.raw']), { ...stack.deps, s3 });
      assert.deepEqual(
        summary.outcomes.map(({ durationMs: _durationMs, ...outcome }) => outcome),
        [
          {
            outcome: 'failed',
            key: 'denied/notes.raw',
            error: `status record not written: PutObject s3://${stack.bucket}/.image-import/denied/notes.raw.json failed: AccessDenied (HTTP 403). ${deniedWrite}`,
            retryable: false,
            recorded: false,
            bucket: stack.bucket,
            region: 'cn-north-1',
          },
        ],
      );
      assert.equal(summary.transientFailures, 0);
    } finally {
      s3.destroy();
    }
  });

  it('fails a key whose status record key would pass S3\'s 1024 bytes before reading or submitting anything', async () => {
    // 14 (".image-import/") + 1006 + 5 (".json") = 1025 bytes.
    const key = `long/${'a'.repeat(200)}/${'b'.repeat(200)}/${'c'.repeat(200)}/${'d'.repeat(200)}/${'e'.repeat(191)}.qcow2`;
    assert.equal(Buffer.byteLength(key), 1006);
    await upload(stack, key, qcow2, { metadata: { platform: 'Ubuntu' } });
    const s3 = localOssClient(stack.ossEndpoint);
    const requests = recordS3Requests(s3);
    const calls = stack.emulator.counters.requests;
    try {
      const summary = await handleEvent(notification(stack.bucket, [key]), { ...stack.deps, s3 });
      const outcome = summary.outcomes[0];
      assert.equal(outcome?.outcome, 'failed');
      assert.deepEqual([outcome.retryable, outcome.recorded], [false, false]);
      assert.equal(
        outcome.error,
        'The status record key would be 1025 bytes (IMAGE_STATUS_PREFIX ".image-import/", the object key, ".json"), and S3 keys hold at most 1024 bytes, so this upload cannot be recorded. ' +
          'Rename the object to a key of at most 1005 bytes, or set a shorter IMAGE_STATUS_PREFIX.',
      );
    } finally {
      s3.destroy();
    }
    assert.deepEqual(requests, []);
    assert.equal(stack.emulator.counters.requests, calls);
  });

  it('names the cause when the store cannot be reached, and leaves the upload to a redelivery', async () => {
    // A port that was just free: nothing listens there now.
    const server = createServer();
    const closed = await listenHttp(server);
    await new Promise((resolve) => server.close(resolve));
    const s3 = localOssClient(closed.url);
    try {
      const summary = await handleEvent(notification(stack.bucket, ['unreachable/disk.qcow2']), { ...stack.deps, s3 });
      const outcome = summary.outcomes[0];
      assert.equal(outcome?.outcome, 'failed');
      assert.equal(outcome.retryable, true);
      const cause = `failed: connect ECONNREFUSED 127.0.0.1:${closed.port}.`;
      assert.ok(
        [
          `HeadObject s3://${stack.bucket}/unreachable/disk.qcow2 ${cause}`,
          `GetObjectTagging s3://${stack.bucket}/unreachable/disk.qcow2 ${cause}`,
          `GetObject (range) s3://${stack.bucket}/unreachable/disk.qcow2 ${cause}`,
          `GetObject s3://${stack.bucket}/.image-import/unreachable/disk.qcow2.json ${cause}`,
        ].includes(outcome.error),
        outcome.error,
      );
    } finally {
      s3.destroy();
    }
  });
});
