// A zip is read from its end: the central directory (by range) says which members there are
// before any byte is inflated, so a zip of two disks, a path trick or a member that inflates
// past the limit is refused without reading the archive. Then the one disk member is streamed
// by range: stored as it is, or through raw inflate, its CRC-32 checked as it goes.
import {
  archiveSiblingKey,
  findZipEnd,
  type Packing,
  readCentralDirectory,
  readZip64End,
  readZipLocalHeader,
  unpackTooLargeProblem,
  zipCorruption,
  zipEncryptedProblem,
  type ZipEntry,
  zipHeadersDisagree,
  zipLocalHeaderFixedBytes,
  zipLocalHeaderLength,
  zipMethodProblem,
} from '../../domain/unpacking/index.js';
import { ArchiveMembers } from './archive-members.js';
import { crc32 } from './crc32.js';
import { inflateRaw } from './decoders.js';
import type { OpenSink } from './image-sink.js';
import { corruptStreamRejection, isNotTheBytesFault, UnpackRejection } from './unpack-rejection.js';
import type { Unpacked } from './unpack-stream.js';
import { type PackedSource, readAll } from './packed-source.js';

/** The zip object, for its range reads. */
export type ZipSource = Omit<ZipJob, 'openSink'>;

export interface ZipJob {
  source: PackedSource;
  /** The packed upload's key (or file name): named in messages. */
  key: string;
  packing: Packing;
  maxBytes: number;
  openSink: OpenSink;
}

/** Larger directories are not disk-image zips: 16 MiB is ~200,000 members. */
const maxDirectoryBytes = 16 * 1024 * 1024;
const endSearchBytes = 64 * 1024 + 22;

function readRange(job: ZipSource, start: number, end: number): Promise<Uint8Array> {
  return readAll(job.source, { start, end });
}

function corrupt(job: ZipSource, reason: string): UnpackRejection {
  return corruptStreamRejection(job.key, 'zip archive', new Error(reason));
}

/** The member list, from the end record (zip64 when present) and the central directory. */
export async function readZipMembers(job: ZipSource): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, job.source.size - endSearchBytes);
  let end = findZipEnd(await readRange(job, tailStart, job.source.size));
  if (end === undefined) throw corrupt(job, zipCorruption.noEnd());
  if (end.zip64EndOffset !== undefined) {
    end = end.zip64EndOffset + 56 > job.source.size ? undefined : readZip64End(await readRange(job, end.zip64EndOffset, end.zip64EndOffset + 56));
    if (end === undefined) throw corrupt(job, zipCorruption.badZip64End());
  }
  if (end.directorySize > maxDirectoryBytes || end.directoryOffset + end.directorySize > job.source.size) throw corrupt(job, zipCorruption.badDirectory(end.directorySize, end.directoryOffset));
  const entries = end.entryCount === 0 ? [] : readCentralDirectory(await readRange(job, end.directoryOffset, end.directoryOffset + end.directorySize), end.entryCount);
  if (entries === undefined) throw corrupt(job, zipCorruption.badDirectoryEntries());
  // Every member's header and data come before the directory (§4.3.6): a bad offset is a corrupt zip, never a read past the object's end.
  const misplaced = entries.find((entry) => entry.localHeaderOffset + zipLocalHeaderFixedBytes + entry.compressedSize > end.directoryOffset);
  if (misplaced !== undefined) throw corrupt(job, zipCorruption.outOfRange(misplaced, end.directoryOffset, 'central directory'));
  return entries;
}

/** The one disk member, after every member's name and the member's method were checked. */
export function chooseZipDisk(job: Pick<ZipJob, 'key' | 'maxBytes'>, entries: ZipEntry[]): ZipEntry {
  const members = new ArchiveMembers(job.key);
  let disk: ZipEntry | undefined;
  for (const entry of entries) {
    if (members.add(entry.name, entry.isDirectory ? 'directory' : 'file')) disk = entry;
  }
  members.throwUnlessOneDisk();
  if (disk === undefined) throw new UnpackRejection([]);
  if (disk.encrypted) throw new UnpackRejection([zipEncryptedProblem(job.key, disk.name)]);
  if (disk.method !== 0 && disk.method !== 8) throw new UnpackRejection([zipMethodProblem(job.key, disk.name, disk.method)]);
  if (disk.uncompressedSize > job.maxBytes) throw new UnpackRejection([unpackTooLargeProblem(job.key, job.maxBytes)]);
  return disk;
}

/** Where the disk member's data starts, once its local header was read and agrees with the central directory. */
async function memberDataOffset(job: ZipSource, disk: ZipEntry): Promise<number> {
  const size = job.source.size;
  if (disk.localHeaderOffset + zipLocalHeaderFixedBytes + disk.compressedSize > size) throw corrupt(job, zipCorruption.outOfRange(disk, size, 'end of the archive'));
  const fixed = await readRange(job, disk.localHeaderOffset, disk.localHeaderOffset + zipLocalHeaderFixedBytes);
  const length = zipLocalHeaderLength(fixed);
  if (length === undefined) throw corrupt(job, zipCorruption.noLocalHeader(disk));
  const start = disk.localHeaderOffset + length;
  if (start + disk.compressedSize > size) throw corrupt(job, zipCorruption.outOfRange(disk, size, 'end of the archive'));
  const local = readZipLocalHeader(await readRange(job, disk.localHeaderOffset, start));
  if (local === undefined) throw corrupt(job, zipCorruption.noLocalHeader(disk));
  const disagreement = zipHeadersDisagree(disk, local);
  if (disagreement !== undefined) throw corrupt(job, zipCorruption.headersDisagree(disk, disagreement));
  return start;
}

/** Streams the disk member into its sink; returns what was written. */
export async function unpackZip(job: ZipJob, disk: ZipEntry): Promise<Unpacked> {
  const siblingKey = archiveSiblingKey(job.packing, disk.name);
  const start = await memberDataOffset(job, disk);
  const sink = await job.openSink(siblingKey, { member: disk.name, size: disk.uncompressedSize });
  try {
    const stored = job.source.read({ start, end: start + disk.compressedSize });
    const bytes = disk.method === 8 ? inflateRaw(stored) : stored;
    let crc = 0;
    try {
      for await (const chunk of bytes) {
        crc = crc32(chunk, crc);
        await sink.write(chunk);
      }
    } catch (error) {
      if (isNotTheBytesFault(error)) throw error;
      throw corrupt(job, error instanceof Error ? error.message : String(error));
    }
    if (sink.bytesWritten !== disk.uncompressedSize) throw corrupt(job, zipCorruption.wrongSize(disk, sink.bytesWritten));
    // Before the upload is completed: a damaged member leaves nothing (the catch aborts it).
    if (crc !== disk.crc32) throw corrupt(job, zipCorruption.wrongCrc(disk, crc));
    const done = await sink.finish();
    return { siblingKey, member: disk.name, ...done };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
