// The zip's directory and local headers, read as the unpacker reads them, from zips Info-ZIP's zip
// made of a real qcow2 image: plain, zip64 records forced (-fz), data descriptors (zip writing to
// a pipe), and byte edits where the two headers of a member disagree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findZipEnd,
  readCentralDirectory,
  readZip64End,
  readZipLocalHeader,
  type ZipEnd,
  type ZipEntry,
  zipHeadersDisagree,
  zipLocalHeaderLength,
} from '../../src/domain/unpacking/index.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { centralEntryOffset, crc32ByGzip, renamed, withField, zipFiles } from './zip-archives.js';

const image = makeDiskImage('qcow2', '1G');
const imageCrc = crc32ByGzip(image);

/** The entries as the unpacker finds them: end record, zip64 end record when there is one, central directory. */
function directoryOf(zip: Buffer): { end: ZipEnd; entries: ZipEntry[] | undefined } {
  let end = findZipEnd(zip);
  assert.ok(end !== undefined, 'an end record');
  if (end.zip64EndOffset !== undefined) end = readZip64End(zip.subarray(end.zip64EndOffset, end.zip64EndOffset + 56));
  assert.ok(end !== undefined, 'a zip64 end record');
  return { end, entries: readCentralDirectory(zip.subarray(end.directoryOffset, end.directoryOffset + end.directorySize), end.entryCount) };
}

function localHeaderOf(zip: Buffer, entry: ZipEntry) {
  const length = zipLocalHeaderLength(zip.subarray(entry.localHeaderOffset, entry.localHeaderOffset + 30));
  assert.ok(length !== undefined, 'a local header');
  return readZipLocalHeader(zip.subarray(entry.localHeaderOffset, entry.localHeaderOffset + length));
}

describe('the zip directory', () => {
  // descriptor: the data descriptor's bytes (signature, CRC-32, two sizes of 4 bytes, or 8 in zip64).
  const cases: Array<[string, Buffer, { method: number; zip64End: boolean; descriptor: 0 | 16 | 24 }]> = [
    ['zip', zipFiles([{ name: 'disk.qcow2', bytes: image }]), { method: 8, zip64End: false, descriptor: 0 }],
    ['zip -0', zipFiles([{ name: 'disk.qcow2', bytes: image }], ['-0']), { method: 0, zip64End: false, descriptor: 0 }],
    ['zip -fz (zip64 records on a small file)', zipFiles([{ name: 'disk.qcow2', bytes: image }], ['-fz']), { method: 8, zip64End: true, descriptor: 0 }],
    ['zip to a pipe (data descriptor)', zipFiles([{ name: 'disk.qcow2', bytes: image }], [], { streamed: 'output' }), { method: 8, zip64End: false, descriptor: 16 }],
    ['zip -0 to a pipe (stored, data descriptor)', zipFiles([{ name: 'disk.qcow2', bytes: image }], ['-0'], { streamed: 'output' }), { method: 0, zip64End: false, descriptor: 16 }],
    ['zip of a FIFO (streamed input: data descriptor, nothing in the local header)', zipFiles([{ name: 'disk.qcow2', bytes: image }], [], { streamed: 'input' }), { method: 8, zip64End: false, descriptor: 16 }],
  ];
  for (const [made, zip, expected] of cases) {
    it(`reads the member of a ${made}: name, method, sizes, CRC-32; its local header agrees`, () => {
      assert.equal(findZipEnd(zip)?.zip64EndOffset !== undefined, expected.zip64End);
      const { end, entries } = directoryOf(zip);
      assert.equal(entries?.length, 1);
      const entry = entries![0]!;
      assert.deepEqual(entry, {
        name: 'disk.qcow2',
        method: expected.method,
        encrypted: false,
        crc32: imageCrc,
        // zip writes the member first, its data ending where its data descriptor (16 or 24 bytes) or the directory starts.
        compressedSize: entry.compressedSize,
        uncompressedSize: image.length,
        localHeaderOffset: 0,
        isDirectory: false,
      });
      const local = localHeaderOf(zip, entry);
      // The compressed size, checked where the data ends: at the descriptor, or at the directory.
      const dataEnd = zipLocalHeaderLength(zip.subarray(0, 30))! + entry.compressedSize;
      assert.equal(dataEnd + expected.descriptor, end.directoryOffset);
      if (expected.descriptor > 0) assert.equal(zip.readUInt32LE(dataEnd), 0x08074b50, 'the data descriptor signature');
      if (expected.method === 0) assert.equal(entry.compressedSize, image.length);
      assert.equal(local?.hasDataDescriptor, expected.descriptor > 0);
      assert.equal(local?.name, 'disk.qcow2');
      assert.equal(zipHeadersDisagree(entry, local!), undefined);
    });
  }

  it('says where the local header disagrees with the central directory: name, method, CRC-32 and sizes', () => {
    const zip = zipFiles([{ name: 'disk.qcow2', bytes: image }]);
    const entry = directoryOf(zip).entries![0]!;
    const cases: Array<[Buffer, string]> = [
      [renamed(zip, 'disk.qcow2', 'dusk.qcow2', 2).subarray(0, centralEntryOffset(zip)), 'name "dusk.qcow2" in its local header, "disk.qcow2" in the central directory'],
      [withField(zip, 8, 2, 0), 'method 0 in its local header, 8 in the central directory'],
      [withField(zip, 14, 4, 0x12345678), `CRC-32 0x12345678 in its local header, 0x${imageCrc.toString(16).padStart(8, '0')} in the central directory`],
      [withField(withField(zip, 18, 4, 1000), 22, 4, 2000), `compressed size 1000 in its local header, ${entry.compressedSize} in the central directory; size 2000 in its local header, ${image.length} in the central directory`],
    ];
    for (const [edited, disagreement] of cases) {
      const header = edited.subarray(0, zipLocalHeaderLength(edited.subarray(0, 30)));
      assert.equal(zipHeadersDisagree(entry, readZipLocalHeader(header)!), disagreement);
    }
  });

  it('with a data descriptor, compares only name and method: the local CRC-32 and sizes are zero', () => {
    const zip = zipFiles([{ name: 'disk.qcow2', bytes: image }], [], { streamed: 'input' });
    const entry = directoryOf(zip).entries![0]!;
    assert.deepEqual([zip.readUInt32LE(14), zip.readUInt32LE(18), zip.readUInt32LE(22)], [0, 0, 0]);
    assert.equal(zipHeadersDisagree(entry, localHeaderOf(zip, entry)!), undefined);
    assert.equal(zipHeadersDisagree(entry, localHeaderOf(withField(zip, 8, 2, 0), entry)!), 'method 0 in its local header, 8 in the central directory');
  });

  it('refuses a central directory entry that says "see zip64" (0xFFFFFFFF) without a zip64 extra field', () => {
    const zip = zipFiles([{ name: 'disk.qcow2', bytes: image }]);
    const edited = withField(zip, centralEntryOffset(zip) + 24, 4, 0xffffffff);
    assert.deepEqual(directoryOf(edited).entries, undefined);
    assert.equal(directoryOf(zip).entries?.length, 1);
  });

  it('refuses a local header that says "see zip64" without a zip64 extra field, and bytes that are not a local header', () => {
    const zip = zipFiles([{ name: 'disk.qcow2', bytes: image }]);
    const header = (bytes: Buffer) => bytes.subarray(0, zipLocalHeaderLength(bytes.subarray(0, 30)));
    assert.equal(readZipLocalHeader(header(withField(zip, 22, 4, 0xffffffff))), undefined);
    assert.equal(zipLocalHeaderLength(zip.subarray(1, 31)), undefined);
    assert.equal(readZipLocalHeader(zip.subarray(0, 35)), undefined, 'cut inside its name');
  });
});
