// Followers in one long-running process (serve, the local stack): a redelivered event starts a
// second follower of an import already followed there. It must not pass for the first one: with
// an identity of its own it finds the lease held and stops, so nothing is done twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { BackgroundFollowers } from '../../src/use-cases/following/index.js';
import { followDepsFor, followingSuite, followRequestOf, patchRecordOf, submitUpload } from '../../harness/following.js';

describe('background followers', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'notify-secret-of-32-characters!!' }, (started) => ({ stack, receiver, env } = started));

  it('a second follower of an import already followed in this process finds the lease held and stops', async () => {
    const key = 'background/twice.qcow2';
    await submitUpload(stack, key);
    await patchRecordOf(stack, key, { copies: [{ region: 'cn-east-2', state: 'pending' }], shares: { pins: ['jdpin-alice'], state: 'pending' } });
    const request = await followRequestOf(stack, key);
    const deps = followDepsFor(stack, env);
    // The first progress report is the first follower's claim.
    let claimed: () => void = () => {};
    const claim = new Promise<void>((resolve) => (claimed = resolve));
    const followers = new BackgroundFollowers(deps, () => claimed());
    const before = { ...stack.emulator.counters.requestsByOperation };
    const posts = receiver.received.length;

    const first = followers.start(request);
    // The redelivery comes once the first follower holds the lease.
    await claim;
    const second = followers.start(request);
    const results = await Promise.all([first, second]);
    await followers.stop();
    await deps.close();

    assert.deepEqual(results.map((result) => [result?.outcome, result?.steps === 0]), [['done', false], ['held-elsewhere', true]]);
    const { copyImages, shareImage } = stack.emulator.counters.requestsByOperation;
    assert.deepEqual({ copyImages, shareImage }, { copyImages: before.copyImages + 1, shareImage: before.shareImage + 1 });
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['ready', 'copies-finished']);
  });
});
