import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { handler } from '../../functions/import-image/handler.js';
import { TransientImportFailure } from '../../src/use-cases/importing/transient-import-failure.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { statusRecordOf } from '../../harness/unpack-checks.js';

/** The JD Cloud function trigger fixture, pointed at our bucket and key. */
async function functionEvent(bucket: string, key: string): Promise<unknown> {
  const event = JSON.parse(await readFile(new URL('../fixtures/events/jdcloud-function-oss-trigger.json', import.meta.url), 'utf8')) as {
    Records: Array<{ detail: { s3: { bucket: { name: string }; object: { key: string } } } }>;
  };
  for (const record of event.Records) {
    record.detail.s3.bucket.name = bucket;
    record.detail.s3.object.key = key;
  }
  return event;
}

describe('functions/import-image/handler', () => {
  let stack: DevStack;
  const saved = { ...process.env };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    // The handler reads its configuration from the environment, as on the platform.
    Object.assign(process.env, stackEnv(stack));
    await upload(stack, 'images/centos-7.qcow2', makeDiskImage('qcow2', '8G'), { metadata: { platform: 'CentOS', 'os-version': '7.9' } });
  });
  after(async () => {
    process.env = saved;
    await stack.stop();
  });

  it('imports the object a JD Cloud OSS trigger event names and returns the summary', async () => {
    const summary = await handler(await functionEvent(stack.bucket, 'images/centos-7.qcow2'), {});
    assert.equal(summary.records, 1);
    assert.equal(summary.submitted, 1);
    assert.equal(summary.outcomes[0]?.outcome, 'submitted');
    assert.equal(stack.emulator.counters.imagesCreated, 1);
  });

  it('does not fail the invocation for a rejected image', async () => {
    await upload(stack, 'images/notes.raw', new TextEncoder().encode('not an image'));
    const summary = await handler(await functionEvent(stack.bucket, 'images/notes.raw'));
    assert.equal(summary.rejected, 1);
  });

  it('skips a key that names no disk image (the "2" trigger fires for font.woff2): no status record', async () => {
    await upload(stack, 'site/font.woff2', new Uint8Array(64));
    const summary = await handler(await functionEvent(stack.bucket, 'site/font.woff2'));
    assert.deepEqual(
      { records: summary.records, outcomes: summary.outcomes, skipped: summary.skipped },
      { records: 1, outcomes: [], skipped: [{ index: 0, reason: 'key ends in ".woff2": not a disk image, nor compressed or packaged', bucket: stack.bucket, key: 'site/font.woff2' }] },
    );
    assert.equal(await statusRecordOf(stack.s3, stack.bucket, 'site/font.woff2'), undefined);
  });

  it('does not fail the invocation for a bucket that does not exist: no redelivery would find it', async () => {
    const summary = await handler(await functionEvent('no-such-bucket', 'images/centos-7.qcow2'));
    assert.equal(summary.failed, 1);
    assert.equal(summary.transientFailures, 0);
    assert.equal(summary.outcomes[0]?.outcome === 'failed' ? summary.outcomes[0].retryable : undefined, false);
  });

  it('fails the invocation when a transient failure outlives the retries, so the platform retries', async () => {
    await upload(stack, 'images/flaky.qcow2', makeDiskImage('qcow2', '1G'), { metadata: { platform: 'CentOS' } });
    stack.emulator.injectFault({ kind: 'status', status: 500, count: 10 });
    const event = await functionEvent(stack.bucket, 'images/flaky.qcow2');
    await assert.rejects(handler(event), (error: unknown) => {
      assert.ok(error instanceof TransientImportFailure);
      assert.equal(error.message, `1 of 1 records failed transiently and should be retried: s3://${stack.bucket}/images/flaky.qcow2`);
      return true;
    });
    stack.emulator.clearFaults();
    const retried = await handler(event);
    assert.equal(retried.submitted, 1);
  });
});
