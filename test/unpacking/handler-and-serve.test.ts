// Packed uploads through the deployed handler (with the function's time limit, from
// OSS_IMAGE_IMPORT_FC_TIMEOUT, which the plugin sets) and through `serve` (without one), on the local stack.
// The clock is injected (Date stands still), so a busy machine never runs the handler out of its
// 1 s of unpacking; running out of time is test/unpacking/deadline-stall.test.ts's.
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { after, before, describe, it, mock } from 'node:test';
import { closeHandlerClients, handler } from '../../functions/import-image/handler.js';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packedCases } from '../../harness/packed-cases.js';
import { packFiles } from '../../harness/packed-images.js';
import { objectBytes } from '../../harness/unpack-checks.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

describe('packed uploads through the function handler and serve', () => {
  let stack: DevStack;
  const saved = { ...process.env };
  const [gz, , , , zip] = packedCases();

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    // A 61 s function: 1 s for unpacking after the 60 s margin for the import, by a clock that
    // does not move (the estimate still refuses what would take longer).
    Object.assign(process.env, stackEnv(stack), { OSS_IMAGE_IMPORT_FC_TIMEOUT: '61' });
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
  });
  after(async () => {
    mock.timers.reset();
    process.env = saved;
    await closeHandlerClients();
    await stack.stop();
  });

  it('the handler unpacks and imports a .gz; the sibling\'s own event changes nothing', async () => {
    await upload(stack, 'fn/disk.qcow2.gz', gz!.packed, { metadata: { platform: 'Ubuntu' } });
    const summary = await handler(await ossTriggerEvent(stack, 'fn/disk.qcow2.gz'), {});
    assert.equal(summary.submitted, 1, JSON.stringify(summary));
    assert.equal(summary.outcomes[0]?.unpackedTo?.key, 'fn/disk.qcow2');
    const sibling = await handler(await ossTriggerEvent(stack, 'fn/disk.qcow2'), {});
    assert.equal(sibling.duplicates, 1);
    const redelivered = await handler(await ossTriggerEvent(stack, 'fn/disk.qcow2.gz'), {});
    assert.equal(redelivered.duplicates, 1);
    assert.equal(stack.emulator.counters.imagesCreated, 1);
  });

  it('the handler refuses, without unpacking, an upload it estimates would not unpack in its time', async () => {
    const raw = makeDiskImage('raw', '4M');
    randomFillSync(raw); // bzip2 at 5 MB/s: about 2 s of the 1 s the function has
    await upload(stack, 'fn/slow.raw.bz2', packFiles('bzip2', [{ name: 'slow.raw', bytes: raw }]), { metadata: { platform: 'Ubuntu' } });
    const summary = await handler(await ossTriggerEvent(stack, 'fn/slow.raw.bz2'), {});
    assert.equal(summary.rejected, 1);
    const outcome = summary.outcomes[0];
    assert.deepEqual(outcome?.outcome === 'rejected' ? outcome.problems.map((problem) => problem.code) : [], ['unpack-too-slow-for-function']);
    assert.match(outcome?.outcome === 'rejected' ? (outcome.problems[0]?.message ?? '') : '', /Unpack and import it with the CLI, which has no time limit: oss-image-import import s3:\/\/images\/fn\/slow\.raw\.bz2 — or run oss-image-import serve next to the bucket\./);
    assert.equal(await objectBytes(stack.s3, stack.bucket, 'fn/slow.raw'), undefined);
  });

  it('serve unpacks and imports a .zip it is notified of, answering 200 with the summary', async () => {
    await upload(stack, 'srv/one.zip', zip!.packed, { metadata: { platform: 'Ubuntu' } });
    const token = 'unpack-serve-token-0123456789';
    const controller = new AbortController();
    const { io, captured } = captureIo({ ...stackEnv(stack), NOTIFY_TOKEN: token }, { signal: controller.signal });
    const exit = runCli(['serve', '--port', '0', '--json'], io);
    while (!captured.out.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
    const { notificationUrl } = JSON.parse(captured.out) as { notificationUrl: string };
    const event = { Records: [{ eventVersion: '2.2', eventSource: 'ceph:s3', awsRegion: '', eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 'srv/one.zip' } } }] };
    const response = await fetch(`${notificationUrl}?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    const { outcome } = (await response.json()) as { outcome: { summary: { submitted: number; outcomes: Array<{ unpackedTo?: { key: string } }> } } };
    controller.abort();
    assert.equal(await exit, 0);
    assert.equal(response.status, 200);
    assert.equal(outcome.summary.submitted, 1);
    assert.equal(outcome.summary.outcomes[0]?.unpackedTo?.key, 'srv/one.qcow2');
    assert.deepEqual(await objectBytes(stack.s3, stack.bucket, 'srv/one.qcow2'), zip!.image);
  });
});
