// Zip members through the import, on the local stack (s3rver in-process, the VM API emulator over
// HTTP): zip64 and data-descriptor zips unpack byte for byte; a member that climbs out of the
// archive, a local header that contradicts the central directory, an offset past the directory
// and a damaged data byte (stored or deflated: its CRC-32) are each refused as what they are,
// with the multipart upload aborted and nothing left.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../src/edges/cli/main.js';
import { createPipelineDeps, handleEvent } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { objectBytes, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';
import { centralEntryOffset, crc32ByGzip, renamed, withField, zipFiles } from './zip-archives.js';

interface ImportOutcome {
  outcome: string;
  problems?: Array<{ code: string; message: string }>;
  unpackedTo?: { key: string; member?: string };
}

const hex = (crc: number) => `0x${crc.toString(16).padStart(8, '0')}`;
const corruptMessage = (key: string, reason: string) => `${JSON.stringify(key)} could not be unpacked: the zip archive is corrupt or truncated (${reason}). Nothing was kept. Upload the file again.`;

/** 17 MiB raw image, its first MiB from a seeded generator (the same bytes every run, incompressible): three 8 MiB parts. */
function bigRaw(): Buffer {
  const image = makeDiskImage('raw', '17M');
  let state = 0x2545f491;
  for (let at = 0; at < 2 ** 20; at += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    image.writeUInt32LE(state >>> 0, at);
  }
  return image;
}

/** What unzip extracts from a damaged zip (it writes the bytes, then reports the bad CRC). */
function unzipped(zip: Buffer): Buffer {
  try {
    return execFileSync('sh', ['-c', 'cat > in.zip && unzip -p in.zip; rm -f in.zip'], { input: zip, cwd: process.env['TMPDIR'] ?? '/tmp', maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'ignore'] });
  } catch (error) {
    return (error as { stdout: Buffer }).stdout;
  }
}

/** Counts the UploadParts the pipeline sends. */
function countUploadParts(s3: S3Client): { parts: number } {
  const counted = { parts: 0 };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand') counted.parts += 1;
      return next(args);
    },
    { step: 'initialize', name: 'testCountUploadParts' },
  );
  return counted;
}

describe('zip members through the import', () => {
  let stack: DevStack;
  const metadata = { platform: 'Ubuntu', architecture: 'x86_64', 'os-version': '22.04' };
  const qcow2 = makeDiskImage('qcow2', '1G');

  before(async () => {
    stack = await startTestStack({ autoImport: false });
  });
  after(async () => stack.stop());

  async function importJson(key: string): Promise<{ code: number; outcome: ImportOutcome }> {
    const { io, captured } = captureIo(stackEnv(stack));
    const code = await runCli(['import', `s3://images/${key}`, '--json'], io);
    return { code, outcome: JSON.parse(captured.out) as ImportOutcome };
  }

  async function assertRefused(key: string, sibling: string, problem: { code: string; message: string }): Promise<void> {
    const { code, outcome } = await importJson(key);
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.deepEqual(outcome.problems?.map(({ code: problemCode, message }) => ({ code: problemCode, message })), [problem]);
    assert.equal((await statusRecordOf(stack.s3, 'images', key))?.['state'], 'rejected');
    assert.equal(await objectBytes(stack.s3, 'images', sibling), undefined);
    assert.deepEqual(await uploadsInProgress(stack.s3, 'images', key.split('/')[0] + '/'), []);
  }

  const unpacked: Array<[string, Buffer]> = [
    ['zip64/forced.zip', zipFiles([{ name: 'disk.qcow2', bytes: qcow2 }], ['-fz'])],
    ['descriptor/piped.zip', zipFiles([{ name: 'disk.qcow2', bytes: qcow2 }], ['-0'], { streamed: 'output' })],
    ['descriptor/fifo.zip', zipFiles([{ name: 'disk.qcow2', bytes: qcow2 }], [], { streamed: 'input' })],
  ];
  for (const [key, zip] of unpacked) {
    it(`${key} (${key.startsWith('zip64') ? 'zip -fz: zip64 records' : 'a data descriptor'}) is unpacked byte for byte and imported`, async () => {
      await upload(stack, key, zip, { metadata });
      const { code, outcome } = await importJson(key);
      assert.equal(code, 0, JSON.stringify(outcome));
      const sibling = key.replace(/\.zip$/, '.qcow2');
      assert.deepEqual([outcome.outcome, outcome.unpackedTo?.key, outcome.unpackedTo?.member], ['submitted', sibling, 'disk.qcow2']);
      assert.deepEqual(await objectBytes(stack.s3, 'images', sibling), qcow2);
    });
  }

  for (const [name, reason] of [
    ['../disk.raw', 'it climbs out of the archive with ".."'],
    ['/z/disk.raw', 'it is an absolute path'],
  ] as const) {
    it(`a member named ${name} is refused before anything is read or written`, async () => {
      const key = `unsafe/${name.startsWith('/') ? 'absolute' : 'climbs'}.zip`;
      // zip strips "../" and "/" from what it stores: the name is edited in, in both headers.
      await upload(stack, key, renamed(zipFiles([{ name: 'zz/disk.raw', bytes: makeDiskImage('raw', '1M') }]), 'zz/disk.raw', name), { metadata });
      await assertRefused(key, 'unsafe/disk.raw', {
        code: 'archive-unsafe-member',
        message: `The archive ${JSON.stringify(key)} holds a member named ${JSON.stringify(name)}: ${reason}. Such archives are made to trick an extractor and are not unpacked; re-create the archive with the disk image alone.`,
      });
    });
  }

  it('an encrypted member, and one compressed with bzip2 (method 12), are refused naming the member and what to do', async () => {
    await upload(stack, 'method/secret.zip', zipFiles([{ name: 'disk.qcow2', bytes: qcow2 }], ['-P', 'secret']), { metadata });
    await assertRefused('method/secret.zip', 'method/secret.qcow2', {
      code: 'zip-encrypted',
      message: 'The zip member "disk.qcow2" in "method/secret.zip" is encrypted; it cannot be unpacked without its password. Upload it without encryption.',
    });
    await upload(stack, 'method/bzip2.zip', zipFiles([{ name: 'disk.qcow2', bytes: qcow2 }], ['-Z', 'bzip2']), { metadata });
    await assertRefused('method/bzip2.zip', 'method/bzip2.qcow2', {
      code: 'zip-method-unsupported',
      message:
        'The zip member "disk.qcow2" in "method/bzip2.zip" is compressed with method 12; only stored and Deflate members are unpacked. Re-create the zip with Deflate (zip -r, 7z -tzip -mm=Deflate), or compress the image with gzip, xz or zstd instead.',
    });
  });

  it('a local header that names another member than the central directory is a corrupt zip', async () => {
    const zip = zipFiles([{ name: 'disk.qcow2', bytes: qcow2 }]);
    const edited = Buffer.concat([renamed(zip.subarray(0, centralEntryOffset(zip)), 'disk.qcow2', 'evil.qcow2', 1), zip.subarray(centralEntryOffset(zip))]);
    await upload(stack, 'mismatch/renamed.zip', edited, { metadata });
    await assertRefused('mismatch/renamed.zip', 'mismatch/renamed.qcow2', {
      code: 'unpack-corrupt',
      message: corruptMessage('mismatch/renamed.zip', 'the headers of "disk.qcow2" disagree: name "evil.qcow2" in its local header, "disk.qcow2" in the central directory'),
    });
  });

  it('a member whose offset is past the central directory is a corrupt zip, not a failed read of a range past the object', async () => {
    const zip = zipFiles([{ name: 'disk.qcow2', bytes: qcow2 }], ['-0']);
    const directoryOffset = centralEntryOffset(zip);
    await upload(stack, 'offset/far.zip', withField(zip, directoryOffset + 42, 4, 0x7ffffff0), { metadata });
    await assertRefused('offset/far.zip', 'offset/far.qcow2', {
      code: 'unpack-corrupt',
      message: corruptMessage('offset/far.zip', `the member "disk.qcow2" is said to start at byte ${0x7ffffff0} with ${qcow2.length} bytes of data, past the central directory at byte ${directoryOffset}`),
    });
  });

  const image = bigRaw();
  const damaged: Array<[string, Buffer, number]> = [
    // Stored: a byte of the zero-filled part of the image. Deflated: a byte inside the stored deflate blocks zip writes for the incompressible first MiB.
    ['stored', zipFiles([{ name: 'disk.raw', bytes: image }], ['-0']), 2 * 2 ** 20],
    ['deflated', zipFiles([{ name: 'disk.raw', bytes: image }]), 512 * 1024],
  ];
  for (const [method, zip, dataByte] of damaged) {
    it(`a flipped data byte in a ${method} member fails its CRC-32 after parts were uploaded: rejected, the multipart upload aborted, nothing left`, async (t) => {
      const key = `crc/${method}.zip`;
      const at = 30 + 'disk.raw'.length + zip.readUInt16LE(28) + dataByte;
      const edited = Buffer.from(zip);
      edited[at] = (edited[at] as number) ^ 0x40;
      await upload(stack, key, edited, { metadata });
      const deps = createPipelineDeps({ ...stackEnv(stack), IMAGE_UNPACK_MAX_BYTES: String(64 * 2 ** 20) }, { logger: silentLogger(), unpackTimeLimitSeconds: 900 });
      t.after(() => deps.close());
      const uploaded = countUploadParts(deps.s3);
      const summary = await handleEvent(await ossTriggerEvent(stack, key), deps);

      assert.deepEqual({ submitted: summary.submitted, rejected: summary.rejected, failed: summary.failed }, { submitted: 0, rejected: 1, failed: 0 });
      assert.ok(uploaded.parts >= 2, `${uploaded.parts} parts were uploaded before the end of the member`);
      const record = await statusRecordOf(stack.s3, stack.bucket, key);
      assert.equal(record?.['state'], 'rejected');
      assert.deepEqual(record?.['problems'], [
        {
          code: 'unpack-corrupt',
          field: 'content',
          value: key,
          message: corruptMessage(key, `the CRC-32 of "disk.raw" is ${hex(crc32ByGzip(unzipped(edited)))}, its directory says ${hex(crc32ByGzip(image))}: its bytes were damaged`),
        },
      ]);
      assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'crc/'), []);
      assert.equal(await objectBytes(stack.s3, stack.bucket, `crc/${method}.raw`), undefined);
      assert.equal(stack.emulator.counters.imagesCreated, 3, 'only the three zips above were imported');
    });
  }
});
