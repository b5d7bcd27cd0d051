// The follower against the local OSS, the VM API emulator and a webhook receiver on loopback:
// submitted → ready → copies ready in their regions → shared → notified, each side effect once.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, it } from 'node:test';
import type { StatusRecord } from '../../src/domain/status/index.js';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { followImport, followSlice } from '../../src/use-cases/following/index.js';
import { fastFollowTiming, followDepsFor, followingSuite, followRequestOf, readRecordOf, submitUpload, writeRecordOf } from '../../harness/following.js';

const secret = 'notify-secret-of-32-characters!!';

/** The record with copies and shares pending, as the pipeline writes them for copy-to-regions and share-with. */
async function withFollowThrough(stack: DevStack, key: string, regions: string[], pins: string[]): Promise<void> {
  const record = await readRecordOf(stack, key);
  await writeRecordOf(stack, {
    ...record,
    ...(regions.length > 0 ? { copies: regions.map((region) => ({ region, state: 'pending' as const })) } : {}),
    ...(pins.length > 0 ? { shares: { pins, state: 'pending' as const } } : {}),
  });
}

function counts(stack: DevStack) {
  const { copyImages, shareImage, importImage } = stack.emulator.counters.requestsByOperation;
  return { importImage, copyImages, shareImage };
}

async function markerExists(stack: DevStack, key: string): Promise<boolean> {
  try {
    await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${key}.in-flight` }));
    return true;
  } catch {
    return false;
  }
}

describe('the follower', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks/images?token=receiver-token', secret: secret }, (started) => ({ stack, receiver, env } = started));

  it('takes an import to ready, copies it to two regions, shares it with both pins and notifies, each call once', async () => {
    const key = 'follow/ubuntu.qcow2';
    const submitted = await submitUpload(stack, key);
    await withFollowThrough(stack, key, ['cn-east-2', 'cn-south-1'], ['jdpin-alice', 'jdpin-bob']);
    const before = counts(stack);
    const posts = receiver.received.length;
    const deps = followDepsFor(stack, env);
    const result = await followImport(await followRequestOf(stack, key), deps);
    await deps.close();

    assert.equal(result.outcome, 'done');
    const record = await readRecordOf(stack, key);
    const copies = stack.emulator.images().filter((image) => image.copiedFrom?.imageId === submitted.imageId);
    assert.deepEqual(
      copies.map((image) => ({ region: image.region, status: image.status })),
      [
        { region: 'cn-east-2', status: 'ready' },
        { region: 'cn-south-1', status: 'ready' },
      ],
    );
    assert.deepEqual(
      { state: record.state, copies: record.copies, shares: { ...record.shares, at: undefined } },
      {
        state: 'ready',
        copies: copies.map((image) => ({ region: image.region, state: 'ready', destinationImageId: image.imageId, progress: 100, requestedAt: record.copies?.find((copy) => copy.region === image.region)?.requestedAt })),
        shares: { pins: ['jdpin-alice', 'jdpin-bob'], state: 'shared', at: undefined },
      },
    );
    assert.deepEqual(stack.emulator.images('cn-north-1').find((image) => image.imageId === submitted.imageId)?.sharedWith, ['jdpin-alice', 'jdpin-bob']);
    assert.deepEqual(counts(stack), { importImage: before.importImage, copyImages: before.copyImages + 2, shareImage: before.shareImage + 1 });
    assert.equal(await markerExists(stack, key), false);
    assert.deepEqual({ ...record.follower, holder: undefined, leaseUntil: undefined }, { holder: undefined, leaseUntil: undefined, startedAt: record.follower?.startedAt, hop: 0, finished: 'done' });

    // Two notifications: ready (with the share done, the copies under way), then copies-finished.
    const received = receiver.received.slice(posts);
    assert.deepEqual(received.map((post) => [post.target, post.headers['x-oss-image-import-event']]), [
      ['/hooks/images?token=receiver-token', 'ready'],
      ['/hooks/images?token=receiver-token', 'copies-finished'],
    ]);
    for (const post of received) {
      assert.equal(post.headers['x-oss-image-import-signature'], `sha256=${createHmac('sha256', secret).update(post.body).digest('hex')}`);
      const document = JSON.parse(post.body) as { event: string; id: string; record: StatusRecord };
      assert.equal(post.headers['x-oss-image-import-id'], document.id);
      assert.equal(document.record.state, 'ready');
      assert.equal(document.record.source.key, key);
    }
    const [ready, finished] = received.map((post) => JSON.parse(post.body) as { record: StatusRecord });
    assert.equal(ready?.record.shares?.state, 'shared');
    assert.deepEqual(finished?.record.copies?.map((copy) => copy.state), ['ready', 'ready']);
    assert.deepEqual(
      record.notifications?.map((delivery) => ({ ...delivery, at: undefined })),
      received.map((post) => ({ event: post.headers['x-oss-image-import-event'], id: post.headers['x-oss-image-import-id'], delivered: true, attempts: 1, at: undefined, httpStatus: 204 })),
    );
    // Neither the receiver's token nor the secret is in the record.
    assert.doesNotMatch(JSON.stringify(record), /receiver-token|notify-secret/);
  });

  it('two followers started at once: one takes the lease, the other stops; nothing is called twice', async () => {
    const key = 'follow/twice.qcow2';
    await submitUpload(stack, key);
    await withFollowThrough(stack, key, ['cn-east-2', 'cn-south-1'], ['jdpin-alice', 'jdpin-bob']);
    const before = counts(stack);
    const posts = receiver.received.length;
    const request = await followRequestOf(stack, key);
    // Claims are left to settle for 500 ms, far more than the two claims are apart.
    const timing = { ...fastFollowTiming, claimSettleMs: 500 };
    const [first, second] = [followDepsFor(stack, env, timing), followDepsFor(stack, env, timing)];
    const results = await Promise.all([followImport(request, first, { holder: 'follower-a' }), followImport(request, second, { holder: 'follower-b' })]);
    await Promise.all([first.close(), second.close()]);

    // The one that lost read the other's claim back and stopped before asking JD anything.
    assert.deepEqual(results.map((result) => [result.outcome, result.outcome === 'held-elsewhere' ? result.steps : 'any']).sort(), [
      ['done', 'any'],
      ['held-elsewhere', 0],
    ]);
    assert.deepEqual(counts(stack), { importImage: before.importImage, copyImages: before.copyImages + 2, shareImage: before.shareImage + 1 });
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['ready', 'copies-finished']);
    const record = await readRecordOf(stack, key);
    assert.equal(record.follower?.holder, results[0]?.outcome === 'done' ? 'follower-a' : 'follower-b');
  });

  it('a watching follower waits for the one holding the lease and ends when it is done', async () => {
    const key = 'follow/watched.qcow2';
    await submitUpload(stack, key);
    await withFollowThrough(stack, key, ['cn-east-2'], []);
    const before = counts(stack);
    const request = await followRequestOf(stack, key);
    const [holder, watcher] = [followDepsFor(stack, env), followDepsFor(stack, env)];
    const seen: string[] = [];
    // The watcher starts once the holder has its lease: its first progress report is the claim.
    let claimed: () => void = () => {};
    const claim = new Promise<void>((resolve) => (claimed = resolve));
    const holding = followImport(request, holder, { holder: 'holder', onProgress: () => claimed() });
    await claim;
    assert.equal((await readRecordOf(stack, key)).follower?.holder, 'holder');
    const watched = await followImport(request, watcher, { holder: 'watcher', whileHeldElsewhere: 'watch', onProgress: (record) => seen.push(record.state) });
    assert.equal((await holding).outcome, 'done');
    await Promise.all([holder.close(), watcher.close()]);
    assert.equal(watched.outcome, 'done');
    assert.equal(watched.record?.copies?.[0]?.state, 'ready');
    assert.ok(seen.length > 0);
    assert.deepEqual(counts(stack), { importImage: before.importImage, copyImages: before.copyImages + 1, shareImage: before.shareImage });
  });

  it('slices hand over: each passes the lease on at its deadline and the next hop, another holder, takes it and goes on', async () => {
    const key = 'follow/sliced.qcow2';
    await submitUpload(stack, key);
    await withFollowThrough(stack, key, ['cn-south-1'], ['jdpin-carol']);
    const request = await followRequestOf(stack, key);
    // The follower's clock jumps to the slice's deadline once a slice has taken one step, so
    // every slice ends after exactly one step, as an fc invocation ends at its timeout.
    let offsetMs = 0;
    const deps = { ...followDepsFor(stack, env), now: () => new Date(Date.now() + offsetMs) };
    const outcomes: string[] = [];
    for (let hop = 0; hop < 100; hop += 1) {
      const deadlineMs = deps.now().getTime() + 60_000;
      let progress = 0;
      const onProgress = () => {
        progress += 1;
        // The first report is the claim; the second follows the first step.
        if (progress === 2) offsetMs += deadlineMs - deps.now().getTime();
      };
      const result = await followSlice({ ...request, hop }, deps, { holder: `invocation-${hop}`, deadlineMs, onProgress, atDeadline: 'pass' });
      outcomes.push(result.outcome);
      if (result.outcome !== 'continue') break;
    }
    await deps.close();
    assert.ok(outcomes.length > 1, `one slice did it all: ${outcomes.join(', ')}`);
    assert.deepEqual(new Set(outcomes), new Set(['continue', 'done']));
    const record = await readRecordOf(stack, key);
    assert.deepEqual([record.state, record.copies?.[0]?.state, record.shares?.state], ['ready', 'ready', 'shared']);
    assert.equal(record.follower?.hop, outcomes.length - 1);
    assert.equal(record.follower?.holder, `invocation-${outcomes.length - 1}`);
  });
});
