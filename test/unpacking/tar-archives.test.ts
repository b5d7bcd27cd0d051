// Tar archives as GNU tar writes them: sparse raw disks (`tar -S`, Google's documented
// `tar --format=oldgnu -Sczf disk.tar.gz disk.raw`, and the posix/pax formats 0.0, 0.1, 1.0),
// and compressed tar streams read to their end (a flipped data byte fails the gzip CRC).
// Disks are made by qemu-img, archives by GNU tar and gzip, and imported through the CLI on the
// local stack (s3rver in-process, the VM API emulator over HTTP).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { ByteReader } from '../../src/use-cases/unpacking/byte-reader.js';
import { TarReader } from '../../src/use-cases/unpacking/tar-reader.js';
import { stackEnv } from '../../harness/capture-io.js';
import { importJson } from '../../harness/import-json.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { objectBytes, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';

const block = 4096;
/** Where the 64 MiB disk has data (4 KiB each): 30 runs, so the old GNU map needs two extension blocks; a 16 MiB hole ends it. */
const dataBlocks = Array.from({ length: 30 }, (_, index) => index * 400);

/** A folder for one case's files, removed after the test. */
function workFolder(t: { after: (fn: () => void) => void }): string {
  const directory = mkdtempSync(join(tmpdir(), 'tar-archives-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** A sparse raw disk: `qemu-img create -f raw` (all hole), then random 4 KiB blocks written in place. */
function sparseDisk(directory: string, size: string, blocks: readonly number[]): string {
  const file = join(directory, 'disk.raw');
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', file, size]);
  const descriptor = openSync(file, 'r+');
  try {
    for (const at of blocks) writeSync(descriptor, randomFillSync(Buffer.alloc(block)), 0, block, at * block);
  } finally {
    closeSync(descriptor);
  }
  return file;
}

function tar(directory: string, args: string[], out = 'disk.tar'): Buffer {
  execFileSync('tar', [...args, '-cf', out, 'disk.raw'], { cwd: directory });
  return readFileSync(join(directory, out));
}

function gzip(bytes: Uint8Array): Buffer {
  return execFileSync('gzip', ['-n', '-c'], { input: bytes, maxBuffer: 256 * 2 ** 20 });
}

describe('GNU sparse tars and tar streams read to their end', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;
  const metadata = { platform: 'Ubuntu', architecture: 'x86_64', 'os-version': '22.04' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    env = stackEnv(stack);
  });
  after(async () => stack.stop());

  async function assertRejected(key: string, sibling: string, messages: string[]): Promise<void> {
    const { code, outcome } = await importJson(runCli, env, key);
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.deepEqual(outcome.problems?.map((problem) => problem.message), messages);
    assert.deepEqual(outcome.problems?.map((problem) => problem.code), messages.map(() => 'unpack-corrupt'));
    assert.equal(await objectBytes(stack.s3, 'images', sibling), undefined);
    assert.equal((await statusRecordOf(stack.s3, 'images', key))?.['state'], 'rejected');
    assert.deepEqual(await uploadsInProgress(stack.s3, 'images', key.slice(0, key.indexOf('/') + 1)), []);
  }

  const formats: Array<{ name: string; args: string[]; marker: string }> = [
    { name: 'oldgnu', args: ['--format=oldgnu', '-S'], marker: 'ustar  ' },
    { name: 'pax10', args: ['--format=posix', '-S'], marker: 'GNU.sparse.major=1' },
    { name: 'pax01', args: ['--format=posix', '-S', '--sparse-version=0.1'], marker: 'GNU.sparse.map=' },
    { name: 'pax00', args: ['--format=posix', '-S', '--sparse-version=0.0'], marker: 'GNU.sparse.offset=' },
  ];
  for (const format of formats) {
    it(`a sparse raw disk in a .tar.gz made by tar ${format.args.join(' ')} unpacks to the whole disk, byte for byte`, async (t) => {
      const directory = workFolder(t);
      const image = readFileSync(sparseDisk(directory, '64M', dataBlocks));
      const archive = tar(directory, format.args);
      // GNU tar stored it sparse: the archive holds the data runs, not the 64 MiB.
      assert.ok(archive.length < 2 ** 20, `${archive.length} bytes`);
      assert.ok(archive.includes(format.marker), format.marker);
      if (format.name === 'oldgnu') assert.equal(String.fromCharCode(archive[156] ?? 0), 'S');
      const key = `sparse/${format.name}.tar.gz`;
      await upload(stack, key, gzip(archive), { metadata });
      const { code, outcome } = await importJson(runCli, env, key);
      assert.equal(code, 0, JSON.stringify(outcome));
      assert.equal(outcome.outcome, 'submitted');
      assert.equal(outcome.unpackedTo?.key, `sparse/${format.name}.raw`);
      assert.equal(outcome.unpackedTo?.member, 'disk.raw');
      assert.equal(outcome.unpackedTo?.size, 64 * 2 ** 20);
      assert.ok((await objectBytes(stack.s3, 'images', `sparse/${format.name}.raw`))?.equals(image), 'the sibling is the original disk');
    });
  }

  it('an old GNU sparse member whose map runs past its real size is rejected as corrupt', async (t) => {
    const directory = workFolder(t);
    sparseDisk(directory, '64M', dataBlocks);
    const archive = tar(directory, ['--format=oldgnu', '-S']);
    // The real size (483, 12 octal digits) made 32 KiB, the header checksum (148) made anew.
    archive.write('00000100000\0', 483, 'latin1');
    archive.fill(0x20, 148, 156);
    let sum = 0;
    for (let index = 0; index < 512; index++) sum += archive[index] ?? 0;
    archive.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await upload(stack, 'badsparse/short.tar.gz', gzip(archive), { metadata });
    await assertRejected('badsparse/short.tar.gz', 'badsparse/short.raw', [
      '"badsparse/short.tar.gz" could not be unpacked: the gzip-compressed tar archive is corrupt or truncated (the sparse member "disk.raw" cannot be read: its sparse map has a segment of 4096 bytes at 1638400, out of order or past its size of 32768 bytes). Nothing was kept. Upload the file again.',
    ]);
  });

  it('a pax sparse member in a format other than 0.0, 0.1 or 1.0 is rejected, never unpacked as its stored bytes', async (t) => {
    const directory = workFolder(t);
    sparseDisk(directory, '64M', dataBlocks);
    const archive = tar(directory, ['--format=posix', '-S']);
    // Same length: the pax record's own length and the header's size still hold.
    const at = archive.indexOf('GNU.sparse.minor=0');
    assert.ok(at > 0);
    archive.write('GNU.sparse.minor=1', at, 'latin1');
    await upload(stack, 'badsparse/v11.tar.gz', gzip(archive), { metadata });
    await assertRejected('badsparse/v11.tar.gz', 'badsparse/v11.raw', [
      '"badsparse/v11.tar.gz" could not be unpacked: the gzip-compressed tar archive is corrupt or truncated (the sparse member "disk.raw" cannot be read: it is stored in GNU sparse format 1.1, which is not read (GNU tar writes 1.0)). Nothing was kept. Upload the file again.',
    ]);
  });

  it('a .tar.gz with a flipped byte in the disk data fails the gzip CRC and is rejected, leaving nothing', async (t) => {
    const directory = workFolder(t);
    sparseDisk(directory, '4M', [0, 1, 2, 100, 500]);
    // 1 MiB records (`-b 2048`): the end marker comes well before the gzip trailer, past any read-ahead.
    const archive = tar(directory, ['--format=gnu', '--blocking-factor=2048']);
    const good = gzip(archive);
    const flipped = Buffer.from(archive);
    // Inside the disk's data (its header is the first 512 bytes): tar's header checksums still hold.
    flipped[512 + 100 * block + 7] = (flipped[512 + 100 * block + 7] ?? 0) ^ 0xff;
    const packed = gzip(flipped);
    // The trailer (CRC-32, ISIZE) of the good data: the stream decodes, only its check fails.
    good.copy(packed, packed.length - 8, good.length - 8);
    await upload(stack, 'crc/disk.tar.gz', packed, { metadata });
    await assertRejected('crc/disk.tar.gz', 'crc/disk.raw', [
      '"crc/disk.tar.gz" could not be unpacked: the gzip-compressed tar archive is corrupt or truncated (incorrect data check). Nothing was kept. Upload the file again.',
    ]);
    // The same archive with its own trailer imports: the flip alone is what fails it.
    await upload(stack, 'crc/good.tar.gz', good, { metadata });
    assert.equal((await importJson(runCli, env, 'crc/good.tar.gz')).code, 0);
  });

  it('a .tar.zst whose frame checksum fails is rejected (the stream is read past the end marker to the checksum)', async (t) => {
    const directory = workFolder(t);
    sparseDisk(directory, '4M', [0, 1, 2, 100, 500]);
    tar(directory, ['--format=gnu', '--blocking-factor=2048']);
    execFileSync('zstd', ['-q', '--check', 'disk.tar', '-o', 'disk.tar.zst'], { cwd: directory });
    const packed = readFileSync(join(directory, 'disk.tar.zst'));
    // The frame's last 4 bytes are its XXH64 content checksum (RFC 8878 §3.1.1).
    packed[packed.length - 1] = (packed[packed.length - 1] ?? 0) ^ 0xff;
    await upload(stack, 'zcheck/disk.tar.zst', packed, { metadata });
    const { code, outcome } = await importJson(runCli, env, 'zcheck/disk.tar.zst');
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.deepEqual(outcome.problems?.map((problem) => problem.code), ['unpack-corrupt']);
    // The reason is the decoder's (fzstd with our checksum, or Node's zlib where it has zstd).
    assert.match(outcome.problems?.[0]?.message ?? '', /^"zcheck\/disk\.tar\.zst" could not be unpacked: the zstd-compressed tar archive is corrupt or truncated \([^()]*(\([^()]*\))?\)\. Nothing was kept\. Upload the file again\.$/);
    assert.equal(await objectBytes(stack.s3, 'images', 'zcheck/disk.raw'), undefined);
  });

  it('a .tar.gz with data after the tar end marker is rejected', async (t) => {
    const directory = workFolder(t);
    sparseDisk(directory, '4M', [0, 1]);
    const archive = tar(directory, ['--format=gnu']);
    await upload(stack, 'trailing/disk.tar.gz', gzip(Buffer.concat([archive, Buffer.from('appended, not tar')])), { metadata });
    await assertRejected('trailing/disk.tar.gz', 'trailing/disk.raw', [
      '"trailing/disk.tar.gz" could not be unpacked: the gzip-compressed tar archive is corrupt or truncated (there are data after the tar end marker). Nothing was kept. Upload the file again.',
    ]);
  });
});

describe('a sparse member with a 10 GiB hole', () => {
  for (const format of [
    { name: 'old GNU', args: ['--format=oldgnu', '-S'] },
    { name: 'pax 1.0', args: ['--format=posix', '-S'] },
  ]) {
    it(`is read in chunks of at most 1 MiB, the hole as zeros (${format.name})`, async (t) => {
      const directory = workFolder(t);
      const lastBlock = (10 * 2 ** 30) / block - 1;
      const file = sparseDisk(directory, '10G', [0, lastBlock]);
      const first = Buffer.alloc(block);
      const last = Buffer.alloc(block);
      const descriptor = openSync(file, 'r');
      try {
        readSync(descriptor, first, 0, block, 0);
        readSync(descriptor, last, 0, block, lastBlock * block);
      } finally {
        closeSync(descriptor);
      }
      tar(directory, format.args);
      const reader = new TarReader(new ByteReader(createReadStream(join(directory, 'disk.tar'))));
      const entry = await reader.next();
      assert.deepEqual(entry, { name: 'disk.raw', kind: 'file', size: 10 * 2 ** 30, sparse: format.name });
      let at = 0;
      let largest = 0;
      const seen = { first: Buffer.alloc(0), last: Buffer.alloc(0), nonZeroElsewhere: false };
      const zeros = Buffer.alloc(2 ** 20);
      for await (const chunk of reader.body()) {
        largest = Math.max(largest, chunk.length);
        const end = at + chunk.length;
        if (at < block) seen.first = Buffer.concat([seen.first, chunk.subarray(0, block - at)]);
        if (end > lastBlock * block) seen.last = Buffer.concat([seen.last, chunk.subarray(Math.max(0, lastBlock * block - at))]);
        else if (at >= block && !Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).equals(chunk.length <= zeros.length ? zeros.subarray(0, chunk.length) : Buffer.alloc(chunk.length))) seen.nonZeroElsewhere = true;
        at = end;
      }
      assert.equal(at, 10 * 2 ** 30);
      assert.ok(largest <= 2 ** 20, `a chunk of ${largest} bytes`);
      assert.ok(seen.first.equals(first) && seen.last.equals(last), 'the data blocks are in place');
      assert.equal(seen.nonZeroElsewhere, false);
      assert.equal(await reader.next(), undefined);
    });
  }
});
