import type { MultipartCalls, MultipartTarget } from '../../adapters/oss/index.js';

/** S3 allows at most 10,000 parts, each but the last at least 5 MiB. */
const maxParts = 10_000;
const MiB = 2 ** 20;
const minPartBytes = 8 * MiB;
const initialPartBytes = 1 * MiB;

/** The part size that fits `maxBytes` in S3's 10,000 parts: memory is 3 parts, whatever the object. */
export function partSizeFor(maxBytes: number): number {
  return Math.max(minPartBytes, Math.ceil(maxBytes / maxParts / MiB) * MiB);
}

export interface MultipartWriter {
  /** Copies the chunk into the current part; uploads parts as they fill (2 at a time). */
  write(chunk: Uint8Array): Promise<void>;
  /** Uploads the last part and completes the upload; an empty object is one empty part (S3 lets the last part be under 5 MiB), so an upload is started even then. */
  complete(): Promise<{ etag: string; size: number }>;
  /** Aborts the upload if one was started; never throws (a store failure is reported to `onAbortFailed`). */
  abort(): Promise<void>;
  readonly bytesWritten: number;
  readonly started: boolean;
}

/**
 * A multipart upload the caller fills chunk by chunk: started on the first byte (so a rejection
 * before any output leaves nothing behind), parts of `partSize` held in memory at most three at a
 * time, and ended by `complete()` or `abort()`; callers put `abort()` in a `finally`.
 */
export interface MultipartWriterOptions {
  partSize: number;
  onAbortFailed?: (error: unknown) => void;
  /** Runs once every part is in, right before CompleteMultipartUpload; throwing stops it (the caller aborts). */
  beforeComplete?: () => Promise<void>;
}

export function createMultipartWriter(calls: MultipartCalls, target: MultipartTarget, options: MultipartWriterOptions): MultipartWriter {
  let uploadId: string | undefined;
  // Grown as it fills (up to partSize): a small image does not hold a 52 MiB buffer.
  let part = new Uint8Array(Math.min(options.partSize, initialPartBytes));
  let filled = 0;
  let bytesWritten = 0;
  const parts: Array<{ ETag: string; PartNumber: number }> = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let nextPartNumber = 1;
  let finished = false;

  function send(body: Uint8Array, partNumber: number, id: string): void {
    const upload = calls
      .uploadPart(target, id, partNumber, body)
      .then((etag) => {
        parts.push({ ETag: etag, PartNumber: partNumber });
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(upload));
    inFlight.add(upload);
  }

  async function flush(): Promise<void> {
    uploadId ??= await calls.create(target);
    while (inFlight.size >= 2) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
    send(part.subarray(0, filled), nextPartNumber++, uploadId);
    // After a full part the image is big: the next part starts at full size instead of growing
    // 1 → 4 → 16 → 52 MiB again (about 40 % more copying over the whole image).
    part = new Uint8Array(filled === options.partSize ? options.partSize : Math.min(options.partSize, initialPartBytes));
    filled = 0;
  }

  return {
    get bytesWritten() {
      return bytesWritten;
    },
    get started() {
      return uploadId !== undefined;
    },
    async write(chunk) {
      if (failure !== undefined) throw failure;
      let offset = 0;
      while (offset < chunk.length) {
        if (filled === part.length && part.length < options.partSize) {
          const grown = new Uint8Array(Math.min(options.partSize, part.length * 4));
          grown.set(part);
          part = grown;
        }
        const take = Math.min(chunk.length - offset, part.length - filled);
        part.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        bytesWritten += take;
        if (filled === options.partSize) await flush();
      }
    },
    async complete() {
      if (filled > 0 || uploadId === undefined) await flush();
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      await options.beforeComplete?.();
      const etag = await calls.complete(target, uploadId as string, [...parts].sort((a, b) => a.PartNumber - b.PartNumber));
      finished = true;
      if (target.tags !== undefined && Object.keys(target.tags).length > 0) await calls.tag(target, target.tags);
      return { etag, size: bytesWritten };
    },
    async abort() {
      if (uploadId === undefined || finished) return;
      finished = true;
      await Promise.allSettled(inFlight);
      await calls.abort(target, uploadId).catch((error: unknown) => options.onAbortFailed?.(error));
    },
  };
}
