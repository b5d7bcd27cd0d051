// A zip is read from its end: the central directory (by range) says which members there are
// before any byte is inflated, so a zip of two disks, a path trick or a member that inflates
// past the limit is refused without reading the archive. Then the one disk member is streamed
// by range: stored as it is, or through raw inflate.
import { archiveSiblingKey, findZipEnd, localDataOffset, type Packing, readCentralDirectory, readZip64End, unpackTooLargeProblem, type ZipEntry } from '../../domain/unpacking/index.js';
import { ArchiveMembers } from './archive-members.js';
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
  if (end === undefined) throw corrupt(job, 'no end-of-central-directory record');
  if (end.zip64EndOffset !== undefined) {
    end = readZip64End(await readRange(job, end.zip64EndOffset, end.zip64EndOffset + 56));
    if (end === undefined) throw corrupt(job, 'a bad zip64 end record');
  }
  if (end.directorySize > maxDirectoryBytes || end.directoryOffset + end.directorySize > job.source.size) throw corrupt(job, `a central directory of ${end.directorySize} bytes at ${end.directoryOffset}`);
  const entries = end.entryCount === 0 ? [] : readCentralDirectory(await readRange(job, end.directoryOffset, end.directoryOffset + end.directorySize), end.entryCount);
  if (entries === undefined) throw corrupt(job, 'a bad central directory');
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
  const refuse = (code: string, message: string) => new UnpackRejection([{ code, field: 'content', value: disk.name, message }]);
  if (disk.encrypted) throw refuse('zip-encrypted', `The zip member ${JSON.stringify(disk.name)} in ${JSON.stringify(job.key)} is encrypted; it cannot be unpacked without its password. Upload it without encryption.`);
  if (disk.method !== 0 && disk.method !== 8) {
    const name = disk.method === 9 ? 'Deflate64 (what Windows Explorer uses for large files)' : `method ${disk.method}`;
    throw refuse('zip-method-unsupported', `The zip member ${JSON.stringify(disk.name)} in ${JSON.stringify(job.key)} is compressed with ${name}; only stored and Deflate members are unpacked. Re-create the zip with Deflate (zip -r, 7z -tzip -mm=Deflate), or compress the image with gzip, xz or zstd instead.`);
  }
  if (disk.uncompressedSize > job.maxBytes) throw new UnpackRejection([unpackTooLargeProblem(job.key, job.maxBytes)]);
  return disk;
}

/** Streams the disk member into its sink; returns what was written. */
export async function unpackZip(job: ZipJob, disk: ZipEntry): Promise<Unpacked> {
  const siblingKey = archiveSiblingKey(job.packing, disk.name);
  const local = await readRange(job, disk.localHeaderOffset, Math.min(job.source.size, disk.localHeaderOffset + 30));
  const start = localDataOffset(local, disk.localHeaderOffset);
  if (start === undefined || start + disk.compressedSize > job.source.size) throw corrupt(job, `no local header for ${JSON.stringify(disk.name)}`);
  const sink = await job.openSink(siblingKey, { member: disk.name, size: disk.uncompressedSize });
  try {
    const stored = job.source.read({ start, end: start + disk.compressedSize });
    const bytes = disk.method === 8 ? inflateRaw(stored) : stored;
    try {
      for await (const chunk of bytes) await sink.write(chunk);
    } catch (error) {
      if (isNotTheBytesFault(error)) throw error;
      throw corrupt(job, error instanceof Error ? error.message : String(error));
    }
    if (sink.bytesWritten !== disk.uncompressedSize) throw corrupt(job, `${JSON.stringify(disk.name)} inflates to ${sink.bytesWritten} bytes, its directory says ${disk.uncompressedSize}`);
    const done = await sink.finish();
    return { siblingKey, member: disk.name, ...done };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
