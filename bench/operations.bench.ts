// Operator tools against the local stack: backfill throughput and memory for 2000 objects,
// and how many API calls a status refresh of 500 submitted records makes (target: batched,
// ≤ 500/100 + a small constant, not 500).
import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createJdCloudClient } from '../src/jdcloud/client/create-jdcloud-client.js';
import { silentLogger } from '../src/importing/logger.js';
import type { StatusRecord } from '../src/importing/status-record.js';
import { startDevStack } from '../src/local/dev-stack.js';
import { localOssCredentials } from '../src/local/local-oss.js';
import { startVmEmulator } from '../src/local/vm-emulator/vm-emulator.js';
import { backfill } from '../src/operations/backfill.js';
import { jdcloudImportTracker } from '../src/operations/jdcloud-import-tracker.js';
import { RateLimiter } from '../src/operations/rate-limiter.js';
import { rateLimitedImporter } from '../src/operations/rate-limited-importer.js';
import { refreshRecords } from '../src/operations/refresh-status.js';
import { boundedMap } from '../src/importing/bounded-map.js';
import { makeDiskImage } from '../test/support/disk-images.js';

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

export async function run(): Promise<Record<string, unknown>> {
  return {
    backfill: await backfillThroughput(2000),
    refresh: await refreshCalls(500),
  };
}
