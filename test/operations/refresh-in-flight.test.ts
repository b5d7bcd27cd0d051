import assert from 'node:assert/strict';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import { inFlightMarkerKey, statusObjectOf, statusRecordKey, type StatusRecord } from '../../src/domain/status/status-record.js';
import { createJdCloudClient, type JdCloudClient } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { staleMarkerGraceMs } from '../../src/use-cases/operations/in-flight-index.js';
import { jdcloudImportTracker } from '../../src/use-cases/operations/jdcloud-import-tracker.js';
import { refreshInFlight } from '../../src/use-cases/operations/refresh-in-flight.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { localOssClient, recordS3Requests } from '../../harness/s3-requests.js';

const statusPrefix = '.image-import/';

function event(stack: DevStack, keys: string[]) {
  return { Records: keys.map((key) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key } } })) };
}

async function putStatusObject(stack: DevStack, key: string, body: string): Promise<void> {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `${statusPrefix}${key}`, Body: body, ContentLength: Buffer.byteLength(body) }));
}

/** A record as an earlier run of the product left it. */
function record(stack: DevStack, key: string, fields: Partial<StatusRecord> & { state: StatusRecord['state'] }): string {
  const at = new Date(Date.now() - 3_600_000).toISOString();
  return JSON.stringify({ version: 1, source: { region: stack.region, bucket: stack.bucket, key }, createdAt: at, updatedAt: at, ...fields });
}

async function readRecord(stack: DevStack, key: string): Promise<StatusRecord> {
  const response = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: `${statusPrefix}${key}.json` }));
  return JSON.parse(await response.Body!.transformToString()) as StatusRecord;
}

async function hasMarker(stack: DevStack, key: string): Promise<boolean> {
  try {
    await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: `${statusPrefix}${key}.in-flight` }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'NotFound') return false;
    throw error;
  }
}

// The records this block writes stand for ones written long ago: its refreshes read no
// unmarked record by age (recentRecordWindowMs: 0); the next block tests that reading.
describe('the in-flight index: the scheduled refresh reads only marked records', () => {
  let stack: DevStack;
  let client: JdCloudClient;
  const oldReady = Array.from({ length: 30 }, (_, index) => `old/${index}.qcow2`);
  const marked = ['idx/a.qcow2', 'idx/b.qcow2', 'idx/broken.qcow2', 'idx/running.qcow2', 'idx/gone.qcow2', 'idx/rejected.qcow2', 'idx/garbage.qcow2'];

  before(async () => {
    stack = await startTestStack({ autoImport: false, taskStepMs: 20 });
    client = createJdCloudClient({ endpoint: stack.vmEndpoint, service: 'vm', credentials: localOssCredentials });
    const qcow2 = makeDiskImage('qcow2', '1G', ['cluster_size=4096']);
    for (const key of ['idx/a.qcow2', 'idx/b.qcow2', 'idx/broken.qcow2']) await upload(stack, key, qcow2, { metadata: { platform: 'Ubuntu' } });
    // Imported by the pipeline: record and marker. The failure goes to the import made alone.
    stack.emulator.failNextImport('ImageCheckFailed: no bootable partition found');
    assert.equal((await handleEvent(event(stack, ['idx/broken.qcow2']), stack.deps)).submitted, 1);
    assert.equal((await handleEvent(event(stack, ['idx/a.qcow2', 'idx/b.qcow2']), stack.deps)).submitted, 2);

    // An import JD is still running, with its marker.
    const running = stack.emulator.seedTask({ region: stack.region, status: 'running', progress: 40 });
    await putStatusObject(stack, 'idx/running.qcow2.json', record(stack, 'idx/running.qcow2', { state: 'submitted', ...running }));
    await putStatusObject(stack, 'idx/running.qcow2.in-flight', '');
    // Records from before the markers: 30 finished imports, and one still running.
    for (const key of oldReady) await putStatusObject(stack, `${key}.json`, record(stack, key, { state: 'ready', imageId: 'img-old', taskId: '1' }));
    const oldRunning = stack.emulator.seedTask({ region: stack.region, status: 'running', progress: 70 });
    await putStatusObject(stack, 'old/in-flight.qcow2.json', record(stack, 'old/in-flight.qcow2', { state: 'submitted', ...oldRunning }));
    // Stale markers: the record vanished, is not in flight, or cannot be read.
    await putStatusObject(stack, 'idx/gone.qcow2.in-flight', '');
    await putStatusObject(stack, 'idx/rejected.qcow2.json', record(stack, 'idx/rejected.qcow2', { state: 'rejected', problems: [] }));
    await putStatusObject(stack, 'idx/rejected.qcow2.in-flight', '');
    await putStatusObject(stack, 'idx/garbage.qcow2.json', 'not json');
    await putStatusObject(stack, 'idx/garbage.qcow2.in-flight', '');

    const imported = await Promise.all(['idx/a.qcow2', 'idx/b.qcow2', 'idx/broken.qcow2'].map((key) => readRecord(stack, key)));
    const taskIds = new Set(imported.map((stored) => stored.taskId));
    const deadline = Date.now() + 30_000;
    while (stack.emulator.tasks().some((task) => taskIds.has(String(task.taskId)) && (task.taskStatus === 'pending' || task.taskStatus === 'running'))) {
      assert.ok(Date.now() < deadline, 'the emulated tasks did not end in 30 s');
      await sleep(20);
    }
  });
  after(async () => {
    await client.close();
    await stack.stop();
  });

  it('lists once, GETs only the marked records, moves them, and removes the markers of final ones', async () => {
    for (const key of marked) assert.ok(await hasMarker(stack, key), key);
    const s3 = localOssClient(stack.ossEndpoint);
    const requests = recordS3Requests(s3);
    const tracker = jdcloudImportTracker(client);
    try {
      const result = await refreshInFlight(s3, { bucket: stack.bucket, statusPrefix }, { tracker, now: new Date(), recentRecordWindowMs: 0 });
      const moved = ['idx/a.qcow2', 'idx/b.qcow2', 'idx/broken.qcow2', 'idx/running.qcow2'];
      const finalNow = ['idx/a.qcow2', 'idx/b.qcow2', 'idx/broken.qcow2'];
      // One GET per marker, one more for each record that moved (just before it is written back)
      // and one for each marker deleted (just after, in case a new upload of the key came in).
      const gets = requests.filter((request) => request.operation === 'GetObject').map((request) => request.key);
      assert.deepEqual(gets.sort(), [...marked, ...moved, ...finalNow].map((key) => `${statusPrefix}${key}.json`).sort());
      assert.equal(requests.filter((request) => request.operation === 'ListObjectsV2').length, 1);
      assert.deepEqual(result, {
        records: 3 + 1 + oldReady.length + 1 + 2,
        markers: marked.length,
        recentUnmarked: 0,
        reads: gets.length,
        changed: 4,
        unreadable: 2,
        markersWritten: 0,
        markersDeleted: 3,
        markersRestored: 0,
        markerFailures: [],
      });
      assert.ok(tracker.calls() <= 3, `calls: ${tracker.calls()}`);
    } finally {
      s3.destroy();
    }
    assert.equal((await readRecord(stack, 'idx/a.qcow2')).state, 'ready');
    assert.equal((await readRecord(stack, 'idx/b.qcow2')).state, 'ready');
    const broken = await readRecord(stack, 'idx/broken.qcow2');
    assert.equal(broken.state, 'error');
    assert.equal(broken.task?.message, 'ImageCheckFailed: no bootable partition found');
    assert.deepEqual((await readRecord(stack, 'idx/running.qcow2')).task, { status: 'running', progress: 40 });
    assert.equal((await readRecord(stack, 'idx/running.qcow2')).state, 'importing');
    // Unmarked: not read, not moved.
    assert.equal((await readRecord(stack, 'old/in-flight.qcow2')).state, 'submitted');
    assert.deepEqual(
      await Promise.all(marked.map(async (key) => [key, await hasMarker(stack, key)])),
      [
        ['idx/a.qcow2', false],
        ['idx/b.qcow2', false],
        ['idx/broken.qcow2', false],
        ['idx/running.qcow2', true],
        // Stale, but younger than the grace period: the pipeline may be writing their record now.
        ['idx/gone.qcow2', true],
        ['idx/rejected.qcow2', true],
        ['idx/garbage.qcow2', true],
      ],
    );
  });

  it('removes stale markers once they are older than the grace period, and leaves their records alone', async () => {
    const s3 = localOssClient(stack.ossEndpoint);
    const requests = recordS3Requests(s3);
    try {
      const later = new Date(Date.now() + staleMarkerGraceMs + 1000);
      const result = await refreshInFlight(s3, { bucket: stack.bucket, statusPrefix }, { tracker: jdcloudImportTracker(client), now: later, recentRecordWindowMs: 0 });
      assert.deepEqual(
        { ...result },
        { records: 37, markers: 4, recentUnmarked: 0, reads: 4 + 3, changed: 0, unreadable: 2, markersWritten: 0, markersDeleted: 3, markersRestored: 0, markerFailures: [] },
      );
      assert.deepEqual(requests.filter((request) => request.operation === 'DeleteObject').map((request) => request.key).sort(), [
        `${statusPrefix}idx/garbage.qcow2.in-flight`,
        `${statusPrefix}idx/gone.qcow2.in-flight`,
        `${statusPrefix}idx/rejected.qcow2.in-flight`,
      ]);
      assert.deepEqual(requests.filter((request) => request.operation === 'PutObject'), []);
    } finally {
      s3.destroy();
    }
    assert.equal((await readRecord(stack, 'idx/rejected.qcow2')).state, 'rejected');
    assert.deepEqual(
      await Promise.all(['idx/running.qcow2', 'idx/gone.qcow2', 'idx/rejected.qcow2', 'idx/garbage.qcow2'].map((key) => hasMarker(stack, key))),
      [true, false, false, false],
    );
  });

  it('status --refresh (the full scan) marks an in-flight record written before the markers, so the index finds it', async () => {
    const { io, captured } = captureIo(stackEnv(stack));
    assert.equal(await runCli(['status', `s3://${stack.bucket}/`, '--refresh', '--json'], io), 0, captured.err);
    const printed = JSON.parse(captured.out) as { records: Array<{ key: string }>; inFlightMarkers: unknown };
    assert.deepEqual(printed.inFlightMarkers, { written: 1, deleted: 0, restored: 0, failed: [] });
    // Every record, and nothing else, is listed: markers are not records.
    assert.equal(printed.records.length, 37);
    assert.ok(printed.records.every((entry) => !entry.key.endsWith('.in-flight')));
    assert.ok(await hasMarker(stack, 'old/in-flight.qcow2'));

    const s3 = localOssClient(stack.ossEndpoint);
    const requests = recordS3Requests(s3);
    try {
      const result = await refreshInFlight(s3, { bucket: stack.bucket, statusPrefix }, { tracker: jdcloudImportTracker(client), now: new Date(), recentRecordWindowMs: 0 });
      assert.deepEqual({ markers: result.markers, reads: result.reads }, { markers: 2, reads: 2 });
      assert.deepEqual(requests.filter((request) => request.operation === 'GetObject').map((request) => request.key).sort(), [
        `${statusPrefix}idx/running.qcow2.json`,
        `${statusPrefix}old/in-flight.qcow2.json`,
      ]);
    } finally {
      s3.destroy();
    }
    // The full scan moved it along too; the marker stays while JD is still importing.
    const migrated = await readRecord(stack, 'old/in-flight.qcow2');
    assert.equal(migrated.state, 'importing');
    assert.deepEqual(migrated.task, { status: 'running', progress: 70 });
    assert.ok(await hasMarker(stack, 'old/in-flight.qcow2'));
  });
});

describe('the in-flight index: a marker that goes missing is found again', () => {
  let stack: DevStack;
  let client: JdCloudClient;

  before(async () => {
    stack = await startTestStack({ autoImport: false, taskStepMs: 20 });
    client = createJdCloudClient({ endpoint: stack.vmEndpoint, service: 'vm', credentials: localOssCredentials });
  });
  after(async () => {
    await client.close();
    await stack.stop();
  });

  it('puts back the marker of a new upload that lands while the refresh finishes the previous import of the key', async () => {
    // The previous import: JD says its task failed, so the refresh writes its final record and
    // deletes its marker.
    const failed = stack.emulator.seedTask({ region: stack.region, status: 'failed', message: 'ImageCheckFailed: no bootable partition found' });
    await putStatusObject(stack, 'race/x.qcow2.json', record(stack, 'race/x.qcow2', { state: 'submitted', ...failed }));
    await putStatusObject(stack, 'race/x.qcow2.in-flight', '');
    // The new upload's import, submitted as the pipeline submits it: record and marker together,
    // landing just after the refresh wrote the old import's final record.
    const running = stack.emulator.seedTask({ region: stack.region, status: 'running', progress: 10 });
    const fresh = new Date().toISOString();
    const newRecord = JSON.stringify({ version: 1, source: { region: stack.region, bucket: stack.bucket, key: 'race/x.qcow2' }, state: 'submitted', ...running, createdAt: fresh, updatedAt: fresh });
    const s3 = localOssClient(stack.ossEndpoint);
    let landed = false;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (!landed && context.commandName === 'PutObjectCommand' && (args.input as { Key?: string }).Key === `${statusPrefix}race/x.qcow2.json`) {
          landed = true;
          await Promise.all([putStatusObject(stack, 'race/x.qcow2.json', newRecord), putStatusObject(stack, 'race/x.qcow2.in-flight', '')]);
        }
        return result;
      },
      { step: 'initialize', name: 'newUploadLands' },
    );
    try {
      const result = await refreshInFlight(s3, { bucket: stack.bucket, statusPrefix }, { tracker: jdcloudImportTracker(client), now: new Date(), recentRecordWindowMs: 0 });
      assert.ok(landed, 'the refresh wrote the final record of the previous import');
      assert.deepEqual({ deleted: result.markersDeleted, restored: result.markersRestored }, { deleted: 0, restored: 1 });
    } finally {
      s3.destroy();
    }
    assert.ok(await hasMarker(stack, 'race/x.qcow2'), 'the new import keeps its marker');
    assert.equal((await readRecord(stack, 'race/x.qcow2')).taskId, running.taskId);

    // So the next scheduled run finds it by its marker alone and moves it along.
    const next = await refreshInFlight(localOssClient(stack.ossEndpoint), { bucket: stack.bucket, statusPrefix }, { tracker: jdcloudImportTracker(client), now: new Date(), recentRecordWindowMs: 0 });
    assert.equal(next.changed, 1);
    assert.deepEqual((await readRecord(stack, 'race/x.qcow2')).task, { status: 'running', progress: 10 });
  });

  it('reads an unmarked in-flight record written within the hour, and marks it; an older one is left to status --refresh', async () => {
    const running = stack.emulator.seedTask({ region: stack.region, status: 'running', progress: 30 });
    // An import whose marker PUT was refused: its record alone.
    await putStatusObject(stack, 'lost/y.qcow2.json', record(stack, 'lost/y.qcow2', { state: 'submitted', ...running }));
    const lostRecordKey = `${statusPrefix}lost/y.qcow2.json`;

    const twoHoursOn = new Date(Date.now() + 2 * 3_600_000);
    const s3 = localOssClient(stack.ossEndpoint);
    const requests = recordS3Requests(s3);
    try {
      const later = await refreshInFlight(s3, { bucket: stack.bucket, statusPrefix }, { tracker: jdcloudImportTracker(client), now: twoHoursOn });
      assert.ok(!requests.some((request) => request.key === lostRecordKey), 'a record written over an hour before is not read');
      assert.equal(later.markersWritten, 0);

      requests.length = 0;
      const now = await refreshInFlight(s3, { bucket: stack.bucket, statusPrefix }, { tracker: jdcloudImportTracker(client), now: new Date() });
      assert.ok(requests.some((request) => request.operation === 'GetObject' && request.key === lostRecordKey));
      assert.ok(now.recentUnmarked >= 1);
      assert.equal(now.markersWritten, 1);
    } finally {
      s3.destroy();
    }
    assert.ok(await hasMarker(stack, 'lost/y.qcow2'));
    assert.equal((await readRecord(stack, 'lost/y.qcow2')).state, 'importing');
  });
});

describe('statusObjectOf', () => {
  it('tells records from markers by their ending, whatever the image key', () => {
    assert.deepEqual(statusObjectOf(statusPrefix, '.image-import/a.qcow2.json'), { kind: 'record', key: 'a.qcow2' });
    assert.deepEqual(statusObjectOf(statusPrefix, '.image-import/a.qcow2.in-flight'), { kind: 'in-flight', key: 'a.qcow2' });
    assert.deepEqual(statusObjectOf(statusPrefix, '.image-import/odd.in-flight.json'), { kind: 'record', key: 'odd.in-flight' });
    assert.deepEqual(statusObjectOf(statusPrefix, '.image-import/odd.json.in-flight'), { kind: 'in-flight', key: 'odd.json' });
    assert.equal(statusObjectOf(statusPrefix, '.image-import/notes.txt'), undefined);
    assert.equal(statusObjectOf(statusPrefix, 'elsewhere/a.qcow2.json'), undefined);
    fc.assert(
      fc.property(fc.string(), (key) => {
        assert.deepEqual(statusObjectOf(statusPrefix, statusRecordKey(statusPrefix, key)), { kind: 'record', key });
        assert.deepEqual(statusObjectOf(statusPrefix, inFlightMarkerKey(statusPrefix, key)), { kind: 'in-flight', key });
      }),
    );
  });
});
