import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { handler } from '../../functions/refresh-status/handler.js';
import { handleEvent } from '../../src/importing/handle-event.js';
import type { DevStack } from '../../src/local/dev-stack.js';
import { stackEnv } from '../support/capture-io.js';
import { makeDiskImage } from '../support/disk-images.js';
import { startTestStack, upload } from '../support/local-stack.js';

describe('functions/refresh-status/handler', () => {
  let stack: DevStack;
  const saved = { ...process.env };

  before(async () => {
    stack = await startTestStack({ autoImport: false, taskStepMs: 100 });
    Object.assign(process.env, stackEnv(stack));
    await upload(stack, 'r/a.qcow2', makeDiskImage('qcow2', '1G', ['cluster_size=4096']), { metadata: { platform: 'Ubuntu' } });
    await handleEvent({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 'r/a.qcow2' } } }] }, stack.deps);
  });
  after(async () => {
    process.env = saved;
    await stack.stop();
  });

  it('needs IMAGE_ALLOWED_BUCKETS to know which buckets to refresh', async () => {
    delete process.env['IMAGE_ALLOWED_BUCKETS'];
    await assert.rejects(handler(), {
      name: 'ConfigError',
      message: 'IMAGE_ALLOWED_BUCKETS is not set: the refresh function needs the buckets whose status records it keeps up to date.',
    });
  });

  it('refreshes every allowed bucket, moves a finished import to ready, and says what changed', async () => {
    process.env['IMAGE_ALLOWED_BUCKETS'] = stack.bucket;
    // Wait (with a deadline) until the emulator reports the task finished.
    const deadline = Date.now() + 30_000;
    while (stack.emulator.tasks()[0]?.taskStatus !== 'finished') {
      assert.ok(Date.now() < deadline, 'the emulated task did not finish in 30 s');
      await sleep(20);
    }
    const summary = await handler({}, {});
    assert.deepEqual(summary.buckets, [{ bucket: stack.bucket, records: 1, changed: 1, unreadable: 0 }]);
    assert.ok(summary.apiCalls >= 2 && summary.apiCalls <= 3, `apiCalls ${summary.apiCalls}`);
    const record = JSON.parse(
      await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: '.image-import/r/a.qcow2.json' }))).Body!.transformToString(),
    ) as { state: string };
    assert.equal(record.state, 'ready');
  });
});
