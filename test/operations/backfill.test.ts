import assert from 'node:assert/strict';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import type { BackfillCounts, BackfillItem } from '../../src/use-cases/operations/backfill.js';
import { renderProgressLine } from '../../src/use-cases/operations/progress-line.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';

interface BackfillJson {
  counts: BackfillCounts;
  items: BackfillItem[];
}

async function backfillJson(env: NodeJS.ProcessEnv, args: string[], signal?: AbortSignal): Promise<{ code: number; result: BackfillJson; err: string }> {
  const { io, captured } = captureIo(env, signal !== undefined ? { signal } : {});
  const code = await runCli(['backfill', ...args, '--json'], io);
  return { code, result: JSON.parse(captured.out) as BackfillJson, err: captured.err };
}

describe('oss-image-import backfill', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;
  const ubuntu = { platform: 'Ubuntu' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    env = stackEnv(stack);
    const qcow2 = makeDiskImage('qcow2', '1G', ['cluster_size=4096']);
    for (const name of ['a', 'b', 'c']) await upload(stack, `fleet/good-${name}.qcow2`, qcow2, { metadata: ubuntu });
    await upload(stack, 'fleet/no-platform.qcow2', qcow2);
    // .gz, .zip, … are unpacked and imported (test/unpacking); .lz4 is not an image key.
    await upload(stack, 'fleet/compressed.qcow2.lz4', qcow2, { metadata: ubuntu });
    await upload(stack, 'fleet/imported-before.qcow2', qcow2, { metadata: ubuntu });
    for (let index = 0; index < 20; index++) await upload(stack, `fleet/notes/${index}.txt`, new TextEncoder().encode('not an image'));
    // One image was imported by the function before the backfill.
    assert.equal(await runCli(['import', `s3://${stack.bucket}/fleet/imported-before.qcow2`], captureIo(env).io), 0);
  });
  after(async () => stack.stop());

  it('--dry-run shows what would be imported and every rejection, and changes nothing', async () => {
    const calls = stack.emulator.counters.requests;
    const { code, result } = await backfillJson(env, [`s3://${stack.bucket}/fleet/`, '--dry-run']);
    assert.equal(code, 3);
    assert.equal(result.counts.wouldImport, 3);
    assert.equal(result.counts.rejected, 1);
    assert.equal(result.counts.alreadyImported, 1);
    const wouldImport = result.items.filter((item) => item.outcome === 'would-import');
    assert.deepEqual(wouldImport.map((item) => item.key).sort(), ['fleet/good-a.qcow2', 'fleet/good-b.qcow2', 'fleet/good-c.qcow2']);
    assert.match(JSON.stringify(wouldImport[0]), /X-Amz-Signature=REDACTED/);
    assert.equal(stack.emulator.counters.requests, calls);
  });

  it('imports the good images, skips the imported one and the non-images, and records the bad one', async () => {
    const { code, result } = await backfillJson(env, [`s3://${stack.bucket}/fleet/`]);
    assert.equal(code, 3); // a rejection is reported with exit 3
    assert.deepEqual(
      { ...result.counts },
      { listed: 26, images: 5, done: 5, submitted: 3, alreadyImported: 1, rejected: 1, failed: 0, wouldImport: 0, listingComplete: true, interrupted: false },
    );
    const rejected = result.items.find((item) => item.outcome === 'rejected');
    assert.equal(rejected?.key, 'fleet/no-platform.qcow2');
    assert.equal(stack.emulator.counters.imagesCreated, 4);
  });

  it('re-running submits nothing new (a rejection is decided again); --force re-imports with a new clientToken', async () => {
    const calls = stack.emulator.counters.requests;
    const again = await backfillJson(env, [`s3://${stack.bucket}/fleet/`]);
    assert.equal(again.code, 3);
    assert.equal(again.result.counts.alreadyImported, 4);
    assert.equal(again.result.counts.rejected, 1);
    assert.equal(again.result.counts.submitted, 0);
    assert.equal(stack.emulator.counters.requests, calls);
    assert.equal(stack.emulator.counters.imagesCreated, 4);
    const forced = await backfillJson(env, [`s3://${stack.bucket}/fleet/good-a.qcow2`, '--force']);
    assert.equal(forced.result.counts.submitted, 1);
    assert.equal(stack.emulator.counters.imagesCreated, 5);
  });

  it('records API failures and a re-run completes the rest', async () => {
    const qcow2 = makeDiskImage('qcow2', '1G', ['cluster_size=4096']);
    for (const name of ['x', 'y']) await upload(stack, `outage/${name}.qcow2`, qcow2, { metadata: ubuntu });
    stack.emulator.injectFault({ kind: 'status', status: 503, count: 100 });
    const during = await backfillJson(env, [`s3://${stack.bucket}/outage/`]);
    stack.emulator.clearFaults();
    assert.equal(during.code, 1);
    assert.equal(during.result.counts.failed, 2);
    const afterwards = await backfillJson(env, [`s3://${stack.bucket}/outage/`]);
    assert.equal(afterwards.code, 0);
    assert.equal(afterwards.result.counts.submitted, 2);
  });

  it('stops taking new objects on Ctrl-C, and a re-run resumes', async () => {
    const qcow2 = makeDiskImage('qcow2', '1G', ['cluster_size=4096']);
    for (let index = 0; index < 6; index++) await upload(stack, `interrupt/${index}.qcow2`, qcow2, { metadata: ubuntu });
    const controller = new AbortController();
    controller.abort();
    const interrupted = await backfillJson(env, [`s3://${stack.bucket}/interrupt/`], controller.signal);
    assert.equal(interrupted.code, 1);
    assert.equal(interrupted.result.counts.interrupted, true);
    assert.equal(interrupted.result.counts.done, 0);
    const resumed = await backfillJson(env, [`s3://${stack.bucket}/interrupt/`]);
    assert.equal(resumed.result.counts.submitted, 6);
  });

  it('prints one line per object when not on a terminal', async () => {
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['backfill', `s3://${stack.bucket}/fleet/good-`], io), 0);
    // Objects finish in any order under concurrency: compare them sorted.
    assert.deepEqual(captured.out.trim().split('\n').map((line) => line.split('\t').slice(0, 2)).sort(), [
      ['already-imported', 'fleet/good-a.qcow2'],
      ['already-imported', 'fleet/good-b.qcow2'],
      ['already-imported', 'fleet/good-c.qcow2'],
    ]);
    assert.match(captured.err, /Listed 3 objects, 3 images: 0 imported, 3 already imported, 0 rejected, 0 failed\.\n/);
  });

  it('fails clearly for a bucket that does not exist, and says when a prefix has no images', async () => {
    const missing = captureIo(env);
    assert.equal(await runCli(['backfill', 's3://no-such-bucket/'], missing.io), 1);
    assert.equal(missing.captured.err, 'ListObjectsV2 s3://no-such-bucket/ failed: the bucket "no-such-bucket" does not exist (NoSuchBucket, HTTP 404). Check the bucket name, and that OSS_ENDPOINT or JDCLOUD_REGION is the bucket\'s region.\n');
    const empty = captureIo(env);
    assert.equal(await runCli(['backfill', `s3://${stack.bucket}/fleet/notes/`], empty.io), 0);
    assert.match(empty.captured.err, /No image keys \(\.qcow2, \.qcow, \.vhd, \.vmdk, \.raw, \.img, or packed: \.gz, \.xz, \.zst, \.bz2, \.zip, \.tar, \.tgz, \.ova\) under s3:\/\/images\/fleet\/notes\/\.\n$/);
  });

  it('leaves status records and in-flight markers out of a whole-bucket backfill', async () => {
    const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: '.image-import/' }));
    const statusKeys = (listed.Contents ?? []).map((object) => object.Key ?? '');
    assert.ok(statusKeys.some((key) => key.endsWith('.in-flight')), 'the imports above left in-flight markers');
    const { result } = await backfillJson(env, [`s3://${stack.bucket}/`, '--dry-run']);
    assert.ok(result.counts.listed > statusKeys.length);
    assert.deepEqual(result.items.filter((item) => item.key.startsWith('.image-import/')), []);
    // fleet/ (5), outage/ (2), interrupt/ (6): the images uploaded above, and nothing else.
    assert.equal(result.counts.images, 13);
  });

  it('rejects a bad --concurrency or --rate as a usage error', async () => {
    const bad = captureIo(env);
    assert.equal(await runCli(['backfill', `s3://${stack.bucket}/`, '--concurrency', '0'], bad.io), 2);
    assert.match(bad.captured.err, /--concurrency "0" is not allowed: use a whole number from 1 to 64\./);
  });
});

describe('renderProgressLine', () => {
  it('shows the bar, the counts, the rate and the time left', () => {
    const counts: BackfillCounts = {
      listed: 1200,
      images: 1000,
      done: 250,
      submitted: 200,
      alreadyImported: 30,
      rejected: 15,
      failed: 5,
      wouldImport: 0,
      listingComplete: false,
      interrupted: false,
    };
    assert.equal(
      renderProgressLine(counts, 50_000, 20),
      '[#####---------------] 250/1000+ · 200 imported · 30 already · 15 rejected · 5 failed · 5.0/s · ETA 2m30s',
    );
  });
});
