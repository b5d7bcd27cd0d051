// The per-event critical path and bulk throughput of the function's pipeline, against the
// local OSS (s3rver in-process) and the VM API emulator over real HTTP.
//
// Critical path: every S3 and API response is delayed by D; the extra wall time per event,
// divided by D, is the number of sequential round trips (target ≤ 3: facts in parallel →
// import → record, with the in-flight marker and the tags written alongside it). Measured as (wall with delay − wall without) / D, side by side.
import { performance } from 'node:perf_hooks';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { handleEvent } from '../src/use-cases/importing/index.js';
import { silentLogger } from '../src/kernel/index.js';
import { type DevStack, startDevStack } from '../src/edges/local/index.js';
import { makeDiskImage } from '../harness/disk-images.js';
import { upload } from '../harness/local-stack.js';

// Large against the non-network work of an event (~10–30 ms), so the quotient counts round trips.
const delayMs = 250;
const samples = 8;

function event(stack: DevStack, keys: string[]) {
  return { Records: keys.map((key) => ({ eventSource: 'ceph:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key } } })) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function perEventWallMs(ossDelay: number, apiDelay: number, image: Uint8Array): Promise<number> {
  const stack = await startDevStack({ logger: silentLogger(), taskStepMs: 1000, autoImport: false, ossResponseDelayMs: ossDelay });
  try {
    if (apiDelay > 0) stack.emulator.injectFault({ kind: 'delay', ms: apiDelay, count: 1_000_000 });
    const walls: number[] = [];
    for (let index = 0; index < samples; index++) {
      const key = `critical/${index}.qcow2`;
      await upload(stack, key, image, { metadata: { platform: 'Ubuntu' } });
      const started = performance.now();
      const summary = await handleEvent(event(stack, [key]), stack.deps);
      walls.push(performance.now() - started);
      if (summary.submitted !== 1) throw new Error(`critical path: expected a submitted import, got ${JSON.stringify(summary.outcomes)}`);
    }
    // The measured path includes the in-flight marker, written alongside the record.
    const markers = (await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: `${stack.deps.config.statusPrefix}critical/` }))).Contents?.filter(
      (object) => object.Key?.endsWith('.in-flight') === true,
    );
    if (markers?.length !== samples) throw new Error(`critical path: expected ${samples} in-flight markers, found ${markers?.length ?? 0}`);
    return median(walls);
  } finally {
    await stack.stop();
  }
}

async function bulkEventsPerSecond(image: Uint8Array, records: number, concurrency: number) {
  const stack = await startDevStack({ logger: silentLogger(), taskStepMs: 1000, autoImport: false, env: { IMAGE_IMPORT_CONCURRENCY: String(concurrency) } });
  try {
    const keys = Array.from({ length: records }, (_, index) => `bulk/${index}.qcow2`);
    for (const key of keys) await upload(stack, key, image, { metadata: { platform: 'Ubuntu' } });
    const started = performance.now();
    const summary = await handleEvent(event(stack, keys), stack.deps);
    const seconds = (performance.now() - started) / 1000;
    if (summary.submitted !== records) throw new Error(`bulk: ${summary.submitted} of ${records} submitted`);
    return { records, concurrency, seconds: Number(seconds.toFixed(2)), recordsPerSecond: Number((records / seconds).toFixed(1)), imagesCreated: stack.emulator.counters.imagesCreated };
  } finally {
    await stack.stop();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const image = makeDiskImage('qcow2', '1G', ['cluster_size=4096']);
  const baseline = await perEventWallMs(0, 0, image);
  const delayed = await perEventWallMs(delayMs, delayMs, image);
  const roundTrips = (delayed - baseline) / delayMs;
  return {
    criticalPath: {
      injectedDelayMsPerResponse: delayMs,
      medianWallMsWithoutDelay: Number(baseline.toFixed(1)),
      medianWallMsWithDelay: Number(delayed.toFixed(1)),
      sequentialRoundTrips: Number(roundTrips.toFixed(2)),
      target: '≤ 3',
    },
    bulk: await bulkEventsPerSecond(image, 500, 16),
  };
}
