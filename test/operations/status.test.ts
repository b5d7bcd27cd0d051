import assert from 'node:assert/strict';
import { GetObjectTaggingCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import type { StatusRecord } from '../../src/domain/status/status-record.js';
import { createJdCloudClient } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { startVmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { jdcloudImportTracker } from '../../src/use-cases/operations/jdcloud-import-tracker.js';
import { refreshRecords } from '../../src/use-cases/operations/refresh-status.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';

interface StatusJson {
  changed: number;
  apiCalls?: number;
  inFlightMarkers?: { written: number; deleted: number; restored: number; failed: string[] };
  records: Array<{ key: string; record?: StatusRecord; unreadable?: string }>;
}

async function statusJson(env: NodeJS.ProcessEnv, args: string[]): Promise<StatusJson> {
  const { io, captured } = captureIo(env);
  assert.equal(await runCli(['status', ...args, '--json'], io), 0, captured.err);
  return JSON.parse(captured.out) as StatusJson;
}

describe('oss-image-import status', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // Tasks take 200 ms per step: pending, 3 running steps, then finished.
    stack = await startTestStack({ autoImport: false, taskStepMs: 200 });
    env = stackEnv(stack);
    const qcow2 = makeDiskImage('qcow2', '1G', ['cluster_size=4096']);
    for (const key of ['s/ok.qcow2', 's/broken.qcow2']) await upload(stack, key, qcow2, { metadata: { platform: 'Ubuntu' } });
    await upload(stack, 's/no-platform.qcow2', qcow2);
    stack.emulator.failNextImport('ImageCheckFailed: no bootable partition found');
    await handleEvent({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 's/broken.qcow2' } } }] }, stack.deps);
    await handleEvent(
      { Records: ['s/ok.qcow2', 's/no-platform.qcow2'].map((key) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key } } })) },
      stack.deps,
    );
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: '.image-import/s/corrupt.qcow2.json', Body: '{"version": 7}' }));
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: '.image-import/s/garbage.qcow2.json', Body: 'not json' }));
  });
  after(async () => stack.stop());

  it('lists every record with its state, and reports unreadable ones instead of crashing', async () => {
    // The two submitted imports have in-flight markers next to their records; they are not records.
    const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: '.image-import/s/' }));
    assert.deepEqual(listed.Contents?.map((object) => object.Key).filter((key) => key?.endsWith('.in-flight')), [
      '.image-import/s/broken.qcow2.in-flight',
      '.image-import/s/ok.qcow2.in-flight',
    ]);
    const { records } = await statusJson(env, [`s3://${stack.bucket}/s/`]);
    assert.deepEqual(
      records.map((entry) => [entry.key, entry.record?.state ?? `unreadable: ${entry.unreadable}`]),
      [
        ['s/broken.qcow2', 'submitted'],
        ['s/corrupt.qcow2', 'unreadable: version 7, expected 1'],
        ['s/garbage.qcow2', 'unreadable: not JSON'],
        ['s/no-platform.qcow2', 'rejected'],
        ['s/ok.qcow2', 'submitted'],
      ],
    );
  });

  it('--refresh moves records to ready and error with JD\'s message, in batched calls', async () => {
    // Wait (with a deadline) until every emulated task has ended.
    const deadline = Date.now() + 30_000;
    while (stack.emulator.tasks().some((task) => task.taskStatus === 'pending' || task.taskStatus === 'running')) {
      assert.ok(Date.now() < deadline, 'the emulated tasks did not end in 30 s');
      await sleep(20);
    }
    const calls = stack.emulator.counters.requests;
    const refreshed = await statusJson(env, [`s3://${stack.bucket}/s/`, '--refresh']);
    assert.equal(refreshed.changed, 2);
    // Both are final now: their in-flight markers go.
    assert.deepEqual(refreshed.inFlightMarkers, { written: 0, deleted: 2, restored: 0, failed: [] });
    const markers = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: '.image-import/s/' }));
    assert.deepEqual(markers.Contents?.map((object) => object.Key).filter((key) => key?.endsWith('.in-flight')), []);
    const byKey = new Map(refreshed.records.map((entry) => [entry.key, entry.record]));
    assert.equal(byKey.get('s/ok.qcow2')?.state, 'ready');
    assert.deepEqual(byKey.get('s/ok.qcow2')?.task, { status: 'finished', progress: 100 });
    assert.equal(byKey.get('s/broken.qcow2')?.state, 'error');
    assert.equal(byKey.get('s/broken.qcow2')?.task?.message, 'ImageCheckFailed: no bootable partition found');
    assert.equal(byKey.get('s/no-platform.qcow2')?.state, 'rejected');
    // The object's tags follow the record; the user's own tags stay.
    const tags = await stack.s3.send(new GetObjectTaggingCommand({ Bucket: stack.bucket, Key: 's/ok.qcow2' }));
    assert.deepEqual(Object.fromEntries((tags.TagSet ?? []).map((tag) => [tag.Key, tag.Value])), {
      'image-import-state': 'ready',
      'image-import-image-id': byKey.get('s/ok.qcow2')?.imageId,
    });
    // One imageTasks call (the emulator's page size is 10, so the tracker falls back from 100
    // once), one describeImages call for the finished image.
    assert.equal(refreshed.apiCalls, stack.emulator.counters.requests - calls);
    assert.ok((refreshed.apiCalls ?? 0) <= 3, `calls: ${refreshed.apiCalls}`);
    // Written back: a plain listing now shows the new states.
    const listed = await statusJson(env, [`s3://${stack.bucket}/s/`]);
    assert.equal(listed.records.find((entry) => entry.key === 's/ok.qcow2')?.record?.state, 'ready');
    // Nothing left to move: a second refresh changes nothing and asks JD nothing.
    const again = await statusJson(env, [`s3://${stack.bucket}/s/`, '--refresh']);
    assert.equal(again.changed, 0);
    assert.equal(again.apiCalls, 0);
  });

  it('--refresh that finds an import in error ends its pending copies and share in error too, as the follower does', async () => {
    const key = 'cancelled/broken.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2', 'share-with': 'jdpin-alice' } });
    const summary = await handleEvent({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key } } }] }, stack.deps);
    const taskId = summary.outcomes[0]?.outcome === 'submitted' ? summary.outcomes[0].taskId : '';
    stack.emulator.failTask(taskId, 'ImageCheckFailed: no bootable partition found');

    const { records } = await statusJson(env, [`s3://${stack.bucket}/cancelled/`, '--refresh']);
    const record = records[0]?.record;
    assert.deepEqual(
      { state: record?.state, message: record?.task?.message, copies: record?.copies, shares: record?.shares },
      {
        state: 'error',
        message: 'ImageCheckFailed: no bootable partition found',
        copies: [{ region: 'cn-east-2', state: 'error', message: 'Not copied: the import ended in error, so there is no image.' }],
        shares: { pins: ['jdpin-alice'], state: 'error', message: 'Not shared: the import ended in error, so there is no image.' },
      },
    );
  });

  it('prints a table on a terminal-less stdout, and asks for a bucket when none is configured', async () => {
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['status', `s3://${stack.bucket}/s/ok`], io), 0);
    const [header, row] = captured.out.trimEnd().split('\n');
    assert.match(header ?? '', /^KEY +STATE +IMAGE +PROGRESS +AGE +MESSAGE$/);
    assert.match(row ?? '', /^s\/ok\.qcow2 +ready +img-\w+ +100% +\d+s$/);
    const noBucket = captureIo(env);
    assert.equal(await runCli(['status'], noBucket.io), 2);
    assert.match(noBucket.captured.err, /Name the bucket: status s3:\/\/bucket\[\/prefix\] \(or set IMAGE_ALLOWED_BUCKETS to one bucket\)\./);
  });
});

describe('refreshing 500 records', () => {
  it('takes ⌈500/100⌉ imageTasks calls and one describeImages call per 100 finished imports where the API pages by 100', async () => {
    const emulator = await startVmEmulator({ credentials: [localOssCredentials], pageSizeRange: { min: 10, max: 100 } });
    const client = createJdCloudClient({ endpoint: emulator.url, service: 'vm', credentials: localOssCredentials });
    try {
      const now = new Date().toISOString();
      const records: StatusRecord[] = Array.from({ length: 500 }, (_, index) => {
        const seeded = emulator.seedTask({
          region: 'cn-north-1',
          status: index % 5 === 0 ? 'failed' : 'finished',
          // JD may echo the presigned URL it was given: the signature must not reach the record.
          message: index % 5 === 0 ? 'Download failed: https://b.s3-internal.cn-north-1.jdcloud-oss.com/k?X-Amz-Credential=AK123%2F20261128&X-Amz-Signature=0123abcd' : '',
        });
        return {
          version: 1,
          state: 'submitted',
          source: { region: 'cn-north-1', bucket: 'images', key: `k/${index}.qcow2`, etag: 'e' },
          imageId: seeded.imageId,
          taskId: seeded.taskId,
          createdAt: now,
          updatedAt: now,
        };
      });
      const tracker = jdcloudImportTracker(client);
      const changed = await refreshRecords(records, tracker, new Date());
      assert.equal(changed.length, 500);
      assert.equal(changed.filter((record) => record.state === 'ready').length, 400);
      const errors = changed.filter((record) => record.state === 'error');
      assert.equal(errors.length, 100);
      assert.equal(errors[0]?.task?.message, 'Download failed: https://b.s3-internal.cn-north-1.jdcloud-oss.com/k?X-Amz-Credential=REDACTED%2F20261128&X-Amz-Signature=REDACTED');
      assert.equal(tracker.calls(), 5 + 4); // 5 task pages; 400 finished images in 4 batches
    } finally {
      await client.close();
      await emulator.stop();
    }
  });
});
