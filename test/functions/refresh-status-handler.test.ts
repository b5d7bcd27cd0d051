import assert from 'node:assert/strict';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { handler as refreshStatus, type RefreshSummary } from '../../functions/refresh-status/handler.js';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';

/** The scheduled refresh: an event without `follow`. */
const handler = async (event?: unknown, context?: unknown) => (await refreshStatus(event, context)) as RefreshSummary;

describe('functions/refresh-status/handler', () => {
  let stack: DevStack;
  const saved = { ...process.env };

  before(async () => {
    stack = await startTestStack({ autoImport: false, taskStepMs: 100 });
    Object.assign(process.env, stackEnv(stack));
    await upload(stack, 'r/a.qcow2', makeDiskImage('qcow2', '1G', ['cluster_size=4096']), { metadata: { platform: 'Ubuntu' } });
    await handleEvent({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 'r/a.qcow2' } } }] }, stack.deps);
    // Twenty finished imports. Their records are written now, so for the next hour the refresh
    // reads them too, in case one lost its marker (refresh-in-flight.test.ts has older records).
    const at = new Date(Date.now() - 86_400_000).toISOString();
    for (let index = 0; index < 20; index++) {
      const key = `done/${index}.qcow2`;
      const body = JSON.stringify({ version: 1, state: 'ready', source: { region: 'cn-north-1', bucket: stack.bucket, key }, imageId: 'img-done', taskId: '1', createdAt: at, updatedAt: at });
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${key}.json`, Body: body, ContentLength: Buffer.byteLength(body) }));
    }
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

  it('reads only the records in flight, moves a finished import to ready, removes its marker, and says what it read', async () => {
    process.env['IMAGE_ALLOWED_BUCKETS'] = stack.bucket;
    // Wait (with a deadline) until the emulator reports the task finished.
    const deadline = Date.now() + 30_000;
    while (stack.emulator.tasks()[0]?.taskStatus !== 'finished') {
      assert.ok(Date.now() < deadline, 'the emulated task did not finish in 30 s');
      await sleep(20);
    }
    const summary = await handler({}, {});
    // 21 records, one in flight: read once to refresh it, once more before writing it back and
    // once after deleting its marker; the 20 recent unmarked ones once each.
    assert.deepEqual(summary.buckets, [
      { bucket: stack.bucket, records: 21, inFlight: 1, recentUnmarked: 20, read: 23, changed: 1, unreadable: 0, markersWritten: 0, markersDeleted: 1 },
    ]);
    assert.ok(summary.apiCalls >= 2 && summary.apiCalls <= 3, `apiCalls ${summary.apiCalls}`);
    const record = JSON.parse(
      await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: '.image-import/r/a.qcow2.json' }))).Body!.transformToString(),
    ) as { state: string };
    assert.equal(record.state, 'ready');
    const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: '.image-import/' }));
    assert.deepEqual(listed.Contents?.filter((object) => object.Key?.endsWith('.in-flight') === true), []);

    // Nothing left in flight: the next run reads only the recent records and asks JD nothing.
    const next = await handler({}, {});
    assert.deepEqual(next, {
      buckets: [{ bucket: stack.bucket, records: 21, inFlight: 0, recentUnmarked: 21, read: 21, changed: 0, unreadable: 0, markersWritten: 0, markersDeleted: 0 }],
      apiCalls: 0,
    });
  });
});
