// Issue 12, item 6: the function imports in its configured region (JDCLOUD_REGION), never in
// a region an event names. JD imports only from a same-region internal URL (docs/reference/jdcloud-api.md §2.2).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { localOssClient, recordS3Requests } from '../../harness/s3-requests.js';
import { readStatusRecordOf } from './stack-records.js';

const readRecord = readStatusRecordOf;

/** An S3-style callback record (JD OSS, MinIO, RGW) naming `awsRegion`, or none when undefined. */
function callback(stack: DevStack, key: string, awsRegion: string | undefined) {
  return {
    eventSource: 'oss',
    ...(awsRegion !== undefined ? { awsRegion } : {}),
    eventName: 's3:ObjectCreated:Put',
    s3: { bucket: { name: stack.bucket }, object: { key } },
  };
}

describe('the region an upload is imported in', () => {
  let stack: DevStack;
  let qcow2: Buffer;
  const ubuntu = { platform: 'Ubuntu' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    qcow2 = makeDiskImage('qcow2', '1G');
  });
  after(async () => stack.stop());

  it('is the configured one for no region, RGW\'s empty one, MinIO\'s us-east-1 and the configured one named', async () => {
    const cases: Array<[string, string | undefined]> = [
      ['region/none.qcow2', undefined],
      ['region/rgw.qcow2', ''],
      ['region/minio.qcow2', 'us-east-1'],
      ['region/same.qcow2', 'cn-north-1'],
    ];
    for (const [key] of cases) await upload(stack, key, qcow2, { metadata: ubuntu });
    const summary = await handleEvent({ Records: cases.map(([key, region]) => callback(stack, key, region)) }, stack.deps);
    assert.deepEqual(
      summary.outcomes.map((outcome) => [outcome.key, outcome.outcome, outcome.region]),
      cases.map(([key]) => [key, 'submitted', 'cn-north-1']),
    );
    assert.deepEqual(stack.emulator.tasks().map((task) => task.region), ['cn-north-1', 'cn-north-1', 'cn-north-1', 'cn-north-1']);
    for (const [key] of cases) assert.equal((await readRecord(stack, key)).source.region, 'cn-north-1');
  });

  it('rejects a record naming another JD region, in a record naming both, and imports nothing anywhere', async () => {
    await upload(stack, 'region/east.qcow2', qcow2, { metadata: ubuntu });
    await upload(stack, 'region/function-east.qcow2', qcow2, { metadata: ubuntu });
    const calls = stack.emulator.counters.requests;
    const functionRecord = { region: 'cn-east-2', detail: { eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 'region/function-east.qcow2' } } } };
    const summary = await handleEvent({ Records: [callback(stack, 'region/east.qcow2', 'cn-east-2'), functionRecord] }, stack.deps);

    assert.equal(summary.rejected, 2);
    assert.equal(summary.transientFailures, 0);
    assert.equal(stack.emulator.counters.requests, calls);
    assert.deepEqual(stack.emulator.tasks('cn-east-2'), []);
    for (const key of ['region/east.qcow2', 'region/function-east.qcow2']) {
      const record = await readRecord(stack, key);
      assert.equal(record.state, 'rejected');
      assert.deepEqual(record.problems, [
        {
          code: 'region-mismatch',
          field: 'region',
          value: 'cn-east-2',
          message:
            'The event names region cn-east-2, but this function imports in cn-north-1 (JDCLOUD_REGION): JD Cloud imports only from an internal OSS address of its own region. ' +
            'Send events for this bucket to a function deployed in cn-east-2, or upload the image to a bucket in cn-north-1.',
        },
      ]);
    }
  });

  it('keeps the record of an import JD has when a later record names another region', async () => {
    await upload(stack, 'region/imported.qcow2', qcow2, { metadata: ubuntu });
    assert.equal((await handleEvent({ Records: [callback(stack, 'region/imported.qcow2', 'cn-north-1')] }, stack.deps)).submitted, 1);
    const imported = await readRecord(stack, 'region/imported.qcow2');
    const stranger = await handleEvent({ Records: [callback(stack, 'region/imported.qcow2', 'cn-south-1')] }, stack.deps);
    assert.deepEqual(stranger.outcomes.map((outcome) => outcome.outcome), ['rejected']);
    assert.deepEqual(await readRecord(stack, 'region/imported.qcow2'), imported);
  });

  it('reads no byte of an object whose record names another region: only its status record', async () => {
    await upload(stack, 'region/unread.qcow2', qcow2, { metadata: ubuntu });
    const s3 = localOssClient(stack.ossEndpoint);
    const requests = recordS3Requests(s3);
    try {
      const summary = await handleEvent({ Records: [callback(stack, 'region/unread.qcow2', 'cn-east-1')] }, { ...stack.deps, s3 });
      assert.equal(summary.outcomes[0]?.outcome, 'rejected');
    } finally {
      s3.destroy();
    }
    assert.deepEqual(requests, [
      { operation: 'GetObject', key: '.image-import/region/unread.qcow2.json' },
      { operation: 'PutObject', key: '.image-import/region/unread.qcow2.json' },
    ]);
    const record = await readRecord(stack, 'region/unread.qcow2');
    assert.deepEqual(record.source, { region: 'cn-north-1', bucket: stack.bucket, key: 'region/unread.qcow2' });
  });
});
