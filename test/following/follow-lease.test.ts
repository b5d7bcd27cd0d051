// The lease between the hops of the deployed chain and the followers beside it: a hop passes the
// lease on to the next one, so a watcher (`import --wait`, `status --follow`) never slips in
// between; a hop that finds a process holding the lease watches and hands on rather than end the
// chain; a hand-off that fails takes the passed lease back for fc's retry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FollowRequest } from '../../src/domain/following/index.js';
import type { StatusRecord } from '../../src/domain/status/index.js';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { type FollowHandOff, followImport, followInvocation, followSlice } from '../../src/use-cases/following/index.js';
import { fastFollowTiming, followDepsFor, followingSuite, followRequestOf, patchRecordOf, readRecordOf, submitUpload, writeRecordOf } from '../../harness/following.js';

/**
 * A stand-in for fc's invocations API (the hand-off's far side), recording each request; the
 * deployed-chain test hands off through the fc emulator for real.
 */
function recordingHandOff(): FollowHandOff & { handed: FollowRequest[] } {
  const handed: FollowRequest[] = [];
  return {
    handed,
    handOff: async (request) => {
      handed.push(request);
      return { requestId: `fc-request-${request.hop}` };
    },
    close: async () => {},
  };
}

function leaseOf(record: StatusRecord) {
  const { holder, hop, passedTo } = record.follower ?? {};
  return { holder, hop, passedTo };
}

describe('the lease across hops', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'notify-secret-of-32-characters!!' }, (started) => ({ stack, receiver, env } = started));

  it('a watcher at a hop boundary leaves the lease passed to the next hop, which goes on and notifies', async () => {
    const key = 'lease/boundary.qcow2';
    await submitUpload(stack, key);
    await patchRecordOf(stack, key, { copies: [{ region: 'cn-east-2', state: 'pending' }] });
    const request = await followRequestOf(stack, key);
    const timing = { ...fastFollowTiming, leaseGraceMs: 60_000 };
    const chain = followDepsFor(stack, env, timing);
    const copies = stack.emulator.counters.requestsByOperation.copyImages;
    const posts = receiver.received.length;

    // Hop 0 is at its deadline at once: it claims the lease and passes it on to hop 1.
    const hop0 = await followSlice(request, chain, { holder: 'invocation-0', deadlineMs: Date.now(), atDeadline: 'pass' });
    assert.equal(hop0.outcome, 'continue');
    assert.deepEqual(leaseOf(await readRecordOf(stack, key)), { holder: 'invocation-0', hop: 0, passedTo: 1 });

    // A CLI watcher without IMAGE_NOTIFY_URL starts between the hops.
    const watcherDeps = followDepsFor(stack, {}, timing);
    let firstSeen: (record: StatusRecord) => void = () => {};
    const seen = new Promise<StatusRecord>((resolve) => (firstSeen = resolve));
    const watching = followImport(request, watcherDeps, { holder: 'process-watcher', whileHeldElsewhere: 'watch', onProgress: (record) => firstSeen(record) });
    assert.deepEqual(leaseOf(await seen), { holder: 'invocation-0', hop: 0, passedTo: 1 });
    assert.deepEqual(leaseOf(await readRecordOf(stack, key)), { holder: 'invocation-0', hop: 0, passedTo: 1 });

    // Hop 1 takes the passed lease and does the rest; the watcher sees it done.
    const hop1 = await followSlice({ ...request, hop: 1 }, chain, { holder: 'invocation-1', deadlineMs: Date.now() + 60_000, atDeadline: 'pass' });
    const watched = await watching;
    await Promise.all([chain.close(), watcherDeps.close()]);
    assert.deepEqual([hop1.outcome, watched.outcome, watched.steps], ['done', 'done', 0]);
    const record = await readRecordOf(stack, key);
    assert.deepEqual([record.state, record.copies?.map((copy) => copy.state), leaseOf(record), record.follower?.finished], ['ready', ['ready'], { holder: 'invocation-1', hop: 1, passedTo: undefined }, 'done']);
    assert.equal(stack.emulator.counters.requestsByOperation.copyImages, copies + 1);
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['ready', 'copies-finished']);
  });

  it('a hop that finds a process holding the lease watches it and hands on at its deadline; one held by another invocation is a duplicate and ends', async () => {
    const key = 'lease/process-held.qcow2';
    await submitUpload(stack, key);
    const request = await followRequestOf(stack, key);
    const record = await readRecordOf(stack, key);
    const lease = { leaseUntil: new Date(Date.now() + 600_000).toISOString(), startedAt: request.startedAt, hop: 0 };
    await writeRecordOf(stack, { ...record, follower: { holder: 'process-4242-cli', ...lease } });
    const handOff = recordingHandOff();
    const deps = followDepsFor(stack, env);

    const watched = await followInvocation({ ...request, hop: 2 }, deps, handOff, { holder: 'invocation-2', deadlineMs: Date.now() + 200 });
    assert.deepEqual(watched.follow, { bucket: stack.bucket, key, hop: 2, outcome: 'continue', state: 'submitted', steps: 0, handedOffTo: 'fc-request-3' });
    assert.deepEqual(handOff.handed, [{ ...request, hop: 3 }]);

    await writeRecordOf(stack, { ...record, follower: { holder: 'invocation-9', ...lease } });
    const duplicate = await followInvocation({ ...request, hop: 2 }, deps, handOff, { holder: 'invocation-2b', deadlineMs: Date.now() + 200 });
    await deps.close();
    assert.deepEqual(duplicate.follow, { bucket: stack.bucket, key, hop: 2, outcome: 'held-elsewhere', state: 'submitted', steps: 0 });
    assert.equal(handOff.handed.length, 1);
  });

  it('a hop starts no step that could outlast its timeout: the notification (82.5 s at worst) is left to the next hop', async () => {
    const key = 'lease/worst-case.qcow2';
    await submitUpload(stack, key);
    await patchRecordOf(stack, key, { shares: { pins: ['jdpin-alice'], state: 'pending' } });
    const request = await followRequestOf(stack, key);
    const deps = followDepsFor(stack, env);
    const posts = receiver.received.length;

    // 70 s before the hard deadline: the polls (60 s at worst) and the share (35 s) fit, the notification does not.
    const hop0 = await followSlice(request, deps, { holder: 'invocation-0', deadlineMs: Date.now() + 600_000, hardDeadlineMs: Date.now() + 70_000, atDeadline: 'pass' });
    const handedOn = await readRecordOf(stack, key);
    assert.deepEqual([hop0.outcome, handedOn.state, handedOn.shares?.state, handedOn.notifications, leaseOf(handedOn)], ['continue', 'ready', 'shared', undefined, { holder: 'invocation-0', hop: 0, passedTo: 1 }]);
    assert.equal(receiver.received.length, posts);

    const hop1 = await followSlice({ ...request, hop: 1 }, deps, { holder: 'invocation-1', deadlineMs: Date.now() + 600_000, hardDeadlineMs: Date.now() + 300_000, atDeadline: 'pass' });
    await deps.close();
    assert.deepEqual([hop1.outcome, hop1.steps], ['done', 1]);
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['ready']);
  });

  it('a hand-off that fails takes the passed lease back, so fc\'s retry of the invocation takes over at once', async () => {
    const key = 'lease/hand-off-fails.qcow2';
    await submitUpload(stack, key);
    const request = await followRequestOf(stack, key);
    const deps = followDepsFor(stack, env, { ...fastFollowTiming, leaseGraceMs: 60_000 });
    const refused: FollowHandOff = {
      handOff: async () => {
        throw new Error('fc refused the invocation');
      },
      close: async () => {},
    };
    await assert.rejects(followInvocation(request, deps, refused, { holder: 'invocation-a', deadlineMs: Date.now() }), { message: 'fc refused the invocation' });
    const recalled = await readRecordOf(stack, key);
    assert.deepEqual(leaseOf(recalled), { holder: 'invocation-a', hop: 0, passedTo: undefined });
    assert.ok(Date.parse(recalled.follower?.leaseUntil ?? '') <= Date.now(), 'the lease is let go');

    const retried = await followInvocation(request, deps, recordingHandOff(), { holder: 'invocation-b', deadlineMs: Date.now() + 60_000 });
    await deps.close();
    assert.deepEqual([retried.follow.outcome, retried.follow.state], ['done', 'ready']);
  });
});
