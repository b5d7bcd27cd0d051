import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  archiveSiblingKey,
  checkPackingMagic,
  compressedSiblingKey,
  isDiskMember,
  packingFromKey,
  readOvfDescriptor,
  unsafeMemberName,
} from '../../src/domain/unpacking/index.js';
import { estimateUnpack, unpackTimeProblem } from '../../src/domain/unpacking/unpack-estimate.js';
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
    const slow = unpackTimeProblem({ bucket: 'b', key: 'u/big.raw.xz' }, xz, estimateUnpack(xz, 20e9, 100e9), 840);
    assert.deepEqual(slow, {
      code: 'unpack-too-slow-for-function',
      field: 'content',
      value: 's3://b/u/big.raw.xz',
      message:
        'Unpacking this xz-compressed file (100000000000 bytes (93.13 GiB) unpacked) would take about 6250 s at 24 MB/s, more than the 840 s the function has for it (fc stops a function after at most 900 s). Unpack and import it with the CLI, which has no time limit: oss-image-import import s3://b/u/big.raw.xz — or run oss-image-import serve next to the bucket. Or upload the image uncompressed.',
    });
  });
});

describe('text in place of a disk', () => {
  it('is text without NUL bytes and mostly printable; a disk\'s first sector has NULs', () => {
    assert.equal(looksLikeText(new TextEncoder().encode('Just notes.\n'.repeat(100))), true);
    assert.equal(looksLikeText(new Uint8Array(512)), false);
    assert.equal(looksLikeText(Uint8Array.from({ length: 512 }, (_, index) => (index % 7) + 1)), false);
  });
});
