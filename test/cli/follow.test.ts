// `import --wait` and `status --follow` on the local stack: the follow-through in the CLI's
// process, progress on stderr, one final document on stdout with --json.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { StatusRecord } from '../../src/domain/status/index.js';
import type { DevStack, WebhookReceiver } from '../../src/edges/local/index.js';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { followingSuite, readRecordOf, submitUpload, writeRecordOf } from '../../harness/following.js';
import { upload } from '../../harness/local-stack.js';

const secret = 'cli-notify-secret-0123456789';

describe('import --wait and status --follow', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret }, (started) => ({ stack, receiver, env } = started));

  it('import --wait --json: exit 0, one import, one copyImages per region, one shareImage, the copies in the record, a signed ready notification', async () => {
    const key = 'cli/ubuntu.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), {
      metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2,cn-south-1', 'share-with': 'jdpin-alice,jdpin-bob' },
    });
    const posts = receiver.received.length;
    const { io, captured } = captureIo(env);
    const code = await runCli(['import', `s3://${stack.bucket}/${key}`, '--wait', '--json'], io);

    assert.equal(code, 0, captured.err);
    const document = JSON.parse(captured.out) as { outcome: string; imageId: string; record: StatusRecord };
    assert.equal(document.outcome, 'submitted');
    const { record } = document;
    assert.deepEqual(record, await readRecordOf(stack, key));
    const copies = stack.emulator.images().filter((image) => image.copiedFrom?.imageId === document.imageId);
    assert.deepEqual(
      { state: record.state, copies: record.copies?.map((copy) => [copy.region, copy.state, copy.destinationImageId]), shares: record.shares?.state },
      { state: 'ready', copies: [['cn-east-2', 'ready', copies[0]?.imageId], ['cn-south-1', 'ready', copies[1]?.imageId]], shares: 'shared' },
    );
    const { importImage, copyImages, shareImage } = stack.emulator.counters.requestsByOperation;
    assert.deepEqual({ importImage, copyImages, shareImage }, { importImage: 1, copyImages: 2, shareImage: 1 });
    assert.deepEqual(stack.emulator.images('cn-north-1').find((image) => image.imageId === document.imageId)?.sharedWith, ['jdpin-alice', 'jdpin-bob']);

    const [ready, finished] = receiver.received.slice(posts);
    assert.equal(ready?.headers['x-oss-image-import-event'], 'ready');
    assert.equal(ready?.headers['x-oss-image-import-signature'], `sha256=${createHmac('sha256', secret).update(ready?.body ?? '').digest('hex')}`);
    assert.equal((JSON.parse(ready?.body ?? '{}') as { event: string; record: StatusRecord }).record.state, 'ready');
    assert.equal(finished?.headers['x-oss-image-import-event'], 'copies-finished');

    // Progress on stderr: percent, state and elapsed time, from submitted to the end.
    const lines = captured.err.trim().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^s3://${stack.bucket}/cli/ubuntu\\.qcow2: 0% submitted · copies cn-east-2 pending, cn-south-1 pending · share pending · \\d+s$`));
    assert.match(lines.at(-1) ?? '', /: 100% ready · copies cn-east-2 ready, cn-south-1 ready · shared · notified ready, copies-finished · \d+s$/);
  });

  it('import --wait without --json prints the outcome, then how it ended; a rejection exits 3 after its notification', async () => {
    const key = 'cli/no-platform.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'));
    const posts = receiver.received.length;
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['import', `s3://${stack.bucket}/${key}`, '--wait'], io), 3);
    assert.equal(
      captured.out,
      `Rejected s3://${stack.bucket}/${key}:\n  - platform is missing: set metadata or a tag "platform" to one of Ubuntu, CentOS, Windows Server, OpenEuler, Rocky Linux, Other Linux, Other Windows.\n` +
        `Rejected: s3://${stack.bucket}/${key}; notified rejected.\n`,
    );
    assert.deepEqual(receiver.received.slice(posts).map((post) => post.headers['x-oss-image-import-event']), ['rejected']);
  });

  it('import --wait exits 1 when a copy ends in error, though the image is ready', async () => {
    const key = 'cli/copy-refused.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2' } });
    stack.emulator.injectFault({ kind: 'status', status: 400, apiStatus: 'INVALID_ARGUMENT', message: 'Image quota exceeded in cn-east-2', operation: 'copyImages' });
    const { io, captured } = captureIo(env);
    const code = await runCli(['import', `s3://${stack.bucket}/${key}`, '--wait'], io);
    const record = await readRecordOf(stack, key);
    assert.deepEqual([code, record.state, record.copies?.map((copy) => copy.state)], [1, 'ready', ['error']]);
    const refused = stack.emulator.requests.filter((request) => request.operation === 'copyImages').at(-1);
    assert.equal(
      captured.out,
      `Submitted s3://${stack.bucket}/${key}: image ${record.imageId ?? ''}, task ${record.taskId ?? ''}.\n` +
        `Ready: s3://${stack.bucket}/${key} (image ${record.imageId ?? ''}); copy cn-east-2 error (JD refused the copy: POST ${stack.vmEndpoint}/v1/regions/cn-north-1/images:copyImages failed with HTTP 400 INVALID_ARGUMENT: Image quota exceeded in cn-east-2 (code 400, request id ${refused?.requestId ?? ''}, 1 attempt)); notified ready; notified copies-finished.\n`,
    );
  });

  it('import --wait stopped with Ctrl-C exits 1, even once the image is ready', async () => {
    const key = 'cli/interrupted.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2' } });
    const controller = new AbortController();
    const { io, captured } = captureIo(env, { signal: controller.signal });
    // Ctrl-C as soon as the progress line says ready: the copy is still to come.
    const err = io.err;
    io.err = (text) => {
      err(text);
      if (text.includes('100% ready')) controller.abort();
    };
    const code = await runCli(['import', `s3://${stack.bucket}/${key}`, '--wait'], io);
    const record = await readRecordOf(stack, key);
    assert.deepEqual([code, record.state], [1, 'ready']);
    assert.notEqual(record.copies?.[0]?.state, 'ready');
    assert.match(captured.err, new RegExp(`Stopped following cli/interrupted\\.qcow2; \\\`oss-image-import status s3://${stack.bucket}/cli/interrupted\\.qcow2 --follow\\\` goes on\\.\\n$`));
  });

  it('status --follow announces no old record late: notifications switched on now reach only records of the last IMAGE_FOLLOW_MAX_HOURS', async () => {
    const old = await submitUpload(stack, 'aged/old.qcow2');
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000).toISOString();
    await writeRecordOf(stack, { ...old, state: 'ready', createdAt: twoDaysAgo, updatedAt: twoDaysAgo });
    await upload(stack, 'aged/new.qcow2', makeDiskImage('qcow2', '1G'));
    const { io: importIo } = captureIo(env);
    assert.equal(await runCli(['import', `s3://${stack.bucket}/aged/new.qcow2`], importIo), 3);
    const posts = receiver.received.length;

    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['status', `s3://${stack.bucket}/aged/`, '--follow', '--json'], io), 0, captured.err);
    assert.deepEqual(
      receiver.received.slice(posts).map((post) => [post.headers['x-oss-image-import-event'], (JSON.parse(post.body) as { record: StatusRecord }).record.source.key]),
      [['rejected', 'aged/new.qcow2']],
    );
    assert.equal((await readRecordOf(stack, 'aged/old.qcow2')).notifications, undefined);
  });

  it('status --follow --json follows what is under way under the prefix, then prints the records', async () => {
    const submitted = await submitUpload(stack, 'watched/a.qcow2', { 'copy-to-regions': 'cn-east-1' });
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['status', `s3://${stack.bucket}/watched/`, '--follow', '--json'], io), 0, captured.err);
    const { records } = JSON.parse(captured.out) as { records: Array<{ key: string; record: StatusRecord }> };
    assert.deepEqual(
      records.map(({ key, record }) => [key, record.state, record.imageId, record.copies?.map((copy) => copy.state)]),
      [['watched/a.qcow2', 'ready', submitted.imageId, ['ready']]],
    );
    assert.match(captured.err, /watched\/a\.qcow2: 100% ready · copies cn-east-1 ready · notified ready, copies-finished · \d+s\n$/);
  });
});
