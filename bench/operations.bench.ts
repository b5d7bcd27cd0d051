// Operator tools against the local stack: backfill throughput and memory for 2000 objects,
// how many API calls a status refresh of 500 submitted records makes (target: batched,
// ≤ 500/100 + a small constant, not 500), and what the scheduled refresh costs in S3 requests
// and time through the in-flight index against the full scan (5000 records, 50 in flight).
import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createJdCloudClient } from '../src/adapters/jdcloud/index.js';
import { boundedMap, silentLogger } from '../src/kernel/index.js';
import type { StatusRecord } from '../src/domain/status/index.js';
import { localOssCredentials, startDevStack, startVmEmulator } from '../src/edges/local/index.js';
import { backfill, jdcloudImportTracker, rateLimitedImporter, RateLimiter, readAndRefreshBucket, recentRecordWindowMs, refreshInFlight, refreshRecords } from '../src/use-cases/operations/index.js';
import { makeDiskImage } from '../harness/disk-images.js';
import { localOssClient, recordS3Requests } from '../harness/s3-requests.js';

/** The backfill command's default concurrency. */
const defaultConcurrency = 4;

async function backfillThroughput(objects: number) {
  const stack = await startDevStack({ logger: silentLogger(), autoImport: false });
  try {
    const image = makeDiskImage('qcow2', '1G', ['cluster_size=4096']);
    await boundedMap(Array.from({ length: objects }, (_, index) => index), 16, (index) =>
      stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `fleet/${index}.qcow2`, Body: image, Metadata: { platform: 'Ubuntu' } })),
    );
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    // The API rate limit is lifted here (the default, 5 calls/s, would make this a measure of
    // the limiter); everything else is what `backfill` runs.
    const limiter = new RateLimiter(1_000_000);
    const counts = await backfill(
      { ...stack.deps, vm: rateLimitedImporter(stack.deps.vm, limiter) },
      { bucket: stack.bucket, prefix: 'fleet/', concurrency: defaultConcurrency, dryRun: false, force: false },
      () => undefined,
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (counts.submitted !== objects) throw new Error(`backfill: ${counts.submitted} of ${objects} submitted`);
    return {
      objects,
      concurrency: defaultConcurrency,
      seconds: Number(seconds.toFixed(1)),
      objectsPerSecond: Number((objects / seconds).toFixed(1)),
      peakRssMiB: Number((peakRss / 2 ** 20).toFixed(0)),
      rssGrowthMiB: Number(((peakRss - rssBefore) / 2 ** 20).toFixed(0)),
    };
  } finally {
    await stack.stop();
  }
}

async function refreshCalls(records: number) {
  const emulator = await startVmEmulator({ credentials: [localOssCredentials], pageSizeRange: { min: 10, max: 100 } });
  const client = createJdCloudClient({ endpoint: emulator.url, service: 'vm', credentials: localOssCredentials });
  try {
    const now = new Date().toISOString();
    const submitted: StatusRecord[] = Array.from({ length: records }, (_, index) => {
      const seeded = emulator.seedTask({ region: 'cn-north-1', status: 'finished' });
      return { version: 1, state: 'submitted', source: { region: 'cn-north-1', bucket: 'b', key: `k/${index}` }, imageId: seeded.imageId, taskId: seeded.taskId, createdAt: now, updatedAt: now };
    });
    const tracker = jdcloudImportTracker(client);
    const changed = await refreshRecords(submitted, tracker, new Date());
    return { records, movedToReady: changed.filter((record) => record.state === 'ready').length, apiCalls: tracker.calls(), target: `≤ ${records / 100} + small constant (tasks) + ${records / 100} (images)` };
  } finally {
    await client.close();
    await emulator.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * One bucket with `records` status records of which `inFlight` are submitted imports JD has
 * finished (with their markers); the rest finished long ago (no marker, as the refresh leaves
 * them). Each round puts the in-flight ones back and runs one path, alternating, so both pay
 * the same for moving 50 records to ready; S3 requests are counted at the client.
 */
async function fullScanVersusIndex(records: number, inFlight: number, rounds: number) {
  const stack = await startDevStack({ logger: silentLogger(), autoImport: false });
  const client = createJdCloudClient({ endpoint: stack.vmEndpoint, service: 'vm', credentials: localOssCredentials });
  const statusPrefix = stack.deps.config.statusPrefix;
  const put = (key: string, body: string) =>
    stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `${statusPrefix}${key}`, Body: body, ContentLength: Buffer.byteLength(body) }));
  const recordOf = (key: string, fields: Partial<StatusRecord>) => {
    const at = new Date().toISOString();
    return JSON.stringify({ version: 1, state: 'ready', source: { region: stack.region, bucket: stack.bucket, key }, createdAt: at, updatedAt: at, ...fields });
  };
  try {
    await boundedMap(Array.from({ length: records - inFlight }, (_, index) => `done/${index}.qcow2`), 16, (key) =>
      put(`${key}.json`, recordOf(key, { imageId: 'img-done', taskId: '1' })),
    );
    const runPath = async (path: 'fullScan' | 'index') => {
      await boundedMap(Array.from({ length: inFlight }, (_, index) => `flight/${index}.qcow2`), 16, async (key) => {
        const task = stack.emulator.seedTask({ region: stack.region, status: 'finished' });
        await put(`${key}.json`, recordOf(key, { state: 'submitted', ...task }));
        await put(`${key}.in-flight`, '');
      });
      const s3 = localOssClient(stack.ossEndpoint);
      const requests = recordS3Requests(s3);
      const tracker = jdcloudImportTracker(client);
      const target = { bucket: stack.bucket, statusPrefix, prefix: '' };
      const started = performance.now();
      const changed =
        path === 'fullScan'
          ? (await readAndRefreshBucket(s3, target, { tracker, now: new Date() })).changed
          : // As a run an hour or more after the finished records were written sees them: past the
            // window in which unmarked records are read too (recentRecordWindowMs).
            (await refreshInFlight(s3, target, { tracker, now: new Date(Date.now() + recentRecordWindowMs + 60_000) })).changed;
      const ms = performance.now() - started;
      s3.destroy();
      if (changed !== inFlight) throw new Error(`${path}: ${changed} of ${inFlight} records moved`);
      const count = (operation: string) => requests.filter((request) => request.operation === operation).length;
      return { ms, s3Requests: requests.length, getObject: count('GetObject'), listObjects: count('ListObjectsV2'), apiCalls: tracker.calls() };
    };
    const runs: Record<'fullScan' | 'index', Array<Awaited<ReturnType<typeof runPath>>>> = { fullScan: [], index: [] };
    for (let round = 0; round < rounds; round++) {
      runs.fullScan.push(await runPath('fullScan'));
      runs.index.push(await runPath('index'));
    }
    const summary = (path: 'fullScan' | 'index') => {
      const { ms: _lastMs, ...counts } = runs[path][runs[path].length - 1]!;
      return { ...counts, medianMs: Number(median(runs[path].map((run) => run.ms)).toFixed(0)) };
    };
    const fullScan = summary('fullScan');
    const index = summary('index');
    return {
      records,
      inFlight,
      rounds,
      fullScan,
      index,
      getObjectRatio: Number((fullScan.getObject / index.getObject).toFixed(1)),
      wallTimeRatio: Number((fullScan.medianMs / index.medianMs).toFixed(1)),
    };
  } finally {
    await client.close();
    await stack.stop();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  return {
    backfill: await backfillThroughput(2000),
    refresh: await refreshCalls(500),
    scheduledRefresh: await fullScanVersusIndex(5000, 50, 3),
  };
}
