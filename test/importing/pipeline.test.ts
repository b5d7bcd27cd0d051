import assert from 'node:assert/strict';
import { DeleteObjectCommand, GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import { processUpload } from '../../src/use-cases/importing/pipeline.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { statusRecordOf } from '../../harness/unpack-checks.js';
import { localOssClient, recordS3Requests, refuseS3Requests } from '../../harness/s3-requests.js';
import { rawKeyNotification, readStatusRecordOf } from './stack-records.js';

/** An S3-style notification for keys in the stack's bucket, as s3rver or RGW send it (raw key). */
function notification(stack: DevStack, keys: string[], eventName = 'ObjectCreated:Put') {
  return rawKeyNotification(stack.bucket, keys, eventName);
}

/** The in-flight marker's size, or undefined when there is none. */
async function markerSize(stack: DevStack, key: string): Promise<number | undefined> {
  try {
    return (await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${key}.in-flight` }))).ContentLength;
  } catch (error) {
    if (error instanceof Error && error.name === 'NotFound') return undefined;
    throw error;
  }
}

const readRecord = readStatusRecordOf;

describe('the pipeline against the local OSS and the VM API emulator', () => {
  let stack: DevStack;
  let qcow2: Buffer;
  const ubuntu = { platform: 'Ubuntu', 'os-version': '22.04' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    qcow2 = makeDiskImage('qcow2', '1G');
  });
  after(async () => stack.stop());

  it('imports ubuntu-22.04.qcow2 with platform and os-version metadata, and records it', async () => {
    await upload(stack, 'ubuntu-22.04.qcow2', qcow2, { metadata: ubuntu });
    const summary = await handleEvent(notification(stack, ['ubuntu-22.04.qcow2']), stack.deps);
    assert.equal(summary.submitted, 1);
    const outcome = summary.outcomes[0];
    assert.equal(outcome?.outcome, 'submitted');

    const record = await readRecord(stack, 'ubuntu-22.04.qcow2');
    assert.equal(record.version, 1);
    assert.equal(record.state, 'submitted');
    assert.equal(record.source.bucket, stack.bucket);
    assert.equal(record.source.key, 'ubuntu-22.04.qcow2');
    assert.equal(record.source.size, qcow2.length);
    assert.match(record.imageId ?? '', /^img-/);
    assert.ok(record.taskId !== undefined && record.taskId !== '');
    const request = record.request as Record<string, unknown>;
    assert.deepEqual(
      { ...request, imageUrl: undefined, clientToken: undefined },
      {
        architecture: 'x86_64',
        osType: 'linux',
        platform: 'Ubuntu',
        diskFormat: 'qcow2',
        systemDiskSizeGB: 40,
        imageName: 'ubuntu-22-04',
        osVersion: '22.04',
        description: `Imported by oss-image-import from oss://${stack.bucket}/ubuntu-22.04.qcow2`,
        imageUrl: undefined,
        clientToken: undefined,
      },
    );
    const imageUrl = new URL(String(request['imageUrl']));
    assert.equal(imageUrl.host, `${stack.bucket}.s3-internal.cn-north-1.jdcloud-oss.com`);
    assert.equal(imageUrl.pathname, '/ubuntu-22.04.qcow2');
    assert.equal(imageUrl.searchParams.get('X-Amz-Signature'), 'REDACTED');
    assert.equal(imageUrl.searchParams.get('X-Amz-Expires'), String(24 * 3600));
    assert.match(imageUrl.searchParams.get('X-Amz-Credential') ?? '', /^REDACTED\/\d{8}\/cn-north-1\/s3\/aws4_request$/);

    const tags = await stack.s3.send(new GetObjectTaggingCommand({ Bucket: stack.bucket, Key: 'ubuntu-22.04.qcow2' }));
    assert.deepEqual(
      Object.fromEntries((tags.TagSet ?? []).map((tag) => [tag.Key, tag.Value])),
      { 'image-import-state': 'submitted', 'image-import-image-id': record.imageId },
    );
    // The in-flight marker next to the record: empty, so the scheduled refresh finds the import.
    assert.equal(await markerSize(stack, 'ubuntu-22.04.qcow2'), 0);
    assert.equal(outcome?.outcome === 'submitted' ? outcome.warnings : 'not submitted', undefined);
  });

  it('writes the in-flight marker alongside the record, not after it', async () => {
    await upload(stack, 'marker/order.qcow2', qcow2, { metadata: ubuntu });
    const s3 = localOssClient(stack.ossEndpoint);
    const requests = recordS3Requests(s3);
    // The first status PUT is held until a second one is sent. A pipeline that waited for the
    // record before writing the marker (or the other way round) lets the hold time out.
    let release = () => {};
    const secondSent = new Promise<'released'>((resolve) => {
      release = () => resolve('released');
    });
    let firstHeld: string | undefined;
    let statusPuts = 0;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: string }).Key ?? '';
        if (context.commandName === 'PutObjectCommand' && key.startsWith('.image-import/marker/order.qcow2.')) {
          statusPuts++;
          if (statusPuts === 1) firstHeld = await Promise.race([secondSent, sleep(2_000, 'timed out', { ref: false })]);
          else release();
        }
        return next(args);
      },
      { step: 'initialize', name: 'holdFirstStatusWrite' },
    );
    try {
      const summary = await handleEvent(notification(stack, ['marker/order.qcow2']), { ...stack.deps, s3 });
      assert.equal(summary.submitted, 1);
      assert.equal(firstHeld, 'released');
      const puts = requests.filter((request) => request.operation === 'PutObject').map((request) => request.key);
      assert.deepEqual(puts.sort(), ['.image-import/marker/order.qcow2.in-flight', '.image-import/marker/order.qcow2.json']);
    } finally {
      s3.destroy();
    }
  });

  it('still imports and records when the store refuses the in-flight marker, and says so', async () => {
    await upload(stack, 'marker/refused.qcow2', qcow2, { metadata: ubuntu });
    const s3 = localOssClient(stack.ossEndpoint);
    refuseS3Requests(s3, (request) => request.operation === 'PutObject' && request.key?.endsWith('.in-flight') === true);
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    try {
      const summary = await handleEvent(notification(stack, ['marker/refused.qcow2']), { ...stack.deps, s3, logger });
      assert.equal(summary.submitted, 1);
      assert.equal(summary.transientFailures, 0);
      const outcome = summary.outcomes[0];
      assert.equal(outcome?.outcome, 'submitted');
      const warning =
        'In-flight marker not written, so the scheduled refresh will not see this import until `oss-image-import status --refresh` runs: ' +
        `PutObject s3://${stack.bucket}/.image-import/marker/refused.qcow2.in-flight failed: ServiceUnavailable (HTTP 503).`;
      assert.deepEqual(outcome.outcome === 'submitted' ? outcome.warnings : undefined, [warning]);
      assert.equal((await readRecord(stack, 'marker/refused.qcow2')).state, 'submitted');
      assert.equal(await markerSize(stack, 'marker/refused.qcow2'), undefined);
      const logged = lines.map((line) => JSON.parse(line) as { msg: string; warning?: string });
      assert.deepEqual(logged.find((line) => line.msg === 'in-flight marker not written')?.warning, warning);
    } finally {
      s3.destroy();
    }
  });

  it('never writes a secret into the status record', async () => {
    const text = JSON.stringify(await readRecord(stack, 'ubuntu-22.04.qcow2'));
    // The local keys are S3RVER/S3RVER: neither the key id nor the secret may appear.
    assert.ok(!text.includes(localOssCredentials.secretAccessKey), text);
    assert.doesNotMatch(text, /X-Amz-Signature=[0-9a-f]{64}/);
  });

  it('imports an object version once when the same event arrives 10 times at once', async () => {
    await upload(stack, 'dup/once.qcow2', qcow2, { metadata: ubuntu });
    const before = stack.emulator.counters.imagesCreated;
    const event = notification(stack, ['dup/once.qcow2']);
    const summaries = await Promise.all(Array.from({ length: 10 }, () => handleEvent(event, stack.deps)));
    assert.equal(stack.emulator.counters.imagesCreated - before, 1);
    const imageIds = new Set(summaries.flatMap((summary) => summary.outcomes.map((outcome) => ('imageId' in outcome ? outcome.imageId : undefined))));
    assert.equal(imageIds.size, 1);
    // A later delivery reads the record and submits nothing.
    const calls = stack.emulator.counters.requests;
    const again = await handleEvent(event, stack.deps);
    assert.equal(again.duplicates, 1);
    assert.equal(stack.emulator.counters.requests, calls);
  });

  it('finds keys with spaces, +, %, Chinese characters, .. and upper-case extensions', async () => {
    const keys = ['dir/my disk 1.qcow2', 'a+b.QCOW2', '100%.qcow2', '镜像/测试.Qcow2', 'x/../y..qcow2'];
    for (const key of keys) await upload(stack, key, qcow2, { metadata: ubuntu });
    const summary = await handleEvent(notification(stack, keys), stack.deps);
    assert.deepEqual(
      summary.outcomes.map((outcome) => [outcome.key, outcome.outcome]),
      keys.map((key) => [key, 'submitted']),
    );
    // The same keys as AWS would encode them are found too.
    const encoded = {
      Records: ['dir/my+disk+1.qcow2', 'a%2Bb.QCOW2'].map((key) => ({
        eventSource: 'aws:s3',
        awsRegion: 'cn-north-1',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: stack.bucket }, object: { key } },
      })),
    };
    const again = await handleEvent(encoded, stack.deps);
    assert.deepEqual(again.outcomes.map((outcome) => [outcome.key, outcome.outcome]), [
      ['dir/my disk 1.qcow2', 'duplicate'],
      ['a+b.QCOW2', 'duplicate'],
    ]);
  });

  it('rejects bad OS fields and disk sizes with a record naming each problem, and calls no API', async () => {
    const cases: Array<[string, Record<string, string>, string[]]> = [
      ['bad/size-45.qcow2', { ...ubuntu, 'system-disk-size-gb': '45' }, ['invalid-system-disk-size-gb']],
      ['bad/size-30.qcow2', { ...ubuntu, 'system-disk-size-gb': '30' }, ['invalid-system-disk-size-gb']],
      ['bad/size-510.qcow2', { ...ubuntu, 'system-disk-size-gb': '510' }, ['invalid-system-disk-size-gb']],
      ['bad/size-abc.qcow2', { ...ubuntu, 'system-disk-size-gb': 'abc' }, ['invalid-system-disk-size-gb']],
      ['bad/no-platform.qcow2', {}, ['missing-platform']],
      ['bad/fields.qcow2', { platform: 'Debian', architecture: 'mips', 'os-type': 'dos' }, ['invalid-architecture', 'invalid-platform', 'invalid-os-type']],
    ];
    const calls = stack.emulator.counters.requests;
    for (const [key, metadata] of cases) await upload(stack, key, qcow2, { metadata });
    const summary = await handleEvent(notification(stack, cases.map(([key]) => key)), stack.deps);
    assert.equal(summary.rejected, cases.length);
    assert.equal(stack.emulator.counters.requests, calls);
    for (const [key, , codes] of cases) {
      const record = await readRecord(stack, key);
      assert.equal(record.state, 'rejected');
      assert.deepEqual(record.problems?.map((problem) => problem.code), codes, key);
      // Nothing on its way: no in-flight marker.
      assert.equal(await markerSize(stack, key), undefined, key);
    }
    const record = await readRecord(stack, 'bad/size-45.qcow2');
    assert.equal(
      record.problems?.[0]?.message,
      'system-disk-size-gb "45" (from metadata system-disk-size-gb) is not allowed: use a whole number of GB from 40 to 500, a multiple of 10.',
    );
  });

  it('rejects compressed and archive names whose content is not, and unsupported formats, saying what to upload instead', async () => {
    const keys = ['bad/disk.qcow2.gz', 'bad/disk.tar', 'bad/disk.vhdx', 'bad/disk.qcow2.lz4'];
    for (const key of keys) await upload(stack, key, qcow2, { metadata: ubuntu });
    const summary = await handleEvent(notification(stack, keys), stack.deps);
    assert.equal(summary.rejected, keys.length);
    for (const key of keys) {
      const record = await readRecord(stack, key);
      assert.equal(record.state, 'rejected');
      assert.ok((record.problems ?? []).length > 0);
      assert.match(record.problems?.map((problem) => problem.message).join(' ') ?? '', /qcow2|vhd|vmdk|raw/);
    }
  });

  it('skips, in an event, keys that name no disk image (no record, a log line); import of one is rejected with the allowed extensions', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info', base: null }, { write: (line: string) => lines.push(line) });
    const keys = ['site/font.woff2', 'site/notes.txt', 'site/folder/'];
    for (const key of keys) await upload(stack, key, qcow2, { metadata: ubuntu });
    const summary = await handleEvent(notification(stack, keys), { ...stack.deps, logger });
    assert.deepEqual(summary.skipped, [
      { index: 0, reason: 'key ends in ".woff2": not a disk image, nor compressed or packaged', bucket: stack.bucket, key: 'site/font.woff2' },
      { index: 1, reason: 'key ends in ".txt": not a disk image, nor compressed or packaged', bucket: stack.bucket, key: 'site/notes.txt' },
      { index: 2, reason: 'key has no extension: not a disk image, nor compressed or packaged', bucket: stack.bucket, key: 'site/folder/' },
    ]);
    assert.deepEqual(summary.outcomes, []);
    for (const key of keys) assert.equal(await statusRecordOf(stack.s3, stack.bucket, key), undefined, key);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['msg'] === 'record skipped');
    assert.deepEqual(logged.map((line) => [line['key'], line['level'], line['outcome']]), keys.map((key) => [key, 30, 'skipped']));

    const imported = await processUpload({ region: stack.region, bucket: stack.bucket, keyCandidates: ['site/font.woff2'], eventName: 'ObjectCreated:Put', source: 'cli' }, stack.deps);
    assert.deepEqual(imported.outcome === 'rejected' ? imported.problems.filter((problem) => problem.field === 'key') : imported, [
      {
        code: 'unknown-extension',
        field: 'key',
        value: 'site/font.woff2',
        message:
          'The key "site/font.woff2" ends in ".woff2", which is not a disk image extension; allowed: .qcow2, .qcow, .vhd, .vmdk, .raw or .img. ' +
          'Name the file after its format, or convert it: qemu-img convert -O qcow2 site/font.woff2 site/font.qcow2 and upload the .qcow2.',
      },
    ]);
    assert.equal((await readRecord(stack, 'site/font.woff2')).state, 'rejected');
  });

  it('records an empty object and an object deleted before it was read', async () => {
    await upload(stack, 'bad/empty.raw', new Uint8Array(), { metadata: ubuntu });
    await upload(stack, 'bad/gone.qcow2', qcow2, { metadata: ubuntu });
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: 'bad/gone.qcow2' }));
    const summary = await handleEvent(notification(stack, ['bad/empty.raw', 'bad/gone.qcow2']), stack.deps);
    assert.equal(summary.rejected, 1);
    assert.equal(summary.notFound, 1);
    assert.deepEqual((await readRecord(stack, 'bad/empty.raw')).problems?.map((problem) => problem.code), ['empty-object']);
    const gone = await readRecord(stack, 'bad/gone.qcow2');
    assert.equal(gone.state, 'rejected');
    assert.deepEqual(gone.problems?.map((problem) => problem.code), ['object-not-found']);
  });

  it('skips the status record upload itself, removals and garbage, and handles 0 and 500 records', async () => {
    const skipped = await handleEvent(notification(stack, ['.image-import/ubuntu-22.04.qcow2.json']), stack.deps);
    assert.equal(skipped.skipped.length, 1);
    assert.equal(skipped.outcomes.length, 0);
    assert.equal((await handleEvent(notification(stack, ['ubuntu-22.04.qcow2'], 'ObjectRemoved:Delete'), stack.deps)).skipped.length, 1);
    assert.equal((await handleEvent('{not json', stack.deps)).invalid.length, 1);
    assert.equal((await handleEvent({ Records: [] }, stack.deps)).records, 0);

    // 500 records as one event: every 50th creates an image, the rest are removals.
    const records = Array.from({ length: 500 }, (_, index) => ({
      key: `many/${index}.qcow2`,
      eventName: index % 50 === 0 ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
    }));
    const created = records.filter((record) => record.eventName === 'ObjectCreated:Put');
    for (const record of created) await upload(stack, record.key, qcow2, { metadata: ubuntu });
    const event = {
      Records: records.map(({ key, eventName }) => ({ eventSource: 'ceph:s3', eventName, s3: { bucket: { name: stack.bucket }, object: { key } } })),
    };
    const many = await handleEvent(event, stack.deps);
    assert.equal(many.records, 500);
    assert.equal(many.submitted, created.length);
    assert.equal(many.skipped.length, 500 - created.length);
  });

  it('finds the record of an object reached through its second key spelling, so a redelivery submits nothing', async () => {
    await upload(stack, 'dir/my disk.qcow2', qcow2, { metadata: ubuntu });
    // A JD function event whose key turns out to be form-encoded: the raw spelling is tried first.
    const event = { Records: [{ region: 'cn-north-1', detail: { eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 'dir/my+disk.qcow2' } } } }] };
    assert.equal((await handleEvent(event, stack.deps)).submitted, 1);
    const calls = stack.emulator.counters.requests;
    const again = await handleEvent(event, stack.deps);
    assert.equal(again.duplicates, 1);
    assert.equal(stack.emulator.counters.requests, calls);
  });

  it('decides a rejected version again, so fixing the metadata of the same bytes imports it', async () => {
    await upload(stack, 'fix/me.qcow2', qcow2);
    assert.equal((await handleEvent(notification(stack, ['fix/me.qcow2']), stack.deps)).rejected, 1);
    // Same bytes (same ETag), now with the missing platform as a tag.
    await upload(stack, 'fix/me.qcow2', qcow2, { tags: { platform: 'Ubuntu' } });
    assert.equal((await handleEvent(notification(stack, ['fix/me.qcow2']), stack.deps)).submitted, 1);
    assert.equal((await readRecord(stack, 'fix/me.qcow2')).state, 'submitted');
  });

  it('keeps the record of an import when a late delivery finds the object deleted', async () => {
    await upload(stack, 'late/disk.qcow2', qcow2, { metadata: ubuntu });
    assert.equal((await handleEvent(notification(stack, ['late/disk.qcow2']), stack.deps)).submitted, 1);
    const before = await readRecord(stack, 'late/disk.qcow2');
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: 'late/disk.qcow2' }));
    const late = await handleEvent(notification(stack, ['late/disk.qcow2']), stack.deps);
    assert.equal(late.notFound, 1);
    assert.deepEqual(await readRecord(stack, 'late/disk.qcow2'), before);
  });

  it('presigns a URL that carries only the signature parameters', async () => {
    const record = await readRecord(stack, 'ubuntu-22.04.qcow2');
    const url = new URL(String((record.request as Record<string, unknown>)['imageUrl']));
    assert.deepEqual([...url.searchParams.keys()].filter((name) => !name.startsWith('X-Amz-')), ['x-id']);
  });

  it('turns a failure that outlives the retries into a retryable failed record', async () => {
    await upload(stack, 'flaky/disk.qcow2', qcow2, { metadata: ubuntu });
    stack.emulator.injectFault({ kind: 'status', status: 503, count: 10 });
    const summary = await handleEvent(notification(stack, ['flaky/disk.qcow2']), stack.deps);
    stack.emulator.clearFaults();
    assert.equal(summary.transientFailures, 1);
    const record = await readRecord(stack, 'flaky/disk.qcow2');
    assert.equal(record.state, 'failed');
    assert.equal(record.error?.retryable, true);
    assert.equal(record.error?.httpStatus, 503);
    // The platform's retry succeeds and makes exactly one image.
    const retried = await handleEvent(notification(stack, ['flaky/disk.qcow2']), stack.deps);
    assert.equal(retried.submitted, 1);
    assert.equal((await readRecord(stack, 'flaky/disk.qcow2')).state, 'submitted');
  });
});
