import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  archiveSiblingKey,
  checkPackingMagic,
  compressedSiblingKey,
  isSiblingKeyOf,
  isDiskMember,
  packingFromKey,
  readOvfDescriptor,
  unsafeMemberName,
} from '../../src/domain/unpacking/index.js';
import { estimateUnpack, unpackTimeProblem, unpackTooLargeProblem } from '../../src/domain/unpacking/unpack-estimate.js';
import { xzSizeFromEnd } from '../../src/domain/unpacking/xz-index.js';
import { looksLikeText } from '../../src/domain/unpacking/unpacked-head-check.js';
import { ovfDescriptor, packFiles } from '../../harness/packed-images.js';
import { makeDiskImage } from '../../harness/disk-images.js';

function packing(key: string) {
  const found = packingFromKey(key);
  assert.ok(found, `${key} is packed`);
  return found;
}

describe('what a key is packed in, and the sibling it unpacks to', () => {
  it('removes a compressor suffix; a stem without an extension becomes .img', () => {
    const cases: Array<[string, string]> = [
      ['u/disk.qcow2.gz', 'u/disk.qcow2'],
      ['u/disk.raw.xz', 'u/disk.raw'],
      ['u/disk.vhd.zst', 'u/disk.vhd'],
      ['u/disk.vmdk.bz2', 'u/disk.vmdk'],
      ['u/ubuntu.img.zstd', 'u/ubuntu.img'],
      ['u/DISK.QCOW2.GZ', 'u/DISK.QCOW2'],
      ['u/disk.gz', 'u/disk.img'],
    ];
    for (const [key, sibling] of cases) assert.deepEqual(compressedSiblingKey(key, packing(key)), { ok: true, key: sibling }, key);
  });

  it('replaces an archive suffix by its disk\'s extension, lower-case', () => {
    const cases: Array<[string, string, string]> = [
      ['u/one.zip', 'disk.qcow2', 'u/one.qcow2'],
      ['u/gce.tar.gz', 'disk.raw', 'u/gce.raw'],
      ['u/gce.tgz', 'disk.raw', 'u/gce.raw'],
      ['u/app.ova', 'app-disk1.vmdk', 'u/app.vmdk'],
      ['u/win.zip', 'Server/DISK.VHD', 'u/win.vhd'],
      ['u/disk.qcow2.zip', 'disk.qcow2', 'u/disk.qcow2'],
      ['u/b.tar.zst', 'x.img', 'u/b.img'],
    ];
    for (const [key, member, sibling] of cases) assert.equal(archiveSiblingKey(packing(key), member), sibling, key);
  });

  it('tells codec and archive apart, and leaves other keys alone', () => {
    assert.deepEqual(packingFromKey('a/b.tar.xz'), { codec: 'xz', archive: 'tar', suffix: '.tar.xz', stem: 'a/b' });
    assert.deepEqual(packingFromKey('a/b.Zip'), { archive: 'zip', suffix: '.Zip', stem: 'a/b' });
    for (const key of ['a/b.qcow2', 'a/b.lz4', 'a/b.7z', 'a/.gz', 'a/b.gz/c.raw']) assert.equal(packingFromKey(key), undefined, key);
  });

  it('refuses a compressed file that names something other than a disk image', () => {
    const sibling = compressedSiblingKey('u/notes.txt.gz', packing('u/notes.txt.gz'));
    assert.deepEqual(sibling, {
      ok: false,
      problem: {
        code: 'packed-not-disk-image',
        field: 'key',
        value: 'u/notes.txt.gz',
        message: 'The key "u/notes.txt.gz" says it holds "notes.txt", which is not a disk image (.qcow2, .qcow, .vhd, .vmdk, .raw or .img). Compress the disk image itself, named after its format, e.g. "notes.qcow2.gz".',
      },
    });
  });
});

describe('the bytes against the name', () => {
  it('says what the content is when it is not what the name claims', () => {
    const qcow2 = makeDiskImage('qcow2', '1G');
    assert.deepEqual(checkPackingMagic('u/disk.qcow2.gz', packing('u/disk.qcow2.gz'), qcow2), {
      code: 'packing-mismatch',
      field: 'content',
      value: 'qcow2',
      message: 'The key "u/disk.qcow2.gz" ends in ".gz", a gzip-compressed file, but the content is a qcow2 disk image, not packed. Rename it to end in .qcow2 and it is imported as it is.',
    });
    assert.equal(checkPackingMagic('u/b.tar', packing('u/b.tar'), new TextEncoder().encode('plain text'))?.message,
      'The key "u/b.tar" ends in ".tar", a tar archive, but the content is none of gzip, xz, zstd, bzip2, zip or tar. Upload the file the name describes; a disk image itself is named .qcow2, .vhd, .vmdk, .raw or .img.');
    assert.equal(checkPackingMagic('u/a.tar.gz', packing('u/a.tar.gz'), packFiles('gzip', [{ name: 'a', bytes: 'x' }])), undefined);
    assert.equal(checkPackingMagic('u/a.ova', packing('u/a.ova'), packFiles('ova', [{ name: 'a.ovf', bytes: '<x/>' }])), undefined);
  });
});

describe('archive member names', () => {
  it('refuses names that climb out of the archive or are absolute', () => {
    const cases: Array<[string, string | undefined]> = [
      ['disk.qcow2', undefined],
      ['images/disk.qcow2', undefined],
      ['../disk.qcow2', 'it climbs out of the archive with ".."'],
      ['a/../../disk.raw', 'it climbs out of the archive with ".."'],
      ['a\\..\\disk.raw', 'it climbs out of the archive with ".."'],
      ['/etc/disk.raw', 'it is an absolute path'],
      ['\\\\server\\disk.raw', 'it is an absolute path'],
      ['C:\\disk.vhd', 'it starts with a drive letter'],
      ['disk\u0000.raw', 'it contains control characters'],
    ];
    for (const [name, reason] of cases) assert.equal(unsafeMemberName(name), reason, name);
  });

  it('counts disks by name, not macOS resource forks', () => {
    assert.equal(isDiskMember('disk.qcow2'), true);
    assert.equal(isDiskMember('dir/Disk.VMDK'), true);
    assert.equal(isDiskMember('__MACOSX/._disk.qcow2'), false);
    assert.equal(isDiskMember('._disk.qcow2'), false);
    assert.equal(isDiskMember('README.txt'), false);
    assert.equal(isDiskMember('app.ovf'), false);
  });
});

describe('the OVF descriptor', () => {
  it('lists the disks\' files and maps the OS section to a platform', () => {
    const ovf = readOvfDescriptor(ovfDescriptor(['a-disk1.vmdk', 'a-disk2.vmdk'], { id: 94, description: 'Ubuntu Linux (64-bit)', osType: 'ubuntu64Guest' }));
    assert.deepEqual(ovf, {
      diskFiles: ['a-disk1.vmdk', 'a-disk2.vmdk'],
      operatingSystem: { id: '94', description: 'Ubuntu Linux (64-bit)', osType: 'ubuntu64Guest' },
      platform: 'Ubuntu',
    });
  });

  it('reads Windows, CentOS by CIM id alone, and says nothing of an OS it does not know', () => {
    const platformOf = (os: { id: number; description: string; osType?: string }) => readOvfDescriptor(ovfDescriptor(['d.vmdk'], os)).platform;
    assert.equal(platformOf({ id: 1, description: 'Microsoft Windows Server 2019 (64-bit)', osType: 'windows2019srv_64Guest' }), 'Windows Server');
    assert.equal(platformOf({ id: 1, description: 'Microsoft Windows 10 (64-bit)' }), 'Other Windows');
    assert.equal(platformOf({ id: 107, description: '' }), 'CentOS');
    assert.equal(platformOf({ id: 1, description: 'Debian GNU/Linux 12 (64-bit)' }), 'Other Linux');
    assert.equal(platformOf({ id: 1, description: 'FreeBSD 13' }), undefined);
    assert.deepEqual(readOvfDescriptor('<Envelope/>'), { diskFiles: [] });
  });
});

describe('the time estimate', () => {
  it('refuses, naming the CLI and serve, when unpacking would not fit the function', () => {
    const gz = packing('u/big.raw.gz');
    const estimate = estimateUnpack(gz, 4e9);
    assert.deepEqual(estimate, { seconds: 300, unpackedBytes: 12e9, unpackedBytesKnown: false, rateMBps: 60 });
    assert.equal(unpackTimeProblem({ bucket: 'b', key: 'u/big.raw.gz' }, gz, estimate, 840), undefined);
    const xz = packing('u/big.raw.xz');
    const slow = unpackTimeProblem({ bucket: 'b', key: 'u/big.raw.xz' }, xz, estimateUnpack(xz, 20e9, { bytes: 100e9, exact: true, from: 'the xz index' }), 840);
    assert.deepEqual(slow, {
      code: 'unpack-too-slow-for-function',
      field: 'content',
      value: 's3://b/u/big.raw.xz',
      message:
        'Unpacking this xz-compressed file (100000000000 bytes (93.13 GiB) unpacked, from the xz index) would take about 6250 s at 24 MB/s, more than the 840 s the function has for it (fc stops a function after at most 900 s). Unpack and import it with the CLI, which has no time limit: oss-image-import import s3://b/u/big.raw.xz — or run oss-image-import serve next to the bucket. Or upload the image uncompressed.',
    });
  });

  it('takes a lower bound (zstd\'s first frame, gzip\'s ISIZE) only where it is above the assumed 3×, and never calls it known', () => {
    const zst = packing('u/sparse.raw.zst');
    // A sparse disk: 20 GB in a 10 MB file, far beyond 3×.
    const sparse = estimateUnpack(zst, 10e6, { bytes: 20e9, exact: false, from: "the first zstd frame's header" });
    assert.deepEqual(sparse, { seconds: 667, unpackedBytes: 20e9, unpackedBytesKnown: false, unpackedBytesFrom: "the first zstd frame's header", rateMBps: 45 });
    assert.equal(
      unpackTimeProblem({ bucket: 'b', key: 'u/sparse.raw.zst' }, zst, sparse, 600)?.message,
      "Unpacking this zstd-compressed file (at least 20000000000 bytes (18.63 GiB) unpacked, from the first zstd frame's header) would take about 667 s at 45 MB/s, more than the 600 s the function has for it (fc stops a function after at most 900 s). Unpack and import it with the CLI, which has no time limit: oss-image-import import s3://b/u/sparse.raw.zst — or run oss-image-import serve next to the bucket. Or upload the image uncompressed.",
    );
    // A first frame smaller than 3× the file (more frames follow): the assumption stands.
    assert.deepEqual(estimateUnpack(zst, 1e9, { bytes: 1e6, exact: false, from: "the first zstd frame's header" }), { seconds: 100, unpackedBytes: 3e9, unpackedBytesKnown: false, rateMBps: 45 });
    // An exact size below 3× is the size.
    assert.deepEqual(estimateUnpack(packing('u/a.zip'), 1e9, { bytes: 1.2e9, exact: true, from: 'the zip directory' }), { seconds: 36, unpackedBytes: 1.2e9, unpackedBytesKnown: true, unpackedBytesFrom: 'the zip directory', rateMBps: 50 });
  });

  it('names the way out of IMAGE_UNPACK_MAX_BYTES only while the setting is below JD Cloud\'s 500 GiB, its cap', () => {
    assert.equal(
      unpackTooLargeProblem('u/bomb.raw.gz', 12 * 2 ** 20).message,
      'Unpacking "u/bomb.raw.gz" gives more than 12582912 bytes (12 MiB) (IMAGE_UNPACK_MAX_BYTES; JD Cloud imports images up to 500 GiB): a likely decompression bomb. Nothing was kept. Upload a smaller image, or raise IMAGE_UNPACK_MAX_BYTES (at most 536870912000 bytes (500 GiB)) if the image is genuine.',
    );
    assert.equal(
      unpackTooLargeProblem('u/bomb.raw.gz', 500 * 2 ** 30).message,
      'Unpacking "u/bomb.raw.gz" gives more than 536870912000 bytes (500 GiB) (IMAGE_UNPACK_MAX_BYTES; JD Cloud imports images up to 500 GiB): a likely decompression bomb. Nothing was kept. Upload a smaller image: JD Cloud imports nothing larger.',
    );
  });
});

describe('the unpacked size in an xz index', () => {
  const xz = (input: Uint8Array, args: string[] = []) => execFileSync('xz', ['-c', '-T1', ...args], { input, maxBuffer: 64 * 2 ** 20 });
  const data = randomFillSync(Buffer.alloc(300_000));

  it('is exact for one stream, read from its last bytes', () => {
    const packed = xz(data);
    assert.deepEqual(xzSizeFromEnd(packed.subarray(-1536), packed.length), { kind: 'size', bytes: 300_000, exact: true });
    const empty = xz(new Uint8Array(0));
    assert.deepEqual(xzSizeFromEnd(empty, empty.length), { kind: 'size', bytes: 0, exact: true });
  });

  it('asks for the footer and index when they are longer than the bytes at hand, then reads them', (t) => {
    // A block per 512 bytes: an index of about 600 records, past the 1536 bytes the plan step reads.
    const packed = xz(data, ['--block-size=512']);
    const first = xzSizeFromEnd(packed.subarray(-1536), packed.length);
    assert.equal(first.kind, 'read-end');
    const wanted = first.kind === 'read-end' ? first.bytes : 0;
    // xz --list gives each block's size: the rest, less header and footer (12 bytes each), is the index.
    const directory = mkdtempSync(join(tmpdir(), 'oss-image-import-xz-index-'));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    writeFileSync(join(directory, 'blocks.xz'), packed);
    const blocks = execFileSync('xz', ['--robot', '--list', '-vv', join(directory, 'blocks.xz')], { maxBuffer: 16 * 2 ** 20 })
      .toString()
      .split('\n')
      .filter((line) => line.startsWith('block\t'))
      .map((line) => Number(line.split('\t')[6]));
    assert.equal(blocks.length, Math.ceil(300_000 / 512));
    const indexBytes = packed.length - 24 - blocks.reduce((sum, size) => sum + size, 0);
    assert.equal(wanted, indexBytes + 12);
    assert.ok(wanted > 1536, `index + footer is ${wanted} bytes`);
    assert.deepEqual(xzSizeFromEnd(packed.subarray(-wanted), packed.length), { kind: 'size', bytes: 300_000, exact: true });
  });

  it('gives only the last stream\'s size, not exact, for concatenated streams; nothing for padding or a truncated file', () => {
    const one = xz(data.subarray(0, 100_000));
    const two = xz(data.subarray(100_000));
    const both = Buffer.concat([one, two]);
    assert.deepEqual(xzSizeFromEnd(both.subarray(-1536), both.length), { kind: 'size', bytes: 200_000, exact: false });
    const padded = Buffer.concat([one, Buffer.alloc(4)]);
    assert.deepEqual(xzSizeFromEnd(padded.subarray(-1536), padded.length), { kind: 'unknown' });
    assert.deepEqual(xzSizeFromEnd(one.subarray(0, one.length - 1).subarray(-1536), one.length - 1), { kind: 'unknown' });
  });
});

describe('text in place of a disk', () => {
  it('is text without NUL bytes and mostly printable; a disk\'s first sector has NULs', () => {
    assert.equal(looksLikeText(new TextEncoder().encode('Just notes.\n'.repeat(100))), true);
    assert.equal(looksLikeText(new Uint8Array(512)), false);
    assert.equal(looksLikeText(Uint8Array.from({ length: 512 }, (_, index) => (index % 7) + 1)), false);
  });
});

describe('which key a packed upload unpacks to (isSiblingKeyOf)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['u/disk.qcow2', 'u/disk.qcow2.gz', true],
    ['u/disk.img', 'u/disk.gz', true],
    ['u/renamed.qcow2', 'u/disk.qcow2.gz', false],
    ['v/disk.qcow2', 'u/disk.qcow2.gz', false],
    ['u/one.qcow2', 'u/one.zip', true],
    ['u/gce.raw', 'u/gce.tar.gz', true],
    ['u/app.vmdk', 'u/app.ova', true],
    ['u/one.qcow2', 'u/one.raw.zip', false],
    ['u/one.raw', 'u/one.raw.zip', true],
    ['u/one/x.qcow2', 'u/one.zip', false],
    ['u/other.qcow2', 'u/one.zip', false],
  ];
  for (const [key, packedKey, expected] of cases) {
    it(`${key} ${expected ? 'is' : 'is not'} where ${packedKey} unpacks to`, () => {
      const packing = packingFromKey(packedKey);
      assert.ok(packing !== undefined);
      assert.equal(isSiblingKeyOf(key, packing, packedKey), expected);
    });
  }
});
