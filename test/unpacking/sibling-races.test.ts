// What a review found after the sibling's own event learnt to defer (issue 14): a deferral that
// no run would ever end, and the last moments of an unpack racing the clock or another version.
// The local stack (s3rver in-process, the VM API emulator over HTTP), images made by qemu-img.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { createPipelineDeps, handleEvent } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packedCases } from '../../harness/packed-cases.js';
import { statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

describe('a sibling is imported once, whatever races its packed upload', () => {
  let stack: DevStack;
  const [gz] = packedCases();
  const metadata = { architecture: 'x86_64', platform: 'Ubuntu' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
  });
  after(async () => stack.stop());

  function functionDeps(t: { after(fn: () => Promise<void>): void }) {
    const deps = createPipelineDeps(stackEnv(stack), { logger: silentLogger(), unpackTimeLimitSeconds: 900 });
    t.after(() => deps.close());
    return deps;
  }

  it('a copy of a sibling under another name is imported, not deferred to the packed upload', async (t) => {
    const deps = functionDeps(t);
    await upload(stack, 'copy/disk.qcow2.gz', gz!.packed, { metadata });
    assert.equal((await handleEvent(await ossTriggerEvent(stack, 'copy/disk.qcow2.gz'), deps)).outcomes[0]?.outcome, 'submitted');
    // A server-side copy keeps the sibling's unpacked-from metadata.
    await stack.s3.send(new CopyObjectCommand({ Bucket: stack.bucket, Key: 'copy/renamed.qcow2', CopySource: `${stack.bucket}/copy/disk.qcow2` }));
    const copy = await handleEvent(await ossTriggerEvent(stack, 'copy/renamed.qcow2'), deps);
    assert.equal(copy.outcomes[0]?.outcome, 'submitted');
    assert.equal((await statusRecordOf(stack.s3, stack.bucket, 'copy/renamed.qcow2'))?.['state'], 'submitted');
  });

  it('a sibling whose packed upload is gone is imported by its own event', async (t) => {
    const deps = functionDeps(t);
    await upload(stack, 'gone/disk.qcow2.gz', gz!.packed, { metadata });
    // The packed upload's run stops right after the sibling is complete (as if fc stopped it), and
    // the user deletes the packed upload: only the sibling's own event is left to import it.
    deps.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'CompleteMultipartUploadCommand') throw Object.assign(new Error('the function was stopped'), { name: 'Stopped', $metadata: { httpStatusCode: 500 } });
        return result;
      },
      { step: 'initialize', name: 'testStopAfterComplete' },
    );
    await handleEvent(await ossTriggerEvent(stack, 'gone/disk.qcow2.gz'), deps).catch(() => undefined);
    await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: 'gone/disk.qcow2' }));
    const own = await handleEvent(await ossTriggerEvent(stack, 'gone/disk.qcow2'), functionDeps(t));
    assert.equal(own.outcomes[0]?.outcome, 'deferred', 'while the packed upload is there, its run imports the sibling');
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: 'gone/disk.qcow2.gz' }));
    const again = await handleEvent(await ossTriggerEvent(stack, 'gone/disk.qcow2'), functionDeps(t));
    assert.equal(again.outcomes[0]?.outcome, 'submitted');
  });

  it('a deadline passing while the sibling is completed and tagged does not lose it: the packed run imports it with its tags', async (t) => {
    const deps = functionDeps(t);
    const key = 'late/disk.qcow2.gz';
    await upload(stack, key, gz!.packed, { metadata, tags: { team: 'images' } });
    let lateMs = 0;
    deps.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CompleteMultipartUploadCommand') {
          // The function's clock passes the deadline while the store completes the upload; the
          // deadline timer (it looks every second) fires meanwhile.
          lateMs = 3_600_000;
          await new Promise((resolve) => setTimeout(resolve, 1_500));
        }
        return next(args);
      },
      { step: 'initialize', name: 'testLateComplete' },
    );
    const summary = await handleEvent(await ossTriggerEvent(stack, key), { ...deps, now: () => new Date(Date.now() + lateMs) });
    assert.equal(summary.outcomes[0]?.outcome, 'submitted');
    assert.equal((await statusRecordOf(stack.s3, stack.bucket, 'late/disk.qcow2'))?.['state'], 'submitted');
    const tags = await stack.s3.send(new GetObjectTaggingCommand({ Bucket: stack.bucket, Key: 'late/disk.qcow2' }));
    assert.ok(tags.TagSet?.some((tag) => tag.Key === 'team' && tag.Value === 'images'), JSON.stringify(tags.TagSet));
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'late/'), []);
  });

  it('an older version finishing after a newer one leaves the newer sibling and records alone', async (t) => {
    const key = 'race/disk.qcow2.gz';
    const newer = gzipSync(makeDiskImage('qcow2', '7G'));
    await upload(stack, key, gz!.packed, { metadata });
    const olderEvent = await ossTriggerEvent(stack, key);
    const olderDeps = functionDeps(t);
    const newerDeps = functionDeps(t);
    let heads = 0;
    olderDeps.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input: { Key?: string } }).input;
        if (context.commandName === 'HeadObjectCommand' && input.Key === 'race/disk.qcow2' && ++heads === 2) {
          // The older version is unpacked, right before its second look: the user uploads a newer
          // version, whose run goes all the way.
          await upload(stack, key, newer, { metadata });
          assert.equal((await handleEvent(await ossTriggerEvent(stack, key), newerDeps)).outcomes[0]?.outcome, 'submitted');
        }
        return next(args);
      },
      { step: 'initialize', name: 'testNewerVersionMeanwhile' },
    );
    const older = await handleEvent(olderEvent, olderDeps);
    assert.equal(older.outcomes[0]?.outcome, 'deferred');
    const sibling = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: 'race/disk.qcow2' }));
    const packed = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
    assert.equal(sibling.Metadata?.['unpacked-from-etag'], packed.ETag?.replace(/"/g, ''));
    const record = await statusRecordOf(stack.s3, stack.bucket, 'race/disk.qcow2');
    assert.equal((record?.['image'] as { virtualSizeBytes?: number } | undefined)?.virtualSizeBytes, 7 * 2 ** 30);
    assert.equal(stack.emulator.counters.imagesCreated >= 1, true);
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'race/'), []);
  });
});
