import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadCredentials } from '../../../adapters/jdcloud/index.js';
import { ossClientFor, unpackStoreFor } from '../../../adapters/oss/index.js';
import { isDiskFormat } from '../../../domain/jdcloud-rules/index.js';
import { formatFromKey, systemDiskSizeFromVirtualSize } from '../../../domain/image/index.js';
import type { Packing } from '../../../domain/unpacking/index.js';
import { loadConfig } from '../../../use-cases/config/index.js';
import { inspectPacked, type PackedSource } from '../../../use-cases/unpacking/index.js';
import { ImageReadError } from './image-read-error.js';
import type { InspectReport } from './inspect.js';

/** A local file as a packed source (Node's streams, by range). */
async function fileSource(path: string): Promise<PackedSource> {
  const stats = await stat(path).catch((error: unknown) => {
    throw new ImageReadError(`Cannot open ${path}: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  });
  if (!stats.isFile()) throw new ImageReadError(`${path} is not a regular file; pass a disk image file or s3://bucket/key.`);
  return {
    size: stats.size,
    read: (range) => createReadStream(path, range === undefined ? {} : { start: range.start, end: range.end - 1 }),
  };
}

/** What `inspect` reports of a compressed or archived file: the usual report of the image inside, plus `packed`. */
export async function inspectPackedTarget(target: string, name: string, packing: Packing, env: NodeJS.ProcessEnv, location?: { bucket: string; key: string }): Promise<InspectReport> {
  const config = loadConfig(env);
  let source: PackedSource;
  let close = () => {};
  if (location === undefined) source = await fileSource(target);
  else {
    const s3 = ossClientFor(config, loadCredentials(env));
    const store = unpackStoreFor(s3);
    const head = await store.headObject(location.bucket, location.key).catch((error: unknown) => {
      s3.destroy();
      throw error;
    });
    if (head === undefined) {
      s3.destroy();
      throw new ImageReadError(`s3://${location.bucket}/${location.key} does not exist.`);
    }
    close = () => s3.destroy();
    source = store.objectBytes({ ...location, etag: head.etag, size: head.size });
  }
  try {
    const { image, problems, bytesRead, ...packed } = await inspectPacked(name, packing, source, config.unpackMaxBytes);
    const derived = image?.virtualSizeBytes == null ? undefined : systemDiskSizeFromVirtualSize(image.virtualSizeBytes);
    if (derived !== undefined && !derived.ok) problems.push(derived.problem);
    const format = image?.format;
    // Until unpacked, a fixed VHD looks raw: its footer is in its last bytes.
    const claimed = packed.unpackedName === undefined ? undefined : formatFromKey(packed.unpackedName);
    const footerPending = format === 'raw' && claimed?.ok === true && claimed.format === 'vhd';
    return {
      source: target,
      sizeBytes: source.size,
      bytesRead,
      format: format ?? 'unknown',
      ...(format !== undefined && isDiskFormat(format) && problems.length === 0 && !footerPending ? { diskFormat: format } : {}),
      virtualSizeBytes: image?.virtualSizeBytes ?? null,
      ...(derived?.ok === true ? { systemDiskSizeGB: derived.gb } : {}),
      details: image?.details ?? { summary: `${packed.packing}, not unpacked`, warnings: [] },
      importable: problems.length === 0,
      problems,
      packed,
    };
  } finally {
    close();
  }
}
