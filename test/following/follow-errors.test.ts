// The follower when a call fails mid-follow-through: a failure that may pass (the store or JD
// answering 503 through every retry) is waited out and the follow-through goes on; one that no
// wait mends (a denied call) ends it, says why in the record and lets go of the lease. Nothing
// is thrown either way: a throw would end the follow-through with its lease still held.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { followImport } from '../../src/use-cases/following/index.js';
import { followDepsFor, followingSuite, followRequestOf, readRecordOf, submitUpload, writeRecordOf } from '../../harness/following.js';
import { localOssClient, refuseS3Requests } from '../../harness/s3-requests.js';

describe('the follower when JD or the store fail mid-follow-through', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'notify-secret-of-32-characters!!' }, (started) => ({ stack, receiver, env } = started));

  it('a status record the store fails to read twice in the middle of a step: waited out, then followed to ready and notified', async (t) => {
    const key = 'errors/store-blip.qcow2';
    await submitUpload(stack, key);
    const s3 = localOssClient(stack.ossEndpoint);
    t.after(() => s3.destroy());
    // The first read and the claim's read-back go through; the next two reads (within the first poll's step) fail.
    let recordReads = 0;
    refuseS3Requests(s3, (request) => request.operation === 'GetObject' && request.key === `.image-import/${key}.json` && [3, 4].includes(++recordReads));
    const deps = { ...followDepsFor(stack, env), s3 };
    const posts = receiver.received.length;
    const result = await followImport(await followRequestOf(stack, key), deps);
    await deps.close();

    assert.ok(recordReads > 4, `${recordReads} record reads`);
    assert.deepEqual([result.outcome, result.error], ['done', undefined]);
    const record = await readRecordOf(stack, key);
    assert.deepEqual([record.state, record.follower?.finished, record.follower?.error], ['ready', 'done', undefined]);
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['ready']);
  });

  it('JD answering 503 to every retry of a poll: waited out, then followed to ready', async () => {
    const key = 'errors/jd-unavailable.qcow2';
    await submitUpload(stack, key);
    const polls = stack.emulator.counters.requestsByOperation.describeImageTasks;
    // Four attempts is all the client makes: the first poll fails as a whole.
    stack.emulator.injectFault({ kind: 'status', status: 503, operation: 'describeImageTasks', count: 4 });
    const deps = followDepsFor(stack, env);
    const result = await followImport(await followRequestOf(stack, key), deps);
    await deps.close();

    assert.equal(result.outcome, 'done');
    assert.ok(stack.emulator.counters.requestsByOperation.describeImageTasks >= polls + 5);
    const record = await readRecordOf(stack, key);
    assert.deepEqual([record.state, record.follower?.finished], ['ready', 'done']);
  });

  it('JD refusing the poll (403) ends the follow-through: the record says why, the lease is let go, nothing is retried', async () => {
    const key = 'errors/jd-forbidden.qcow2';
    const submitted = await submitUpload(stack, key);
    stack.emulator.injectFault({ kind: 'status', status: 403, apiStatus: 'HTTP_FORBIDDEN', message: 'Not authorized to describeImageTasks', operation: 'describeImageTasks' });
    const polls = stack.emulator.counters.requestsByOperation.describeImageTasks;
    const deps = followDepsFor(stack, env);
    const result = await followImport(await followRequestOf(stack, key), deps);
    await deps.close();

    const refused = stack.emulator.requests.filter((request) => request.operation === 'describeImageTasks').at(-1);
    const message = `GET ${stack.vmEndpoint}${refused?.target ?? ''} failed with HTTP 403 HTTP_FORBIDDEN: Not authorized to describeImageTasks (code 403, request id ${refused?.requestId ?? ''}, 1 attempt)`;
    assert.deepEqual([result.outcome, result.error], ['failed', message]);
    assert.equal(stack.emulator.counters.requestsByOperation.describeImageTasks, polls + 1);
    const record = await readRecordOf(stack, key);
    assert.equal(record.state, 'submitted');
    assert.equal(record.taskId, submitted.taskId);
    assert.deepEqual({ ...record.follower, leaseUntil: undefined, startedAt: undefined }, { holder: record.follower?.holder, leaseUntil: undefined, startedAt: undefined, hop: 0, error: message });
    assert.ok(Date.parse(record.follower?.leaseUntil ?? '') <= Date.now(), 'the lease is let go');

    // Once the cause is gone, another follower goes on from there (the error was not final for the import).
    const again = followDepsFor(stack, env);
    const resumed = await followImport(await followRequestOf(stack, key), again);
    await again.close();
    assert.equal(resumed.outcome, 'done');
    const done = await readRecordOf(stack, key);
    assert.deepEqual([done.state, done.follower?.finished, done.follower?.error], ['ready', 'done', undefined]);
  });

  it('JD refusing describeImages in a copy\'s region ends that copy in error with JD\'s message, instead of asking again for a day', async () => {
    const key = 'errors/copy-forbidden.qcow2';
    const submitted = await submitUpload(stack, key);
    const copying = { region: 'cn-east-2', state: 'copying' as const, destinationImageId: 'img-copy0001', progress: 0, requestedAt: '2026-12-05T10:00:00.000Z' };
    await writeRecordOf(stack, { ...submitted, state: 'ready', copies: [copying] });
    stack.emulator.injectFault({ kind: 'status', status: 403, apiStatus: 'HTTP_FORBIDDEN', message: 'Not authorized in cn-east-2', operation: 'describeImages' });
    const deps = followDepsFor(stack, env);
    const result = await followImport(await followRequestOf(stack, key), deps);
    await deps.close();

    const refused = stack.emulator.requests.filter((request) => request.operation === 'describeImages').at(-1);
    assert.equal(refused?.region, 'cn-east-2');
    const record = await readRecordOf(stack, key);
    assert.equal(result.outcome, 'done');
    assert.deepEqual(record.copies, [
      {
        ...copying,
        state: 'error',
        message: `The copy img-copy0001 in cn-east-2 is no longer followed: JD refused to describe it (GET ${stack.vmEndpoint}${refused?.target ?? ''} failed with HTTP 403 HTTP_FORBIDDEN: Not authorized in cn-east-2 (code 403, request id ${refused?.requestId ?? ''}, 1 attempt)); it may still become ready there.`,
      },
    ]);
  });

  it('a store that denies writing the record: the follow-through ends in failed, without a throw', async (t) => {
    const key = 'errors/store-denied.qcow2';
    await submitUpload(stack, key);
    const s3 = localOssClient(stack.ossEndpoint);
    t.after(() => s3.destroy());
    refuseS3Requests(s3, (request) => request.operation === 'PutObject', { name: 'AccessDenied', status: 403, message: 'Access Denied' });
    const deps = { ...followDepsFor(stack, env), s3 };
    const result = await followImport(await followRequestOf(stack, key), deps);
    await deps.close();

    assert.deepEqual([result.outcome, result.steps], ['failed', 0]);
    assert.equal(
      result.error,
      `PutObject s3://${stack.bucket}/.image-import/${key}.json failed: AccessDenied (HTTP 403). Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may write to the bucket.`,
    );
    assert.equal((await readRecordOf(stack, key)).follower, undefined);
  });
});
