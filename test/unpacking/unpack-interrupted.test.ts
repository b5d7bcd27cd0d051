// An unpack cut short in the middle, after parts of the sibling were uploaded: by the function's
// deadline (fc would stop it), or by the store failing. The local stack (s3rver in-process, the VM
// API emulator over HTTP) and a real 17 MiB raw image in a .gz, unpacked in 8 MiB parts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { createPipelineDeps, handleEvent } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { stackEnv } from '../../harness/capture-io.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { multipartGzip } from '../../harness/packed-cases.js';
import { objectBytes, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

/** Runs `onPart` as each UploadPart is sent, before it reaches the store; its error fails the part. */
function onUploadPart(s3: S3Client, onPart: () => void): void {
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand') onPart();
      return next(args);
    },
    { step: 'initialize', name: 'testOnUploadPart' },
  );
}

describe('an unpack cut short in the middle', () => {
  let stack: DevStack;
  const { packed } = multipartGzip();
  const metadata = { platform: 'Ubuntu', 'os-version': '22.04' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
  });
  after(async () => stack.stop());

  /** The function's pipeline (its time limit: fc's 900 s) with parts of 8 MiB. */
  function functionDeps() {
    return createPipelineDeps({ ...stackEnv(stack), IMAGE_UNPACK_MAX_BYTES: String(64 * 2 ** 20) }, { logger: silentLogger(), unpackTimeLimitSeconds: 900 });
  }

  it('by the function\'s deadline: a rejected record saying so, the multipart upload aborted, nothing for fc to retry', async (t) => {
    const key = 'late/big.raw.gz';
    await upload(stack, key, packed, { metadata });
    const deps = functionDeps();
    t.after(() => deps.close());
    // The function's clock: as the first part goes out, the 840 s unpacking may take are over.
    let lateMs = 0;
    let parts = 0;
    onUploadPart(deps.s3, () => {
      parts += 1;
      lateMs = 900_000;
    });
    const summary = await handleEvent(await ossTriggerEvent(stack, key), { ...deps, now: () => new Date(Date.now() + lateMs) });

    // Rejected, not failed: the handler returns (it throws only for transient failures), so fc
    // does not deliver the event again, and a redelivery would be refused the same way.
    assert.deepEqual(
      { submitted: summary.submitted, rejected: summary.rejected, failed: summary.failed, transientFailures: summary.transientFailures },
      { submitted: 0, rejected: 1, failed: 0, transientFailures: 0 },
    );
    assert.ok(parts >= 1, 'a part was uploaded before the deadline passed');
    const record = await statusRecordOf(stack.s3, stack.bucket, key);
    const problems = record?.['problems'] as Array<{ code: string; field: string; value: string; message: string }> | undefined;
    assert.equal(record?.['state'], 'rejected');
    assert.deepEqual(problems?.map(({ code, field, value }) => ({ code, field, value })), [{ code: 'unpack-too-slow-for-function', field: 'content', value: `s3://images/${key}` }]);
    // How far it got depends on the decoder's chunks: only that number is left out of the comparison.
    const message = problems?.[0]?.message ?? '';
    assert.match(
      message,
      /^Unpacking ran out of the function's time after (\d+) bytes \([\d.]+ MiB\) of the image \(fc stops a function after at most 900 s\)\. Unpack and import it with the CLI, which has no time limit: oss-image-import import s3:\/\/images\/late\/big\.raw\.gz — or run oss-image-import serve next to the bucket\. Or upload the image uncompressed\.$/,
    );
    const unpackedBytes = Number(/after (\d+) bytes/.exec(message)?.[1]);
    assert.ok(unpackedBytes > 8 * 2 ** 20 && unpackedBytes < 17 * 2 ** 20, `stopped in the middle, after ${unpackedBytes} bytes`);
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'late/'), []);
    assert.equal(await objectBytes(stack.s3, stack.bucket, 'late/big.raw'), undefined);
    assert.equal(stack.emulator.counters.imagesCreated, 0);
  });

  it('by the store failing a part: a failed record fc retries, the multipart upload aborted, never "corrupt"', async (t) => {
    const key = 'flaky/big.raw.gz';
    await upload(stack, key, packed, { metadata });
    const deps = functionDeps();
    t.after(() => deps.close());
    // What the AWS SDK throws for S3's 503 Slow Down.
    onUploadPart(deps.s3, () => {
      throw Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503, requestId: 'tx-slow-down' } });
    });
    const summary = await handleEvent(await ossTriggerEvent(stack, key), deps);

    assert.deepEqual(
      { submitted: summary.submitted, rejected: summary.rejected, failed: summary.failed, transientFailures: summary.transientFailures },
      { submitted: 0, rejected: 0, failed: 1, transientFailures: 1 },
    );
    const record = await statusRecordOf(stack.s3, stack.bucket, key);
    assert.equal(record?.['state'], 'failed');
    assert.deepEqual(record?.['error'], {
      message: 'UploadPart s3://images/flaky/big.raw (part 1) failed: SlowDown (HTTP 503).',
      httpStatus: 503,
      requestId: 'tx-slow-down',
      retryable: true,
    });
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'flaky/'), []);
    assert.equal(await objectBytes(stack.s3, stack.bucket, 'flaky/big.raw'), undefined);
  });
});
