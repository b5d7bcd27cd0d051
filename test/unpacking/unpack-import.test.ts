// Compressed and packaged uploads through `oss-image-import import`, on the local stack
// (s3rver in-process, the VM API emulator over HTTP), with real images from qemu-img packed by
// gzip, xz, zstd, bzip2, zip and tar.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { runCli } from '../../src/edges/cli/main.js';
import { createPipelineDeps, processUpload } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packFiles } from '../../harness/packed-images.js';
import { bombGzip, multipartGzip, packedCases, textGzip, twoDiskZip, ubuntuOva } from '../../harness/packed-cases.js';
import { objectBytes, objectMetadata, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';

interface ImportOutcome {
  outcome: string;
  key: string;
  imageId?: string;
  problems?: Array<{ code: string; message: string }>;
  unpackedTo?: { key: string; size: number; packing: string; member?: string; durationMs?: number };
}

describe('import of compressed and packaged uploads', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;
  const metadata = { platform: 'Ubuntu', architecture: 'x86_64', 'os-version': '22.04' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    env = stackEnv(stack);
  });
  after(async () => stack.stop());

  async function importJson(key: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; outcome: ImportOutcome }> {
    const { io, captured } = captureIo({ ...env, ...extraEnv });
    const code = await runCli(['import', `s3://images/${key}`, '--json'], io);
    return { code, outcome: JSON.parse(captured.out) as ImportOutcome };
  }

  for (const packed of packedCases()) {
    const key = `ok/${packed.name}`;
    const sibling = `ok/${packed.sibling}`;
    it(`${key} is unpacked to ${sibling}, byte for byte, with the user's metadata, and imported once`, async () => {
      const original = packed.image;
      await upload(stack, key, packed.packed, { metadata });
      const before = stack.emulator.counters.imagesCreated;
      const { code, outcome } = await importJson(key);
      assert.equal(code, 0, JSON.stringify(outcome));
      assert.equal(outcome.outcome, 'submitted');
      assert.equal(outcome.key, key);
      assert.equal(outcome.unpackedTo?.key, sibling);
      assert.deepEqual(await objectBytes(stack.s3, 'images', sibling), original);
      const siblingMetadata = await objectMetadata(stack.s3, 'images', sibling);
      assert.equal(siblingMetadata['platform'], 'Ubuntu');
      assert.equal(siblingMetadata['os-version'], '22.04');
      assert.equal(siblingMetadata['unpacked-from'], encodeURIComponent(key));
      assert.equal(stack.emulator.counters.imagesCreated, before + 1);
      const packedRecord = await statusRecordOf(stack.s3, 'images', key);
      const siblingRecord = await statusRecordOf(stack.s3, 'images', sibling);
      assert.equal(packedRecord?.['state'], 'submitted');
      assert.equal(packedRecord?.['imageId'], outcome.imageId);
      assert.equal((packedRecord?.['unpackedTo'] as { key: string }).key, sibling);
      assert.equal((siblingRecord?.['unpackedFrom'] as { key: string }).key, key);
      assert.equal(siblingRecord?.['imageId'], outcome.imageId);
      assert.deepEqual(await uploadsInProgress(stack.s3, 'images', 'ok/'), []);
    });
  }

  it('an .ova takes its OS from the OVF descriptor where the user set none, and becomes a .vmdk', async () => {
    const { image: vmdk, packed } = ubuntuOva();
    await upload(stack, 'ova/app.ova', packed, { metadata: { architecture: 'x86_64' } });
    const planned = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/ova/app.ova', '--json'], planned.io), 0, planned.captured.out + planned.captured.err);
    const plan = JSON.parse(planned.captured.out) as { fieldSources: Record<string, string>; request: Record<string, unknown>; unpack: { to: string } };
    assert.equal(plan.unpack.to, 'ova/app.vmdk');
    assert.equal(plan.fieldSources['platform'], 'ovf');
    assert.equal(plan.request['platform'], 'Ubuntu');
    assert.equal(await objectBytes(stack.s3, 'images', 'ova/app.vmdk'), undefined, 'plan writes nothing');

    const { code, outcome } = await importJson('ova/app.ova');
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.unpackedTo?.key, 'ova/app.vmdk');
    assert.equal(outcome.unpackedTo?.member, 'app-disk1.vmdk');
    assert.deepEqual(await objectBytes(stack.s3, 'images', 'ova/app.vmdk'), vmdk);
    const record = await statusRecordOf(stack.s3, 'images', 'ova/app.vmdk');
    assert.equal((record?.['request'] as Record<string, unknown>)['platform'], 'Ubuntu');
  });

  it('an image larger than one part is uploaded in several parts, byte for byte', async () => {
    const { image, packed } = multipartGzip();
    const key = 'ok/big.raw.gz';
    await upload(stack, key, packed, { metadata });
    const { code, outcome } = await importJson(key, { IMAGE_UNPACK_MAX_BYTES: String(64 * 2 ** 20) });
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.deepEqual(await objectBytes(stack.s3, 'images', 'ok/big.raw'), image);
  });

  it('plan says what a .gz would unpack to and the request its sibling would get, writing nothing', async () => {
    await upload(stack, 'plan/disk.qcow2.gz', packedCases()[0]!.packed, { metadata });
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/plan/disk.qcow2.gz'], io), 0);
    const lines = captured.out.split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      's3://images/plan/disk.qcow2.gz (gzip-compressed file) would be unpacked to s3://images/plan/disk.qcow2, in about 1 s.',
      'Then imported into cn-north-1 with:',
      '  architecture      x86_64  (metadata)',
      '  osType            linux  (derived)',
      '  platform          Ubuntu  (metadata)',
    ]);
    assert.ok(lines.includes('  diskFormat        qcow2'));
    assert.equal(await objectBytes(stack.s3, 'images', 'plan/disk.qcow2'), undefined);
    assert.equal(await statusRecordOf(stack.s3, 'images', 'plan/disk.qcow2.gz'), undefined);
  });

  /** Uploads and imports a packed case under `folder`, as a test's own starting point. */
  async function importedOnce(folder: string, packed: { name: string; packed: Buffer; sibling: string }): Promise<{ key: string; sibling: string }> {
    const key = `${folder}${packed.name}`;
    await upload(stack, key, packed.packed, { metadata });
    const first = await importJson(key);
    assert.equal(first.outcome.outcome, 'submitted', JSON.stringify(first.outcome));
    return { key, sibling: `${folder}${packed.sibling}` };
  }

  it('importing the same .gz again, or its sibling, imports nothing', async () => {
    const { key, sibling } = await importedOnce('again/', packedCases()[0]!);
    const before = stack.emulator.counters.imagesCreated;
    const again = await importJson(key);
    assert.equal(again.code, 0);
    assert.equal(again.outcome.outcome, 'duplicate');
    assert.equal(again.outcome.unpackedTo?.key, sibling);
    const siblingImport = await importJson(sibling);
    assert.equal(siblingImport.outcome.outcome, 'duplicate');
    assert.equal(stack.emulator.counters.imagesCreated, before);
  });

  it('a redelivery after the sibling was made but before the packed record was written does not unpack again', async () => {
    const { key, sibling } = await importedOnce('redelivered/', packedCases()[1]!);
    await stack.s3.send(new DeleteObjectCommand({ Bucket: 'images', Key: `.image-import/${key}.json` }));
    const siblingBefore = await objectMetadata(stack.s3, 'images', sibling);
    const before = stack.emulator.counters.imagesCreated;
    const again = await importJson(key);
    assert.equal(again.code, 0);
    assert.equal(again.outcome.outcome, 'duplicate');
    assert.equal(again.outcome.unpackedTo?.key, sibling);
    assert.equal(again.outcome.unpackedTo?.durationMs, undefined, 'nothing was unpacked');
    assert.deepEqual(await objectMetadata(stack.s3, 'images', sibling), siblingBefore);
    assert.equal((await statusRecordOf(stack.s3, 'images', key))?.['state'], 'submitted');
    assert.equal(stack.emulator.counters.imagesCreated, before);
  });

  it('in the function, an upload that would not unpack in time is refused before unpacking, naming the CLI', async () => {
    await upload(stack, 'slow/disk.qcow2.gz', packedCases()[0]!.packed, { metadata });
    const deps = createPipelineDeps(env, { logger: silentLogger(), unpackTimeLimitSeconds: 60 });
    try {
      const outcome = await processUpload({ region: 'cn-north-1', bucket: 'images', keyCandidates: ['slow/disk.qcow2.gz'], eventName: 'ObjectCreated:Put', source: 'test' }, deps);
      assert.equal(outcome.outcome, 'rejected');
      const messages = outcome.outcome === 'rejected' ? outcome.problems.map((problem) => problem.message) : [];
      assert.equal(messages.length, 1);
      // The size is the image's (gzip's ISIZE): only it is left out of the comparison.
      assert.match(
        messages[0] ?? '',
        /^Unpacking this gzip-compressed file \(at least \d+ bytes \([\d.]+ KiB\) unpacked, from gzip's size trailer \(ISIZE, the size modulo 4 GiB\)\) would take about 1 s at 60 MB\/s, more than the 0 s the function has for it \(fc stops a function after at most 900 s\)\. Unpack and import it with the CLI, which has no time limit: oss-image-import import s3:\/\/images\/slow\/disk\.qcow2\.gz — or run oss-image-import serve next to the bucket\. Or upload the image uncompressed\.$/,
      );
    } finally {
      await deps.close();
    }
    assert.equal(await objectBytes(stack.s3, 'images', 'slow/disk.qcow2'), undefined);
  });

  it('backfill unpacks and imports packed keys, and a second run finds them imported', async () => {
    await upload(stack, 'fleet/web.raw.xz', packedCases()[1]!.packed, { metadata });
    const first = captureIo(env);
    assert.equal(await runCli(['backfill', 's3://images/fleet/', '--json'], first.io), 0, first.captured.err);
    const counts = (JSON.parse(first.captured.out) as { counts: { images: number; submitted: number } }).counts;
    assert.deepEqual([counts.images, counts.submitted], [1, 1]);
    const second = captureIo(env);
    assert.equal(await runCli(['backfill', 's3://images/fleet/', '--json'], second.io), 0);
    const again = (JSON.parse(second.captured.out) as { counts: { images: number; alreadyImported: number } }).counts;
    assert.deepEqual([again.images, again.alreadyImported], [2, 2]);
  });

  it('a zip with two disks exits 3 naming them, and leaves nothing behind', async () => {
    await upload(stack, 'bad/two.zip', twoDiskZip(), { metadata });
    const { code, outcome } = await importJson('bad/two.zip');
    assert.equal(code, 3);
    assert.deepEqual(outcome.problems?.map((problem) => problem.message), [
      'The archive "bad/two.zip" holds 2 disk images ("a.qcow2", "b.vmdk"); JD Cloud imports one image per upload. Upload each disk image on its own (or one archive per disk).',
    ]);
    assert.equal(await objectBytes(stack.s3, 'images', 'bad/two.qcow2'), undefined);
    assert.equal((await statusRecordOf(stack.s3, 'images', 'bad/two.zip'))?.['state'], 'rejected');
  });

  it('a .gz of a text file stops at its first bytes (the corrupt end of the stream is never read)', async () => {
    await upload(stack, 'bad/notes.raw.gz', textGzip(), { metadata });
    const { code, outcome } = await importJson('bad/notes.raw.gz');
    assert.equal(code, 3);
    assert.deepEqual(outcome.problems?.map((problem) => problem.message), [
      'What was unpacked for "bad/notes.raw" is text, not a disk image. Compress or archive the disk image itself (.qcow2, .vhd, .vmdk, .raw or .img).',
    ]);
    assert.equal(await objectBytes(stack.s3, 'images', 'bad/notes.raw'), undefined);
  });

  it('a .gz that inflates past IMAGE_UNPACK_MAX_BYTES exits 3 with its multipart upload aborted', async () => {
    await upload(stack, 'bad/bomb.raw.gz', bombGzip(), { metadata });
    const { code, outcome } = await importJson('bad/bomb.raw.gz', { IMAGE_UNPACK_MAX_BYTES: String(12 * 2 ** 20) });
    assert.equal(code, 3);
    assert.deepEqual(outcome.problems?.map((problem) => problem.code), ['unpack-too-large']);
    assert.match(outcome.problems?.[0]?.message ?? '', /^Unpacking "bad\/bomb\.raw\.gz" gives more than 12582912 bytes \(12 MiB\) \(IMAGE_UNPACK_MAX_BYTES; JD Cloud imports images up to 500 GiB\): a likely decompression bomb\. Nothing was kept\./);
    assert.equal(await objectBytes(stack.s3, 'images', 'bad/bomb.raw'), undefined);
    assert.deepEqual(await uploadsInProgress(stack.s3, 'images', 'bad/'), []);
  });

  it('an existing object where the sibling would go is never overwritten', async () => {
    const mine = makeDiskImage('qcow2', '2G');
    await upload(stack, 'taken/disk.qcow2', mine, { metadata });
    await upload(stack, 'taken/disk.qcow2.gz', packFiles('gzip', [{ name: 'disk.qcow2', bytes: makeDiskImage('qcow2', '1G') }]), { metadata });
    const { code, outcome } = await importJson('taken/disk.qcow2.gz');
    assert.equal(code, 3);
    assert.deepEqual(outcome.problems?.map((problem) => problem.message), [
      's3://images/taken/disk.qcow2 already exists and was not unpacked from "taken/disk.qcow2.gz"; it is never overwritten. Rename the upload (or remove that object) and upload it again.',
    ]);
    assert.deepEqual(await objectBytes(stack.s3, 'images', 'taken/disk.qcow2'), mine);
  });
});
