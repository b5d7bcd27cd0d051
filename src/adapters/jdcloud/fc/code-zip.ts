import { inflateRawSync } from 'node:zlib';

export interface ZipEntryFacts {
  name: string;
  compressedBytes: number;
  uncompressedBytes: number;
  /** 0 stored, 8 deflated. */
  method: number;
  localHeaderOffset: number;
}

const endOfCentralDirectory = 0x06054b50;
const centralDirectoryEntry = 0x02014b50;
const localFileHeader = 0x04034b50;

/**
 * Lists the entries of an fc code package (Code.zipFile, docs/reference/jdcloud-api.md §3.2) from
 * its central directory: the plugin checks the unzipped size against fc's limit for any zip
 * (ours or one given with `deploy --package`), and the fc emulator unpacks it to run it. No
 * ZIP64: fc's 250 MB limit is far below 4 GiB, and a ZIP64 marker reads as 0xFFFFFFFF.
 */
export function listZipEntries(zip: Buffer): ZipEntryFacts[] {
  let end = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset -= 1) {
    if (zip.readUInt32LE(offset) === endOfCentralDirectory) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntryFacts[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(offset) !== centralDirectoryEntry) throw new Error(`not a zip file: bad central directory entry ${index}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedBytes: zip.readUInt32LE(offset + 20),
      uncompressedBytes: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one entry (stored or deflated). */
export function readZipEntry(zip: Buffer, entry: ZipEntryFacts): Buffer {
  const header = entry.localHeaderOffset;
  if (zip.readUInt32LE(header) !== localFileHeader) throw new Error(`not a zip file: bad local header for ${entry.name}`);
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedBytes);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`zip entry ${entry.name} uses compression method ${entry.method}; only stored and deflated are read`);
}
