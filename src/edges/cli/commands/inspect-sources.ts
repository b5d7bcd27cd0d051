import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ByteRange, imageByteRanges } from '../../../domain/image/index.js';
import { isNotFound, ObjectStoreError, readImageBytes } from '../../../adapters/oss/index.js';
import { ImageReadError } from './image-read-error.js';

/** The bytes `inspectImage` needs, and how many were actually read to get them. */
export interface InspectedBytes {
  head: Uint8Array;
  tail: Uint8Array;
  size: number;
  bytesRead: number;
}

/** Reads only the head and tail ranges of a local file (never the whole file). */
export async function readLocalImageFile(path: string): Promise<InspectedBytes> {
  let file;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; the
    // type check below then refuses it (a regular file ignores the flag).
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new ImageReadError(`Cannot open ${path}: ${systemReason(error)}.`, { cause: error });
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile()) throw new ImageReadError(`${path} is not a regular file; pass a disk image file or s3://bucket/key.`);
    const size = stats.size;
    const ranges = imageByteRanges(size);
    const head = await readRange(file, ranges.head, path);
    const tail = ranges.tail === undefined ? new Uint8Array() : await readRange(file, ranges.tail, path);
    return { head, tail, size, bytesRead: head.length + tail.length };
  } finally {
    await file.close();
  }
}

async function readRange(file: Awaited<ReturnType<typeof open>>, range: ByteRange, path: string): Promise<Uint8Array> {
  const buffer = new Uint8Array(range.end - range.start);
  let filled = 0;
  try {
    while (filled < buffer.length) {
      const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, range.start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } catch (error) {
    throw new ImageReadError(`Cannot read bytes ${range.start}–${range.end - 1} of ${path}: ${systemReason(error)}.`, { cause: error });
  }
  if (filled < buffer.length) throw new ImageReadError(`${path} shrank while it was read (expected ${buffer.length} bytes at ${range.start}, got ${filled}).`);
  return buffer;
}

/** The object's size from HEAD, then its head and tail with Range GETs (src/adapters/oss/read-image-bytes.ts). */
export async function readObjectImageBytes(s3: S3Client, bucket: string, key: string): Promise<InspectedBytes> {
  let size: number;
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    size = head.ContentLength ?? 0;
  } catch (error) {
    if (isNotFound(error)) throw new ImageReadError(`s3://${bucket}/${key} does not exist.`, { cause: error });
    throw new ObjectStoreError('HeadObject', `s3://${bucket}/${key}`, error);
  }
  const bytes = await readImageBytes(s3, { bucket, key, size });
  if (bytes === 'not-found') throw new ImageReadError(`s3://${bucket}/${key} was deleted while it was read.`);
  return { head: bytes.head, tail: bytes.tail, size: bytes.sizeFromRange ?? size, bytesRead: bytes.bytesRead };
}

function systemReason(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = String((error as { code: unknown }).code);
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'it is a directory',
      ENOTDIR: 'a part of the path is not a directory',
    };
    return `${reasons[code] ?? (error instanceof Error ? error.message : code)} (${code})`;
  }
  return error instanceof Error ? error.message : String(error);
}
