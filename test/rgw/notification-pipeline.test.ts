// The whole product on a real S3 implementation: an upload to Ceph RGW → RGW's bucket
// notification (HTTP push topic, persistent=false) → the serve endpoint → the pipeline →
// the VM API emulator → the status record written back to RGW.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, it, type TestContext } from 'node:test';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { pino } from 'pino';
import type { EventSummary } from '../../src/use-cases/importing/handle-event.js';
import { createPipelineDeps } from '../../src/use-cases/importing/pipeline-deps.js';
import { statusRecordSchema, type StatusRecord } from '../../src/domain/status/status-record.js';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { isNotFound } from '../../src/adapters/oss/object-store-error.js';
import { startNotificationServer, type NotificationServer } from '../../src/edges/serve/notification-server.js';
import { pipelineImportsNothing, pipelineNotificationHandler, type PipelineNotificationOutcome } from '../../src/edges/serve/pipeline-notification-handler.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import {
  cleanUp,
  createBucket,
  createPushTopic,
  deleteBucket,
  deletePrefix,
  deleteTopic,
  notifyTopic,
  rgwS3,
  rgwSns,
  uniqueName,
  uploadInParts,
  type RgwEndpoint,
} from '../../harness/rgw-support.js';
import { describeWithRgw } from '../../harness/describe-with-rgw.js';

const region = 'cn-north-1';
const statusPrefix = '.image-import/';
const ubuntuMetadata = { platform: 'Ubuntu', 'os-version': '22.04' };

/** Polls until `check` returns a value; the deadline only turns a hang into a clear failure. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, deadlineMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > deadlineMs) throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function readRecord(s3: S3Client, bucket: string, key: string): Promise<StatusRecord | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${statusPrefix}${key}.json` }));
    return statusRecordSchema.parse(JSON.parse(await response.Body!.transformToString('utf8')));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function tagging(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

interface Delivery {
  event: { Records?: Array<{ eventName?: string; eventSource?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } }> };
  summary: EventSummary;
}

function pipelineEnv(rgw: RgwEndpoint, emulator: VmEmulator, allowedBuckets: string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // One key pair serves OSS (RGW) and the OpenAPI (the emulator), as one JD access key does.
  return {
    JDCLOUD_ACCESS_KEY_ID: rgw.accessKeyId,
    JDCLOUD_SECRET_ACCESS_KEY: rgw.secretAccessKey,
    JDCLOUD_REGION: region,
    JDCLOUD_VM_ENDPOINT: emulator.url,
    OSS_ENDPOINT: rgw.endpoint,
    IMAGE_STATUS_PREFIX: statusPrefix,
    IMAGE_ALLOWED_BUCKETS: allowedBuckets.join(','),
    ...extra,
  };
}

await describeWithRgw('RGW: upload → bucket notification → serve → pipeline → VM API emulator → status record', (rgw) => {
  const token = randomBytes(24).toString('hex');
  const logLines: string[] = [];
  const deliveries: Delivery[] = [];
  let s3: S3Client;
  let sns: SNSClient;
  let bucket: string;
  let otherBucket: string;
  let batchBucket: string;
  let emulator: VmEmulator;
  let deps: ReturnType<typeof createPipelineDeps>;
  let server: NotificationServer;
  const topics: string[] = [];

  const deliveriesFor = (key: string) => deliveries.filter((delivery) => delivery.event.Records?.some((record) => record.s3?.object?.key === key));

  before(async () => {
    s3 = rgwS3(rgw);
    sns = rgwSns(rgw);
    [bucket, otherBucket, batchBucket] = await Promise.all([createBucket(s3, 'pipeline'), createBucket(s3, 'other'), createBucket(s3, 'batch')]);
    emulator = await startVmEmulator({ credentials: [{ accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey }], taskStepMs: 20 });
    const logger = pino({ level: 'info', base: null }, { write: (line: string) => logLines.push(line) });
    deps = createPipelineDeps(pipelineEnv(rgw, emulator, [bucket, batchBucket]), { logger });
    const pipeline = pipelineNotificationHandler(deps);
    server = await startNotificationServer({
      token,
      log: logger,
      importsNothing: pipelineImportsNothing(deps.config),
      handleNotification: async (event) => {
        const outcome = (await pipeline(event)) as PipelineNotificationOutcome;
        deliveries.push({ event: event as Delivery['event'], summary: outcome.summary });
        return outcome;
      },
    });
    // The token rides in the URL: an RGW topic cannot send headers.
    const topic = await createPushTopic(sns, uniqueName('image-import'), `${server.notificationUrl}?token=${token}`);
    topics.push(topic);
    // No key filter: our own status records notify too, and must be skipped without deadlock.
    await notifyTopic(s3, bucket, topic);
    await notifyTopic(s3, otherBucket, topic);
  });

  after(() =>
    cleanUp(
      ...topics.map((topic) => () => deleteTopic(sns, topic)),
      ...[bucket, otherBucket, batchBucket].map((name) => () => deleteBucket(s3, name)),
      () => server?.stop(),
      () => deps?.close(),
      () => emulator?.stop(),
      () => s3?.destroy(),
      () => sns?.destroy(),
    ),
  );

  /**
   * The test's uploads and their status records (and in-flight markers) are deleted when it ends,
   * passed or failed: the gateway's store is 2 GiB of RAM, shared by every suite and run.
   */
  const removedAfter = (t: TestContext, inBucket: () => string, keys: readonly string[]) =>
    t.after(() => cleanUp(...keys.flatMap((key) => [() => deletePrefix(s3, inBucket(), key), () => deletePrefix(s3, inBucket(), `${statusPrefix}${key}`)])));

  const images = [
    { format: 'qcow2', tool: 'qcow2', size: '1G', key: 'incoming/Ubuntu 22.04+LTS 测试.qcow2' },
    { format: 'vhd', tool: 'vpc', size: '1G', key: 'incoming/ubuntu-22.04.vhd' },
    { format: 'vmdk', tool: 'vmdk', size: '1G', key: 'incoming/ubuntu 22.04.vmdk' },
    { format: 'raw', tool: 'raw', size: '2M', key: 'incoming/ubuntu-22.04.raw' },
  ] as const;

  for (const image of images) {
    it(`imports a ${image.format} image made by qemu-img, announced by RGW, and records it in RGW`, async (t) => {
      removedAfter(t, () => bucket, [image.key]);
      const body = makeDiskImage(image.tool, image.size);
      const imagesBefore = emulator.counters.imagesCreated;
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: image.key,
          Body: body,
          Metadata: ubuntuMetadata,
          Tagging: tagging({ architecture: 'x86_64' }),
        }),
      );
      // persistent=false: RGW answered the PUT only after serve answered, and serve answers
      // only after the status record is written — so the record is there now.
      const record = await readRecord(s3, bucket, image.key);
      assert.ok(record !== undefined, `no status record for ${image.key} right after the upload`);
      assert.equal(record.state, 'submitted');
      assert.deepEqual(record.source, { region, bucket, key: image.key, etag: put.ETag?.replace(/"/g, ''), size: body.length });
      const request = record.request as Record<string, unknown>;
      assert.equal(request['diskFormat'], image.format);
      assert.equal(request['platform'], 'Ubuntu');
      assert.equal(request['osVersion'], '22.04');
      assert.equal(request['architecture'], 'x86_64');
      assert.equal(request['systemDiskSizeGB'], 40);
      assert.equal(emulator.counters.imagesCreated, imagesBefore + 1);
      const task = emulator.tasks(region).find((candidate) => String(candidate.taskId) === record.taskId);
      assert.ok(task !== undefined, `the emulator has no task ${record.taskId}`);
      assert.equal(task.imageId, record.imageId);

      // What RGW sent: its own record shape, the raw (unencoded) key, no s3: prefix.
      const [delivery] = deliveriesFor(image.key);
      assert.ok(delivery !== undefined);
      assert.equal(delivery.event.Records?.length, 1);
      const sent = delivery.event.Records?.[0];
      assert.equal(sent?.eventName, 'ObjectCreated:Put');
      assert.equal(sent?.eventSource, 'ceph:s3');
      assert.equal(delivery.summary.submitted, 1);

      // The status record's own notification reached serve and was skipped, not imported.
      const recordDeliveries = await waitFor(`the notification for ${statusPrefix}${image.key}.json`, () => {
        const found = deliveriesFor(`${statusPrefix}${image.key}.json`);
        return found.length > 0 ? found : undefined;
      });
      for (const skipped of recordDeliveries) {
        assert.equal(skipped.summary.submitted, 0);
        assert.deepEqual(skipped.summary.skipped.map((entry) => entry.reason), [`key is under the status prefix ${statusPrefix}`]);
      }
    });
  }

  it('imports a multipart upload announced as ObjectCreated:CompleteMultipartUpload', async (t) => {
    const key = 'incoming/multipart/rocky-9.qcow2';
    removedAfter(t, () => bucket, [key]);
    // preallocation=full makes a qcow2 larger than one 5 MiB part (S3's smallest).
    const body = makeDiskImage('qcow2', '6M', ['preallocation=full']);
    const partSize = 5 * 1024 * 1024;
    const parts = [body.subarray(0, partSize), body.subarray(partSize)];
    await uploadInParts(s3, { Bucket: bucket, Key: key, Metadata: { platform: 'Rocky Linux', 'os-version': '9.4', architecture: 'x86_64' } }, parts);
    const record = await waitFor(`the status record of ${key}`, () => readRecord(s3, bucket, key));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(record.state, 'submitted');
    assert.equal(record.source.etag, head.ETag?.replace(/"/g, ''));
    assert.match(record.source.etag ?? '', /^[0-9a-f]{32}-2$/);
    assert.equal((record.request as Record<string, unknown>)['platform'], 'Rocky Linux');
    assert.equal((record.request as Record<string, unknown>)['diskFormat'], 'qcow2');
    const names = deliveriesFor(key).flatMap((delivery) => delivery.event.Records?.map((sent) => sent.eventName) ?? []);
    assert.deepEqual(names, ['ObjectCreated:CompleteMultipartUpload']);
  });

  it('acknowledges a notification for a bucket that is not allowed, and imports nothing from it', async (t) => {
    const imagesBefore = emulator.counters.imagesCreated;
    const key = 'incoming/elsewhere.qcow2';
    removedAfter(t, () => otherBucket, [key]);
    await s3.send(new PutObjectCommand({ Bucket: otherBucket, Key: key, Body: makeDiskImage('qcow2', '1G'), Metadata: ubuntuMetadata }));
    const [delivery] = await waitFor('the other bucket notification', () => {
      const found = deliveriesFor(key);
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(delivery?.summary.skipped, [
      { index: 0, reason: `bucket ${otherBucket} is not in the allowed buckets (${bucket}, ${batchBucket})`, bucket: otherBucket, key },
    ]);
    assert.equal(await readRecord(s3, otherBucket, key), undefined);
    assert.equal(emulator.counters.imagesCreated, imagesBefore);
  });

  it('refuses a topic that carries the wrong token (401): the upload still succeeds, nothing imports', async (t) => {
    const wrongBucket = await createBucket(s3, 'wrong-token');
    t.after(() => deleteBucket(s3, wrongBucket));
    const topic = await createPushTopic(sns, uniqueName('wrong-token'), `${server.notificationUrl}?token=${'0'.repeat(48)}`);
    t.after(() => deleteTopic(sns, topic));
    await notifyTopic(s3, wrongBucket, topic);
    const refusedBefore = server.counters.refused;
    const imagesBefore = emulator.counters.imagesCreated;
    await s3.send(new PutObjectCommand({ Bucket: wrongBucket, Key: 'disk.qcow2', Body: makeDiskImage('qcow2', '1G') }));
    await waitFor('the refused delivery', () => (server.counters.refused > refusedBefore ? true : undefined));
    assert.equal(emulator.counters.imagesCreated, imagesBefore);
    assert.equal(await readRecord(s3, wrongBucket, 'disk.qcow2'), undefined);
    assert.ok(logLines.some((line) => line.includes('"status":401')));
    for (const line of logLines) assert.ok(!line.includes(token), 'a log line holds the token');
  });

  it('imports the good records of a batch that also holds malformed ones, and logs the bad ones', async (t) => {
    const template = deliveries.find((delivery) => delivery.summary.submitted === 1)?.event.Records?.[0];
    assert.ok(template !== undefined, 'no RGW record captured to copy');
    const key = 'incoming/batch-good.qcow2';
    removedAfter(t, () => batchBucket, [key]);
    await s3.send(new PutObjectCommand({ Bucket: batchBucket, Key: key, Body: makeDiskImage('qcow2', '1G'), Metadata: ubuntuMetadata }));
    const good = structuredClone(template) as Record<string, unknown> & { s3: { bucket: { name: string }; object: { key: string } } };
    good.s3.bucket.name = batchBucket;
    good.s3.object.key = key;
    const malformed = { eventName: 'ObjectCreated:Put', s3: { bucket: {} } };
    const response = await fetch(server.notificationUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Records: [malformed, good, 'not even an object'] }),
    });
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { status: string; outcome: { summary: EventSummary } };
    assert.equal(answer.status, 'recorded');
    assert.equal(answer.outcome.summary.submitted, 1);
    assert.deepEqual(answer.outcome.summary.invalid.map((bad) => bad.index), [0, 2]);
    assert.equal((await readRecord(s3, batchBucket, key))?.state, 'submitted');
    const notUnderstood = logLines.filter((line) => line.includes('record not understood'));
    assert.ok(notUnderstood.length >= 2, `expected the two bad records in the log, got ${notUnderstood.length}`);
  });

  it('imports objects announced in the JD OSS callback shape (after its verification handshake) and the MinIO shape', async (t) => {
    const jdKey = 'incoming/jd-callback.qcow2';
    const minioKey = 'incoming/minio event.vhd';
    removedAfter(t, () => batchBucket, [jdKey, minioKey]);
    await s3.send(new PutObjectCommand({ Bucket: batchBucket, Key: jdKey, Body: makeDiskImage('qcow2', '1G'), Metadata: ubuntuMetadata }));
    await s3.send(new PutObjectCommand({ Bucket: batchBucket, Key: minioKey, Body: makeDiskImage('vpc', '1G'), Metadata: ubuntuMetadata }));
    const url = `${server.notificationUrl}?token=${token}`;

    // JD OSS verifies the URL when the notification is configured: base64 of the body back.
    const handshake = await fetch(url, { method: 'POST', headers: { 'x-jdcloud-message-type': 'SubscriptionConfirmation' }, body: 'jd-verify-1234' });
    assert.equal(handshake.status, 200);
    assert.equal(await handshake.text(), Buffer.from('jd-verify-1234').toString('base64'));

    // docs/reference/jdcloud-api.md §4.5.2: eventSource "oss", an RFC 1123 eventTime, no size.
    const jdCallback = {
      Records: [
        {
          eventVersion: '1.0',
          eventSource: 'oss',
          awsRegion: region,
          eventTime: 'Mon, 06 Aug 2018 10:19:51 GMT',
          eventName: 's3:ObjectCreated:Put',
          userIdentity: { principalId: '104064078905' },
          requestParameters: { sourceIPAddress: '10.0.0.1' },
          responseElements: { 'x-amz-request-id': 'B3165BF6148041A9' },
          s3: { s3SchemaVersion: '1.0', configurationId: 'image-import', bucket: { name: batchBucket, ownerIdentity: { principalId: '104064078905' } }, object: { key: jdKey, eTag: '' } },
          callBackVar: { callBackVars: {} },
        },
      ],
    };
    const jd = await fetch(url, { method: 'POST', headers: { 'x-jdcloud-message-type': 'Notification' }, body: JSON.stringify(jdCallback) });
    assert.equal(jd.status, 200);
    assert.equal((await readRecord(s3, batchBucket, jdKey))?.state, 'submitted');

    // MinIO wraps S3 records with EventName and Key (bucket/key).
    const template = deliveries.find((delivery) => delivery.summary.submitted === 1)?.event.Records?.[0];
    const minioRecord = structuredClone(template) as Record<string, unknown> & { s3: { bucket: { name: string }; object: { key: string } } };
    minioRecord['eventSource'] = 'minio:s3';
    minioRecord.s3.bucket.name = batchBucket;
    minioRecord.s3.object.key = minioKey;
    const minio = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ EventName: 's3:ObjectCreated:Put', Key: `${batchBucket}/${minioKey}`, Records: [minioRecord] }),
    });
    assert.equal(minio.status, 200);
    const record = await readRecord(s3, batchBucket, minioKey);
    assert.equal(record?.state, 'submitted');
    assert.equal((record?.request as Record<string, unknown> | undefined)?.['diskFormat'], 'vhd');
  });

  it('answers 503 while the VM API stays unavailable, so the sender retries; the retry imports once', async (t) => {
    const key = 'incoming/vm-api-down.qcow2';
    removedAfter(t, () => batchBucket, [key]);
    await s3.send(new PutObjectCommand({ Bucket: batchBucket, Key: key, Body: makeDiskImage('qcow2', '1G'), Metadata: ubuntuMetadata }));
    const template = deliveries.find((delivery) => delivery.summary.submitted === 1)?.event.Records?.[0];
    const record = structuredClone(template) as Record<string, unknown> & { s3: { bucket: { name: string }; object: { key: string } } };
    record.s3.bucket.name = batchBucket;
    record.s3.object.key = key;
    const notification = JSON.stringify({ Records: [record] });
    const imagesBefore = emulator.counters.imagesCreated;
    // More 503s than the client's attempts: the failure outlasts the pipeline's own retries.
    emulator.injectFault({ kind: 'status', status: 503, operation: 'importImage', count: 10 });
    try {
      const first = await fetch(`${server.notificationUrl}?token=${token}`, { method: 'POST', body: notification });
      assert.equal(first.status, 503);
      assert.equal(first.headers.get('retry-after'), '5');
      const answer = (await first.json()) as { status: string; outcome: { summary: EventSummary } };
      assert.equal(answer.status, 'retry');
      assert.equal(answer.outcome.summary.transientFailures, 1);
      const failed = await readRecord(s3, batchBucket, key);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.error?.retryable, true);
    } finally {
      emulator.clearFaults();
    }
    const retry = await fetch(`${server.notificationUrl}?token=${token}`, { method: 'POST', body: notification });
    assert.equal(retry.status, 200);
    assert.equal((await readRecord(s3, batchBucket, key))?.state, 'submitted');
    assert.equal(emulator.counters.imagesCreated, imagesBefore + 1);
  });

  it('loses and doubles nothing when the receiver (the serve command) dies mid-batch and the sender retries', async (t) => {
    const keys = ['incoming/restart-1.qcow2', 'incoming/restart-2.vmdk', 'incoming/restart-3.raw'];
    removedAfter(t, () => batchBucket, keys);
    const bodies = [makeDiskImage('qcow2', '1G'), makeDiskImage('vmdk', '1G'), makeDiskImage('raw', '2M')];
    // The batch bucket has no notification: this test is the sender.
    await Promise.all(
      keys.map((key, index) => s3.send(new PutObjectCommand({ Bucket: batchBucket, Key: key, Body: bodies[index]!, Metadata: ubuntuMetadata }))),
    );
    const template = deliveries.find((delivery) => delivery.summary.submitted === 1)?.event.Records?.[0];
    assert.ok(template !== undefined);
    const batch = {
      Records: keys.map((key) => {
        const record = structuredClone(template) as Record<string, unknown> & { s3: { bucket: { name: string }; object: { key: string } } };
        record.s3.bucket.name = batchBucket;
        record.s3.object.key = key;
        return record;
      }),
    };
    const env = { ...process.env, ...pipelineEnv(rgw, emulator, [batchBucket], { NOTIFY_TOKEN: token, IMAGE_IMPORT_CONCURRENCY: '1', LOG_LEVEL: 'info' }) };
    const imagesBefore = emulator.counters.imagesCreated;
    const importsBefore = emulator.counters.requestsByOperation.importImage;

    // The second import takes effect in the VM API, but only after the receiver is gone:
    // the worst case, an image made and no status record written.
    // Faults apply in order: the first import goes through, the second is held.
    emulator.injectFault({ kind: 'delay', ms: 0, operation: 'importImage', count: 1 });
    emulator.injectFault({ kind: 'delay', ms: 1500, operation: 'importImage', count: 1 });

    const first = await startServeProcess(env);
    try {
      const delivery = fetch(first.notificationUrl, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(batch) });
      await waitFor('the first record to be recorded and the second import to be sent', async () =>
        (await readRecord(s3, batchBucket, keys[0]!)) !== undefined && emulator.counters.requestsByOperation.importImage >= importsBefore + 2 ? true : undefined,
      );
      first.child.kill('SIGKILL');
      await assert.rejects(delivery, { name: 'TypeError', message: 'fetch failed' });
    } finally {
      first.child.kill('SIGKILL');
    }
    // The delayed import lands in the VM API after the receiver died.
    await waitFor('the delayed import to take effect', () => (emulator.counters.imagesCreated >= imagesBefore + 2 ? true : undefined));
    assert.equal(await readRecord(s3, batchBucket, keys[1]!), undefined);
    const firstImageId = (await readRecord(s3, batchBucket, keys[0]!))?.imageId;

    // The sender retries the whole batch on the restarted receiver.
    const second = await startServeProcess(env);
    try {
      const retry = await fetch(`${second.notificationUrl}?token=${token}`, { method: 'POST', body: JSON.stringify(batch) });
      assert.equal(retry.status, 200);
      const answer = (await retry.json()) as { outcome: { summary: EventSummary } };
      assert.deepEqual(
        answer.outcome.summary.outcomes.map((outcome) => [outcome.key, outcome.outcome]),
        [
          [keys[0], 'duplicate'],
          [keys[1], 'submitted'],
          [keys[2], 'submitted'],
        ],
      );
      const records = await Promise.all(keys.map((key) => readRecord(s3, batchBucket, key)));
      assert.deepEqual(records.map((record) => record?.state), ['submitted', 'submitted', 'submitted']);
      assert.equal(records[0]?.imageId, firstImageId);
      // Three images for three uploads: the second's retry reused its clientToken.
      assert.equal(emulator.counters.imagesCreated, imagesBefore + 3);
      assert.equal(new Set(records.map((record) => record?.imageId)).size, 3);

      // SIGTERM: a graceful stop, exit code 0.
      second.child.kill('SIGTERM');
      const [code] = (await once(second.child, 'exit')) as [number | null];
      assert.equal(code, 0, second.stderr());
      assert.match(second.stderr(), /"msg":"serve stopped"/);
      assert.ok(!second.stderr().includes(token), 'serve logged the token');
    } finally {
      second.child.kill('SIGKILL');
    }
  });
});

const serveCli = fileURLToPath(new URL('./serve-cli.ts', import.meta.url));

/** `oss-image-import serve --port 0 --json` as a real process; resolves once it listens. */
async function startServeProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcessWithoutNullStreams; notificationUrl: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', serveCli, 'serve', '--port', '0', '--json'], { env, stdio: 'pipe' });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const ready = await new Promise<{ notificationUrl: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) resolve(JSON.parse(line) as { notificationUrl: string });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
  });
  return { child, notificationUrl: ready.notificationUrl, stderr: () => stderr };
}
