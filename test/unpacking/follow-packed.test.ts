// A packed upload's import is its sibling's (issue 14): one follower takes it to its end, from
// whichever record or event it starts, and brings the packed upload's record along (issue 13).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { followRequestFor } from '../../src/domain/following/index.js';
import type { StatusRecord } from '../../src/domain/status/index.js';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { runCli } from '../../src/edges/cli/main.js';
import { followRequestAfter, followRequestsAfter } from '../../src/use-cases/following/index.js';
import type { OutcomeWithSource } from '../../src/use-cases/importing/index.js';
import { captureIo } from '../../harness/capture-io.js';
import { readRecordOf, startFollowingStack } from '../../harness/following.js';
import { upload } from '../../harness/local-stack.js';
import { packedCases } from '../../harness/packed-cases.js';

const unpackedTo = { key: 'u/disk.qcow2', etag: 'sibling-etag', size: 1024, packing: 'gzip-compressed file', decoder: 'node:zlib' };

describe('following a packed upload', () => {
  it('the follow requests of a packed upload name its sibling: after its event, for import --wait, and from its record', () => {
    const outcome: OutcomeWithSource = {
      outcome: 'submitted',
      key: 'u/disk.qcow2.gz',
      imageId: 'img-1',
      taskId: '7',
      clientToken: 'token-of-the-sibling',
      attempts: 1,
      unpackedTo,
      bucket: 'images',
      region: 'cn-north-1',
      durationMs: 5,
    };
    const now = new Date('2026-12-05T10:00:00.000Z');
    const expected = { version: 1, region: 'cn-north-1', bucket: 'images', key: 'u/disk.qcow2', etag: 'sibling-etag', startedAt: '2026-12-05T10:00:00.000Z', hop: 0, clientToken: 'token-of-the-sibling' };
    assert.deepEqual(followRequestsAfter([outcome], { now, notify: true }), [expected]);
    // import --wait follows final outcomes too (finalOutcomes).
    assert.deepEqual(followRequestAfter(outcome, { now, finalOutcomes: true }), expected);
    const packedRecord: StatusRecord = {
      version: 1,
      state: 'submitted',
      source: { region: 'cn-north-1', bucket: 'images', key: 'u/disk.qcow2.gz', etag: 'packed-etag', size: 300 },
      clientToken: 'token-of-the-sibling',
      unpackedTo,
      createdAt: '2026-12-05T09:59:00.000Z',
      updatedAt: '2026-12-05T09:59:00.000Z',
    };
    assert.deepEqual(followRequestFor(packedRecord, now), expected);
    // A packed upload rejected before anything was unpacked has only its own record to notify.
    const rejected: OutcomeWithSource = { outcome: 'rejected', key: 'u/bad.raw.gz', problems: [], bucket: 'images', region: 'cn-north-1', durationMs: 1 };
    assert.deepEqual(followRequestsAfter([rejected], { now, notify: true }).map((request) => request.key), ['u/bad.raw.gz']);
  });

  describe('on the local stack', () => {
    let stack: DevStack;
    let receiver: WebhookReceiver;
    let env: NodeJS.ProcessEnv;
    let stop: () => Promise<void>;

    before(async () => {
      ({ stack, receiver, env, stop } = await startFollowingStack({ path: '/hooks', secret: 'packed-notify-secret-0123456789' }));
    });
    after(async () => stop());

    it('import --wait of a .qcow2.gz follows its sibling once to ready and its copy; both records end ready, one notification each event; status --follow finds nothing left', async () => {
      const key = 'fw/disk.qcow2.gz';
      await upload(stack, key, packedCases()[0]!.packed, { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2' } });
      const posts = receiver.received.length;
      const { io, captured } = captureIo(env);
      assert.equal(await runCli(['import', `s3://${stack.bucket}/${key}`, '--wait', '--json'], io), 0, captured.err);
      const document = JSON.parse(captured.out) as { outcome: string; key: string; unpackedTo: { key: string }; record: StatusRecord };
      assert.deepEqual([document.outcome, document.key, document.unpackedTo.key], ['submitted', key, 'fw/disk.qcow2']);
      const sibling = await readRecordOf(stack, 'fw/disk.qcow2');
      assert.deepEqual(document.record, sibling);
      assert.deepEqual(
        { state: sibling.state, copies: sibling.copies?.map((copy) => copy.state), unpackedFrom: sibling.unpackedFrom?.key },
        { state: 'ready', copies: ['ready'], unpackedFrom: key },
      );

      // The packed upload's record says the same, about the packed upload, without the sibling's lease.
      const packed = await readRecordOf(stack, key);
      assert.deepEqual([packed.source.key, packed.unpackedTo?.key, packed.follower], [key, 'fw/disk.qcow2', undefined]);
      const { source: _source, unpackedFrom: _unpackedFrom, follower: _follower, createdAt: _createdAt, ...siblingSays } = sibling;
      assert.deepEqual(packed, { ...siblingSays, source: packed.source, unpackedTo: packed.unpackedTo, createdAt: packed.createdAt });

      const counts = () => {
        const { importImage, copyImages } = stack.emulator.counters.requestsByOperation;
        return { importImage, copyImages, notifications: receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']) };
      };
      assert.deepEqual(counts(), { importImage: 1, copyImages: 1, notifications: ['ready', 'copies-finished'] });

      // Both records are final: following everything under the prefix does nothing more.
      const followed = captureIo(env);
      assert.equal(await runCli(['status', `s3://${stack.bucket}/fw/`, '--follow', '--json'], followed.io), 0, followed.captured.err);
      assert.deepEqual(counts(), { importImage: 1, copyImages: 1, notifications: ['ready', 'copies-finished'] });
    });
  });
});
