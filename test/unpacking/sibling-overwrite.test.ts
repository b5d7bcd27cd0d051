// The overwrite window (review of issue 14): the sibling's key is looked at when the sink opens,
// but the upload completes minutes later. A user upload to that key in between must never be
// overwritten: the key is looked at again right before CompleteMultipartUpload.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createPipelineDeps, handleEvent } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { stackEnv } from '../../harness/capture-io.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packedCases } from '../../harness/packed-cases.js';
import { objectBytes, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

describe('a user upload to the sibling\'s key while the image is unpacked', () => {
  let stack: DevStack;
  const [gz] = packedCases();

  before(async () => {
    stack = await startTestStack({ autoImport: false });
  });
  after(async () => stack.stop());

  it('is kept: the unpack is rejected as sibling-exists and its multipart upload aborted', async (t) => {
    const key = 'window/disk.qcow2.gz';
    await upload(stack, key, gz!.packed, { metadata: { platform: 'Ubuntu' } });
    const deps = createPipelineDeps(stackEnv(stack), { logger: silentLogger() });
    t.after(() => deps.close());
    // As the sibling's first part goes out (after the sink checked the key), the user uploads their own object there.
    const users = Buffer.from('the user\'s own object, uploaded while the .gz was unpacked');
    let putByUser = false;
    deps.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand' && !putByUser) {
          putByUser = true;
          await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'window/disk.qcow2', Body: users }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'testUserUploadMidUnpack' },
    );
    const summary = await handleEvent(await ossTriggerEvent(stack, key), deps);

    assert.ok(putByUser, 'the user\'s object was put while a part was uploaded');
    const outcome = summary.outcomes[0];
    assert.deepEqual(outcome?.outcome === 'rejected' ? outcome.problems : outcome, [
      {
        code: 'sibling-exists',
        field: 'key',
        value: 'window/disk.qcow2',
        message: `s3://images/window/disk.qcow2 already exists and was not unpacked from "window/disk.qcow2.gz"; it is never overwritten. Rename the upload (or remove that object) and upload it again.`,
      },
    ]);
    assert.deepEqual(await objectBytes(stack.s3, stack.bucket, 'window/disk.qcow2'), users);
    assert.equal((await statusRecordOf(stack.s3, stack.bucket, key))?.['state'], 'rejected');
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'window/'), []);
    assert.equal(stack.emulator.counters.imagesCreated, 0);
  });
});
