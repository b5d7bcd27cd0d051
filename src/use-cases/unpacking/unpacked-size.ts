// What the packed object says of its unpacked size, for the time estimate: a zip's directory,
// the xz index (from the last bytes the plan step read, or one ranged GET of footer + index),
// zstd's first frame header or gzip's ISIZE trailer (both lower bounds: the inspector read them).
import type { ObjectFacts } from '../../adapters/oss/index.js';
import { type Packing, type UnpackedSizeHint, xzSizeFromEnd, type ZipEntry } from '../../domain/unpacking/index.js';
import { type PackedSource, readAll } from './packed-source.js';

/** The object's last bytes the plan step read: its tail, or its head when that is the whole object. */
function lastBytesRead(bytes: ObjectFacts['bytes']): Uint8Array {
  return bytes.tail.length > 0 ? bytes.tail : bytes.head;
}

export async function readUnpackedSizeHint(
  object: { facts: ObjectFacts; packing: Packing; image: { details: Record<string, unknown> } },
  source: PackedSource,
  zipDisk: ZipEntry | undefined,
): Promise<UnpackedSizeHint | undefined> {
  if (zipDisk !== undefined) return { bytes: zipDisk.uncompressedSize, exact: true, from: 'the zip directory' };
  const { details } = object.image;
  switch (object.packing.codec) {
    case 'xz': {
      const size = source.size;
      let end = xzSizeFromEnd(lastBytesRead(object.facts.bytes), size);
      if (end.kind === 'read-end') end = xzSizeFromEnd(await readAll(source, { start: size - end.bytes, end: size }), size);
      if (end.kind !== 'size') return undefined;
      return { bytes: end.bytes, exact: end.exact, from: end.exact ? 'the xz index' : "the last xz stream's index" };
    }
    case 'zstd': {
      const size = details['uncompressedSizeBytes'];
      return typeof size === 'number' ? { bytes: size, exact: false, from: "the first zstd frame's header" } : undefined;
    }
    case 'gzip': {
      const size = details['uncompressedSizeMod2To32'];
      return typeof size === 'number' ? { bytes: size, exact: false, from: "gzip's size trailer (ISIZE, the size modulo 4 GiB)" } : undefined;
    }
    default:
      return undefined;
  }
}
