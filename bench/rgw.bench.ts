// Against Ceph RGW (scripts/rgw/start.sh), loopback only:
// 1. upload → import submitted: the latency from the start of a PutObject to the moment the
//    pipeline, run by serve for RGW's notification, has submitted the import — beside a plain
//    PutObject of the same bytes to a bucket without notifications, interleaved.
// 2. serve's notifications per second at 16 concurrent senders: with a handler that does
//    nothing (the endpoint's own cost) beside the real pipeline on RGW and the VM API emulator.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Agent, request } from 'undici';
import { createPipelineDeps } from '../src/use-cases/importing/index.js';
import { silentLogger } from '../src/kernel/index.js';
import { startVmEmulator } from '../src/edges/local/index.js';
import { type NotificationHandler, pipelineImportsNothing, pipelineNotificationHandler, type PipelineNotificationOutcome, startNotificationServer } from '../src/edges/serve/index.js';
import { findRgw } from '../harness/find-rgw.js';
import { createBucket, createPushTopic, deleteBucket, deleteTopic, notifyTopic, rgwS3, rgwSns, uniqueName } from '../harness/rgw-support.js';

const uploads = 100;
const warmUps = 5;
const senders = 16;
const noopNotifications = 3000;
const pipelineNotifications = 200;
const sequentialNotifications = 40;
const token = 'bench-token-0123456789abcdef';

function qcow2Image(): Buffer {
  const directory = mkdtempSync(join(tmpdir(), 'rgw-bench-'));
  try {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(directory, 'disk.qcow2'), '1G']);
    return readFileSync(join(directory, 'disk.qcow2'));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 10) / 10;
}

function latencySummary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: samples.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: percentile(sorted, 100) };
}

/** POSTs `bodies` to `url` from `concurrency` keep-alive senders; returns notifications/s. */
async function postAll(url: string, bodies: string[], concurrency: number): Promise<{ notifications: number; seconds: number; perSecond: number; non2xx: number }> {
  const dispatcher = new Agent({ connections: concurrency, pipelining: 1 });
  let next = 0;
  let non2xx = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let body = bodies[next++]; body !== undefined; body = bodies[next++]) {
        const response = await request(url, {
          method: 'POST',
          dispatcher,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        await response.body.dump();
        if (response.statusCode >= 300) non2xx += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  return { notifications: bodies.length, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(bodies.length / seconds), non2xx };
}

type RgwRecord = { s3: { bucket: { name: string }; object: { key: string } } } & Record<string, unknown>;

export async function run(): Promise<Record<string, unknown>> {
  const found = await findRgw();
  if (!found.available) {
    return { skipped: `Ceph RGW is not available: ${found.reason}. Start it with scripts/rgw/start.sh (after scripts/rgw/install.sh).` };
  }
  const { rgw } = found;
  const s3: S3Client = rgwS3(rgw);
  const sns = rgwSns(rgw);
  const emulator = await startVmEmulator({ credentials: [{ accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey }], taskStepMs: 60_000 });
  const [notified, plain, direct] = await Promise.all([createBucket(s3, 'bench-notified'), createBucket(s3, 'bench-plain'), createBucket(s3, 'bench-direct')]);
  const deps = createPipelineDeps(
    {
      JDCLOUD_ACCESS_KEY_ID: rgw.accessKeyId,
      JDCLOUD_SECRET_ACCESS_KEY: rgw.secretAccessKey,
      JDCLOUD_REGION: 'cn-north-1',
      JDCLOUD_VM_ENDPOINT: emulator.url,
      OSS_ENDPOINT: rgw.endpoint,
      IMAGE_ALLOWED_BUCKETS: `${notified},${direct}`,
    },
    { logger: silentLogger() },
  );
  const pipeline = pipelineNotificationHandler(deps);
  const submittedAt = new Map<string, number>();
  let template: RgwRecord | undefined;
  const timedPipeline: NotificationHandler = async (event) => {
    const outcome = (await pipeline(event)) as PipelineNotificationOutcome;
    const now = performance.now();
    for (const result of outcome.summary.outcomes) if (result.outcome === 'submitted') submittedAt.set(result.key, now);
    template ??= (event as { Records?: RgwRecord[] }).Records?.[0];
    return outcome;
  };
  const server = await startNotificationServer({ token, handleNotification: timedPipeline, importsNothing: pipelineImportsNothing(deps.config), maxConcurrency: senders });
  const noopServer = await startNotificationServer({ token, handleNotification: async () => ({ transientFailure: false }), maxConcurrency: senders });
  const topic = await createPushTopic(sns, uniqueName('bench'), `${server.notificationUrl}?token=${token}`);

  try {
    await notifyTopic(s3, notified, topic, 'incoming/');
    const body = qcow2Image();

    // 1. Upload → submitted, interleaved with plain uploads of the same bytes.
    const toSubmitted: number[] = [];
    const plainPut: number[] = [];
    const notifiedPut: number[] = [];
    for (let index = 0; index < warmUps + uploads; index += 1) {
      const key = `incoming/image-${index}.qcow2`;
      const plainStarted = performance.now();
      await s3.send(new PutObjectCommand({ Bucket: plain, Key: key, Body: body }));
      const plainMs = performance.now() - plainStarted;
      const started = performance.now();
      await s3.send(new PutObjectCommand({ Bucket: notified, Key: key, Body: body, Metadata: { platform: 'Ubuntu' } }));
      const putMs = performance.now() - started;
      const submitted = submittedAt.get(key);
      if (submitted === undefined) throw new Error(`${key}: RGW's PUT returned before the import was submitted (persistent=false should deliver synchronously)`);
      if (index < warmUps) continue;
      toSubmitted.push(submitted - started);
      plainPut.push(plainMs);
      notifiedPut.push(putMs);
    }
    const submittedSummary = latencySummary(toSubmitted);
    const plainSummary = latencySummary(plainPut);

    // 2. serve throughput at 16 concurrent senders.
    if (template === undefined) throw new Error('no RGW notification was captured to use as a template');
    const recordFor = (bucket: string, key: string) => {
      const record = structuredClone(template) as RgwRecord;
      record.s3.bucket.name = bucket;
      record.s3.object.key = key;
      return JSON.stringify({ Records: [record] });
    };
    const noopBodies = Array.from({ length: noopNotifications }, (_, index) => recordFor(direct, `noop/${index}.qcow2`));
    await postAll(noopServer.notificationUrl, noopBodies.slice(0, 200), senders);
    const noop = await postAll(noopServer.notificationUrl, noopBodies, senders);

    const keys = Array.from({ length: pipelineNotifications + sequentialNotifications }, (_, index) => `direct/image-${index}.qcow2`);
    for (let index = 0; index < keys.length; index += senders) {
      await Promise.all(
        keys.slice(index, index + senders).map((key) => s3.send(new PutObjectCommand({ Bucket: direct, Key: key, Body: body, Metadata: { platform: 'Ubuntu' } }))),
      );
    }
    // RGW's own write rate at 16 senders: each notification writes twice (status record, tags).
    const putCeilingStarted = performance.now();
    let putIndex = 0;
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (let index = putIndex++; index < pipelineNotifications; index = putIndex++) {
          await s3.send(new PutObjectCommand({ Bucket: plain, Key: `ceiling/${index}.json`, Body: '{"version":1}' }));
        }
      }),
    );
    const rgwSmallPutsPerSecond = Math.round(pipelineNotifications / ((performance.now() - putCeilingStarted) / 1000));

    const imagesBefore = emulator.counters.imagesCreated;
    const concurrentKeys = keys.slice(0, pipelineNotifications);
    const withPipeline = await postAll(server.notificationUrl, concurrentKeys.map((key) => recordFor(direct, key)), senders);
    // The same pipeline with one sender, for how far concurrency helps on this machine.
    const oneSender = await postAll(server.notificationUrl, keys.slice(pipelineNotifications).map((key) => recordFor(direct, key)), 1);
    const imported = emulator.counters.imagesCreated - imagesBefore;
    if (imported !== keys.length) throw new Error(`the pipeline imported ${imported} of ${keys.length} notifications`);

    return {
      rgwEndpoint: rgw.endpoint,
      uploadToImportSubmitted: {
        ...submittedSummary,
        note: 'PutObject start → pipeline submitted importImage (RGW push topic, persistent=false, serve + pipeline + VM API emulator)',
      },
      plainPutObject: { ...plainSummary, note: 'same bytes, bucket without notifications, interleaved' },
      notifiedPutObject: latencySummary(notifiedPut),
      ratioSubmittedToPlainPutP50: Math.round((submittedSummary.p50Ms / plainSummary.p50Ms) * 10) / 10,
      imageBytes: body.length,
      serveAtConcurrency16: {
        noopHandler: noop,
        pipeline: withPipeline,
        pipelineOneSender: oneSender,
        importsSubmitted: imported,
        rgwSmallPutObjectsPerSecond: rgwSmallPutsPerSecond,
        ratioNoopToPipeline: Math.round((noop.perSecond / withPipeline.perSecond) * 10) / 10,
        ratioPipeline16To1Sender: Math.round((withPipeline.perSecond / oneSender.perSecond) * 10) / 10,
      },
    };
  } finally {
    await deleteTopic(sns, topic).catch(() => undefined);
    await Promise.allSettled([notified, plain, direct].map((bucket) => deleteBucket(s3, bucket)));
    await Promise.all([server.stop(), noopServer.stop()]);
    await deps.close();
    await emulator.stop();
    s3.destroy();
    sns.destroy();
  }
}
