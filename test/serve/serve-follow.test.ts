// `serve` is long-running, so it follows what it imports itself: a notification for an upload
// with copy-to-regions and share-with ends ready, copied, shared and notified; stopping serve
// stops its followers and lets go of their leases for another follower to take over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { followingSuite, readRecordOf } from '../../harness/following.js';
import { upload } from '../../harness/local-stack.js';

const token = 'serve-follow-token-0123456789';

describe('serve follows its imports in-process', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'serve-notify-secret-0123456789' }, (started) => {
    ({ stack, receiver } = started);
    env = { ...started.env, NOTIFY_TOKEN: token };
  });

  /** Starts serve, posts one S3 notification for `key`, and gives back how to stop it. */
  async function serveAndNotify(key: string) {
    const controller = new AbortController();
    const { io, captured } = captureIo(env, { signal: controller.signal });
    const exit = runCli(['serve', '--port', '0', '--json'], io);
    while (!captured.out.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
    const { notificationUrl } = JSON.parse(captured.out) as { notificationUrl: string };
    const post = async () => {
      const answer = await fetch(`${notificationUrl}?token=${token}`, {
        method: 'POST',
        body: JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key } } }] }),
      });
      assert.equal(answer.status, 200);
    };
    await post();
    return {
      /** The same event again, as a sender's retry or an at-least-once delivery sends it. */
      post,
      stop: async () => {
        controller.abort();
        return exit;
      },
    };
  }

  it('answers the notification at once, then follows the import to ready, its copies, share and notifications', async () => {
    const key = 'serve/ubuntu.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-south-1', 'share-with': 'jdpin-alice' } });
    const serve = await serveAndNotify(key);
    const posts = await receiver.waitFor(2, 60_000);
    // The follower records the last delivery and ends: done.
    let record = await readRecordOf(stack, key);
    for (const deadline = Date.now() + 30_000; record.follower?.finished === undefined && Date.now() < deadline; record = await readRecordOf(stack, key)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await serve.stop(), 0);

    assert.deepEqual(posts.map((post) => post.headers['x-oss-image-import-event']), ['ready', 'copies-finished']);
    assert.deepEqual([record.state, record.copies?.map((copy) => copy.state), record.shares?.state, record.follower?.finished], ['ready', ['ready'], 'shared', 'done']);
    const { copyImages, shareImage } = stack.emulator.counters.requestsByOperation;
    assert.deepEqual({ copyImages, shareImage }, { copyImages: 1, shareImage: 1 });
  });

  it('the same event delivered twice: the import is followed once, nothing is called or notified twice', async () => {
    const key = 'serve/redelivered.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-1', 'share-with': 'jdpin-bob' } });
    const before = { ...stack.emulator.counters.requestsByOperation };
    const posts = receiver.received.length;
    const serve = await serveAndNotify(key);
    await serve.post();
    let record = await readRecordOf(stack, key);
    for (const deadline = Date.now() + 60_000; record.follower?.finished === undefined && Date.now() < deadline; record = await readRecordOf(stack, key)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Stopping waits for every follower serve started.
    assert.equal(await serve.stop(), 0);

    assert.deepEqual([record.state, record.copies?.map((copy) => copy.state), record.shares?.state, record.follower?.finished], ['ready', ['ready'], 'shared', 'done']);
    const { importImage, copyImages, shareImage } = stack.emulator.counters.requestsByOperation;
    assert.deepEqual({ importImage, copyImages, shareImage }, { importImage: before.importImage + 1, copyImages: before.copyImages + 1, shareImage: before.shareImage + 1 });
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['ready', 'copies-finished']);
  });

  it('a stop lets go of the lease of an import still under way', async () => {
    const key = 'serve/stopped.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu' } });
    // Slow the task down so the import is still running when serve stops.
    stack.emulator.injectFault({ kind: 'delay', ms: 300, operation: 'describeImageTasks', count: 100 });
    const serve = await serveAndNotify(key);
    let record = await readRecordOf(stack, key);
    while (record.follower === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      record = await readRecordOf(stack, key);
    }
    assert.equal(await serve.stop(), 0);
    stack.emulator.clearFaults();
    record = await readRecordOf(stack, key);
    assert.notEqual(record.state, 'ready');
    assert.ok(Date.parse(record.follower?.leaseUntil ?? '') <= Date.now(), `lease until ${record.follower?.leaseUntil ?? '?'}`);
    assert.equal(record.follower?.finished, undefined);
  });
});
