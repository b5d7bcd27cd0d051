// Unpacking throughput per codec, MB/s of unpacked output, on this machine:
// 1. decode only: the decoder reading a local file into nothing (the codec's own cost);
// 2. end to end against the local OSS (s3rver) and Ceph RGW: streaming GET → decoder →
//    multipart upload of the sibling, as the function does it (unpackedTo.durationMs).
// Side by side in one run; `fitsIn840s` is how much unpacked image the function's budget
// (900 s timeout - 60 s margin) holds at the slower of the two stores' rates, and
// `estimateAdmitsIn840s` how much the function's estimate lets start (its rates ÷ its safety
// factor × 840 s: the figures README quotes).
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { decode, decoderName } from '../src/use-cases/unpacking/index.js';
import { createPipelineDeps, processUpload } from '../src/use-cases/importing/index.js';
import { silentLogger } from '../src/kernel/index.js';
import { startTestStack } from '../harness/local-stack.js';
import { stackEnv } from '../harness/capture-io.js';
import { findRgw } from '../harness/find-rgw.js';
import { createBucket, deleteBucket, rgwS3 } from '../harness/rgw-support.js';
import { startVmEmulator } from '../src/edges/local/index.js';
import { packFiles, type PackedKind } from '../harness/packed-images.js';
import { type Codec, unpackBudgetSeconds, unpackRates, unpackSafetyFactor } from '../src/domain/unpacking/index.js';

const imageBytes = 48 * 2 ** 20;
const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/**
 * A raw disk's mix, deterministic: a quarter random (compressed data, binaries), a quarter
 * zeros (free space), half repetitive text and tables (logs, configuration, code).
 */
function diskLikeImage(): Buffer {
  const image = Buffer.alloc(imageBytes);
  const block = 64 * 1024;
  const text = Buffer.from('Dec  5 11:38:22 host systemd[1]: Started Session 42 of user root; /usr/lib/x86_64-linux-gnu/libc.so.6\n'.repeat(700));
  for (let offset = 0, index = 0; offset < imageBytes; offset += block, index++) {
    const kind = index % 4;
    if (kind === 0) randomFillSync(image, offset, block);
    else if (kind === 1 || kind === 3) text.copy(image, offset, (index * 131) % 4096, ((index * 131) % 4096) + block);
  }
  return image;
}

const variants: Array<{ suffix: string; kind: PackedKind; codec?: Codec }> = [
  { suffix: '.raw.gz', kind: 'gzip', codec: 'gzip' },
  { suffix: '.raw.zst', kind: 'zstd', codec: 'zstd' },
  { suffix: '.raw.xz', kind: 'xz', codec: 'xz' },
  { suffix: '.raw.bz2', kind: 'bzip2', codec: 'bzip2' },
  { suffix: '.zip', kind: 'zip' },
  { suffix: '.tar', kind: 'tar' },
  { suffix: '.tar.gz', kind: 'tar.gz', codec: 'gzip' },
];

/**
 * 8 MiB parts (the smallest we use), so decoding and part uploads overlap as they do for any
 * image of a few parts or more; with the default limit (500 GiB → 52 MiB parts) this 48 MiB
 * image would be one part, uploaded after decoding.
 */
const unpackLimit = { IMAGE_UNPACK_MAX_BYTES: String(8 * 2 ** 20 * 10_000) };

const mbps = (bytes: number, ms: number) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;

async function decodeOnly(codec: Codec, path: string): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  for await (const chunk of decode(codec, createReadStream(path))) bytes += chunk.length;
  return mbps(bytes, performance.now() - started);
}

/**
 * zstd on the Node majors that have it in zlib (22.15+, 24), beside fzstd on the same Node:
 * the runtimes OSS_IMAGE_IMPORT_NODE_BINARIES names (tools/env.sh sets Node 22 and 24).
 */
function zstdOnOtherNodes(path: string): Record<string, unknown> {
  const binaries = (process.env['OSS_IMAGE_IMPORT_NODE_BINARIES'] ?? '').split(':').filter(Boolean);
  const script = `
    const zlib = require('node:zlib'); const fs = require('node:fs'); const { Decompress } = require('fzstd');
    const input = fs.readFileSync(process.argv[1]);
    const rate = (ms, bytes) => Math.round(bytes / 1e6 / (ms / 1000) * 10) / 10;
    let t = performance.now(); const out = zlib.zstdDecompressSync ? zlib.zstdDecompressSync(input) : undefined;
    const nodeZlib = out === undefined ? null : rate(performance.now() - t, out.length);
    t = performance.now(); let bytes = 0; const d = new Decompress((chunk) => { bytes += chunk.length; });
    for (let at = 0; at < input.length; at += 65536) d.push(input.subarray(at, at + 65536)); d.push(new Uint8Array(0), true);
    console.log(JSON.stringify({ node: process.version, 'node:zlib': nodeZlib, fzstd: rate(performance.now() - t, bytes) }));`;
  return Object.fromEntries(
    binaries.map((binary) => {
      const result = JSON.parse(execFileSync(binary, ['-e', script, path], { cwd: repoRoot, encoding: 'utf8' })) as { node: string };
      return [result.node, result];
    }),
  );
}

/** Unpacks (and imports) each packed upload once; MB/s of output and how far RSS rose above where it was. */
async function endToEnd(s3: S3Client, bucket: string, env: NodeJS.ProcessEnv, packed: Map<string, Buffer>): Promise<Record<string, { MBps: number; seconds: number; rssGrowthMB: number }>> {
  const deps = createPipelineDeps({ ...env, ...unpackLimit }, { logger: silentLogger() });
  const results: Record<string, { MBps: number; seconds: number; rssGrowthMB: number }> = {};
  try {
    for (const [suffix, body] of packed) {
      // One folder per variant: each has its own sibling (disk.raw), never another's.
      const key = `bench/${suffix.replace(/\W/g, "")}/disk${suffix}`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: { platform: 'Ubuntu' } }));
      const rssBefore = process.memoryUsage().rss;
      let maxRss = rssBefore;
      const sampler = setInterval(() => {
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }, 20);
      const outcome = await processUpload({ region: env['JDCLOUD_REGION'] ?? 'cn-north-1', bucket, keyCandidates: [key], eventName: 'ObjectCreated:Put', source: 'bench' }, deps);
      clearInterval(sampler);
      const ms = outcome.unpackedTo?.durationMs;
      if (outcome.outcome !== 'submitted' || ms === undefined) throw new Error(`bench upload ${key} was ${outcome.outcome}: ${JSON.stringify(outcome)}`);
      results[suffix] = { MBps: mbps(imageBytes, ms), seconds: Math.round(ms) / 1000, rssGrowthMB: Math.round((maxRss - rssBefore) / 1e6) };
    }
  } finally {
    await deps.close();
  }
  return results;
}

export async function run(): Promise<Record<string, unknown>> {
  const directory = mkdtempSync(join(tmpdir(), 'unpack-bench-'));
  try {
    const image = diskLikeImage();
    const packed = new Map(variants.map((variant) => [variant.suffix, packFiles(variant.kind, [{ name: 'disk.raw', bytes: image }])]));
    const decodeMBps: Record<string, number> = {};
    for (const variant of variants) {
      if (variant.codec === undefined || variant.kind.startsWith('tar')) continue;
      const path = join(directory, `disk${variant.suffix}`);
      writeFileSync(path, packed.get(variant.suffix) ?? Buffer.alloc(0));
      decodeMBps[`${variant.codec} (${decoderName(variant.codec)})`] = await decodeOnly(variant.codec, path);
    }
    const zstdDecodeOnlyMBps = zstdOnOtherNodes(join(directory, 'disk.raw.zst'));

    const stack = await startTestStack({ autoImport: false });
    let localOss;
    try {
      localOss = await endToEnd(stack.s3, stack.bucket, stackEnv(stack), packed);
    } finally {
      await stack.stop();
    }

    const found = await findRgw();
    let rgw: Record<string, unknown> = { skipped: found.available ? undefined : found.reason };
    if (found.available) {
      const s3 = rgwS3(found.rgw);
      const bucket = await createBucket(s3, 'unpack-bench');
      const emulator = await startVmEmulator({ credentials: [{ accessKeyId: found.rgw.accessKeyId, secretAccessKey: found.rgw.secretAccessKey }], taskStepMs: 60_000 });
      try {
        rgw = await endToEnd(s3, bucket, { JDCLOUD_ACCESS_KEY_ID: found.rgw.accessKeyId, JDCLOUD_SECRET_ACCESS_KEY: found.rgw.secretAccessKey, JDCLOUD_REGION: 'cn-north-1', JDCLOUD_VM_ENDPOINT: emulator.url, OSS_ENDPOINT: found.rgw.endpoint }, packed);
      } finally {
        await emulator.stop();
        await deleteBucket(s3, bucket);
        s3.destroy();
      }
    }
    const fitsIn840s = Object.fromEntries(
      Object.entries(localOss).map(([suffix, result]) => {
        const slowest = Math.min(result.MBps, (rgw[suffix] as { MBps?: number } | undefined)?.MBps ?? result.MBps);
        return [suffix, `${Math.floor((slowest * 840) / 1000)} GB`];
      }),
    );
    const budgetSeconds = unpackBudgetSeconds(900);
    const estimateAdmitsIn840s = Object.fromEntries(
      variants.map((variant) => {
        // A zip member is deflated here (zip's default): it decodes at gzip's rate.
        const rate = variant.codec !== undefined ? unpackRates[variant.codec] : variant.kind === 'zip' ? unpackRates.gzip : unpackRates.store;
        return [variant.suffix, `${Math.round((rate / unpackSafetyFactor) * budgetSeconds) / 1000} GB`];
      }),
    );
    return {
      imageBytes,
      packedBytes: Object.fromEntries([...packed].map(([suffix, body]) => [suffix, body.length])),
      decodeOnlyMBps: decodeMBps,
      zstdDecodeOnlyMBps,
      localOssMBps: localOss,
      rgwMBps: rgw,
      fitsIn840s,
      estimateAdmitsIn840s,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
