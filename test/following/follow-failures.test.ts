// The follower when things go wrong: a copy that may or may not have started, throttling, a
// refused share, an interrupted follower, the maximum follow time, a new upload of the key, a
// receiver that is down, and final outcomes that need only a notification.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusRecord } from '../../src/domain/status/index.js';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { followImport } from '../../src/use-cases/following/index.js';
import { followDepsFor, followingSuite, followRequestOf, patchRecordOf, readRecordOf, submitUpload } from '../../harness/following.js';

const calls = (stack: DevStack, operation: 'copyImages' | 'shareImage' | 'describeImageTasks') => stack.emulator.counters.requestsByOperation[operation];

describe('the follower when things go wrong', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'notify-secret-of-32-characters!!' }, (started) => ({ stack, receiver, env } = started));

  async function follow(key: string, overrides: Partial<ReturnType<typeof followDepsFor>> = {}) {
    const deps = { ...followDepsFor(stack, env), ...overrides };
    try {
      const result = await followImport(await followRequestOf(stack, key), deps);
      return { result, record: await readRecordOf(stack, key) };
    } finally {
      await deps.close();
    }
  }

  it('a copyImages whose answer is lost is never asked again: that copy ends in error, the other is made', async () => {
    const key = 'fail/dropped-copy.qcow2';
    await submitUpload(stack, key);
    await patchRecordOf(stack, key, { copies: [{ region: 'cn-east-2', state: 'pending' }, { region: 'cn-south-1', state: 'pending' }] });
    const before = calls(stack, 'copyImages');
    stack.emulator.injectFault({ kind: 'drop', afterProcessing: true, operation: 'copyImages' });
    const { result, record } = await follow(key);

    assert.equal(result.outcome, 'done');
    assert.equal(calls(stack, 'copyImages'), before + 2);
    // JD made the copy to cn-east-2, but the follower never saw its id.
    assert.equal(stack.emulator.images('cn-east-2').filter((image) => image.copiedFrom?.imageId === record.imageId).length, 1);
    const [lost, made] = record.copies ?? [];
    assert.deepEqual({ ...lost, requestedAt: undefined }, {
      region: 'cn-east-2',
      state: 'error',
      requestedAt: undefined,
      message: `copyImages may have reached JD (POST ${stack.vmEndpoint}/v1/regions/cn-north-1/images:copyImages failed: network error: UND_ERR_SOCKET other side closed (1 attempt)); it is not asked again, so no second copy is made: look for a copy of the image in this region.`,
    });
    assert.equal(made?.state, 'ready');
    assert.deepEqual(receiver.received.slice(-2).map((post) => post.headers['x-oss-image-import-event']), ['ready', 'copies-finished']);
  });

  it('a throttled copyImages (429) did nothing, so it is asked again after a wait', async () => {
    const key = 'fail/throttled-copy.qcow2';
    await submitUpload(stack, key);
    await patchRecordOf(stack, key, { copies: [{ region: 'cn-east-1', state: 'pending' }] });
    const before = calls(stack, 'copyImages');
    stack.emulator.injectFault({ kind: 'status', status: 429, operation: 'copyImages' });
    const { record } = await follow(key);
    assert.equal(calls(stack, 'copyImages'), before + 2);
    assert.deepEqual(record.copies?.map((copy) => copy.state), ['ready']);
    assert.equal(stack.emulator.images('cn-east-1').filter((image) => image.copiedFrom?.imageId === record.imageId).length, 1);
  });

  it('a share JD refuses ends in error with its message; the ready notification still goes out', async () => {
    const key = 'fail/refused-share.qcow2';
    await submitUpload(stack, key);
    await patchRecordOf(stack, key, { shares: { pins: ['jdpin-mallory'], state: 'pending' } });
    stack.emulator.injectFault({ kind: 'status', status: 400, apiStatus: 'INVALID_ARGUMENT', message: "Pin 'jdpin-mallory' does not exist", operation: 'shareImage' });
    const posts = receiver.received.length;
    const { record } = await follow(key);
    assert.deepEqual({ ...record.shares, at: undefined }, {
      pins: ['jdpin-mallory'],
      state: 'error',
      at: undefined,
      message: `JD refused to share the image: POST ${stack.vmEndpoint}/v1/regions/cn-north-1/images/${record.imageId ?? ''}:share failed with HTTP 400 INVALID_ARGUMENT: Pin 'jdpin-mallory' does not exist (code 400, request id ${stack.emulator.requests.filter((request) => request.operation === 'shareImage').at(-1)?.requestId ?? ''}, 1 attempt)`,
    });
    const [ready] = receiver.received.slice(posts);
    assert.equal(ready?.headers['x-oss-image-import-event'], 'ready');
    assert.equal((JSON.parse(ready?.body ?? '{}') as { record: StatusRecord }).record.shares?.state, 'error');
  });

  it('a copy left copying without an id by a follower that stopped ends in error, without a second copyImages', async () => {
    const key = 'fail/orphan.qcow2';
    await submitUpload(stack, key);
    const expired = new Date(Date.now() - 1000).toISOString();
    const record = await patchRecordOf(stack, key, {
      state: 'ready',
      copies: [{ region: 'cn-south-1', state: 'copying', requestedAt: '2026-12-05T10:00:00.000Z' }],
      follower: { holder: 'invocation-that-died', leaseUntil: expired, startedAt: new Date().toISOString(), hop: 3 },
    });
    const before = calls(stack, 'copyImages');
    const { result, record: after } = await follow(key);
    assert.equal(result.outcome, 'done');
    assert.equal(calls(stack, 'copyImages'), before);
    assert.deepEqual(after.copies, [
      {
        region: 'cn-south-1',
        state: 'error',
        requestedAt: '2026-12-05T10:00:00.000Z',
        message: `copyImages to cn-south-1 was called at 2026-12-05T10:00:00.000Z but its answer was never recorded (the follower stopped in between); it is not asked again, so no second copy is made: look for a copy of ${record.imageId ?? ''} in cn-south-1.`,
      },
    ]);
    assert.equal(after.follower?.hop, 0);
  });

  it('after IMAGE_FOLLOW_MAX_HOURS an import still running is error, with how long it was followed, and is notified', async () => {
    const key = 'fail/too-long.qcow2';
    const submitted = await submitUpload(stack, key);
    const request = { ...(await followRequestOf(stack, key)), startedAt: new Date(Date.now() - 25 * 3_600_000).toISOString() };
    const deps = followDepsFor(stack, env);
    const polls = calls(stack, 'describeImageTasks');
    const posts = receiver.received.length;
    const result = await followImport(request, deps);
    await deps.close();
    const record = await readRecordOf(stack, key);
    assert.equal(result.outcome, 'done');
    assert.equal(calls(stack, 'describeImageTasks'), polls);
    assert.deepEqual([record.state, record.error, record.follower?.finished], [
      'error',
      {
        message: `The import did not finish: followed for 24 h (IMAGE_FOLLOW_MAX_HOURS), no answer about it yet. Check it with \`oss-image-import tasks --task-id ${submitted.taskId ?? ''}\`; upload the image again (or \`backfill --force\`) to start over.`,
        retryable: false,
      },
      'gave-up',
    ]);
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['error']);
  });

  it('an import JD fails ends in error with its message; the copies and the share are never asked for, and error is notified', async () => {
    const key = 'fail/jd-failed.qcow2';
    stack.emulator.failNextImport('ImageCheckFailed: no bootable partition found');
    await submitUpload(stack, key);
    await patchRecordOf(stack, key, { copies: [{ region: 'cn-east-2', state: 'pending' }], shares: { pins: ['jdpin-alice'], state: 'pending' } });
    const before = { copies: calls(stack, 'copyImages'), shares: calls(stack, 'shareImage') };
    const posts = receiver.received.length;
    const { result, record } = await follow(key);
    assert.equal(result.outcome, 'done');
    assert.deepEqual(
      { state: record.state, message: record.task?.message, copies: record.copies, shares: record.shares },
      {
        state: 'error',
        message: 'ImageCheckFailed: no bootable partition found',
        copies: [{ region: 'cn-east-2', state: 'error', message: 'Not copied: the import ended in error, so there is no image.' }],
        shares: { pins: ['jdpin-alice'], state: 'error', message: 'Not shared: the import ended in error, so there is no image.' },
      },
    );
    assert.deepEqual({ copies: calls(stack, 'copyImages'), shares: calls(stack, 'shareImage') }, before);
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['error']);
  });

  it('a record of a newer upload of the key is left alone', async () => {
    const key = 'fail/superseded.qcow2';
    await submitUpload(stack, key);
    const request = await followRequestOf(stack, key);
    const newer = await patchRecordOf(stack, key, { clientToken: 'oii-a-newer-upload', source: { ...request, etag: 'another-etag' } });
    const deps = followDepsFor(stack, env);
    const result = await followImport(request, deps);
    await deps.close();
    assert.equal(result.outcome, 'superseded');
    assert.deepEqual(await readRecordOf(stack, key), newer);
  });

  it('a receiver that keeps failing is recorded as such; the import is done all the same', async () => {
    const key = 'fail/receiver-down.qcow2';
    await submitUpload(stack, key);
    receiver.answerNext(500, 500, 500, 500);
    const { result, record } = await follow(key, { deliveryOptions: { delaysMs: [1] } });
    assert.equal(result.outcome, 'done');
    assert.equal(record.state, 'ready');
    assert.deepEqual({ ...record.notifications?.[0], at: undefined, id: undefined }, {
      event: 'ready',
      id: undefined,
      delivered: false,
      attempts: 4,
      at: undefined,
      httpStatus: 500,
      error: `${receiver.url} answered HTTP 500`,
    });
  });

  it('a rejected upload is notified once and asks JD nothing; a transient failure is not final and is not notified', async () => {
    const key = 'fail/rejected.qcow2';
    await submitUpload(stack, key);
    const requests = stack.emulator.counters.requests;
    await patchRecordOf(stack, key, { state: 'rejected', problems: [{ code: 'missing-platform', field: 'platform', message: 'platform is missing' }] });
    const posts = receiver.received.length;
    assert.equal((await follow(key)).result.outcome, 'done');
    assert.equal((await follow(key)).result.outcome, 'done');
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['rejected']);

    await patchRecordOf(stack, key, { state: 'failed', error: { message: 'HTTP 503', retryable: true }, notifications: [] });
    const { result, record } = await follow(key);
    assert.equal(result.outcome, 'done');
    assert.deepEqual(record.notifications, []);
    assert.equal(receiver.received.length, posts + 1);
    assert.equal(stack.emulator.counters.requests, requests);
  });
});
