import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectTaggingCommand, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { ObjectStoreError } from './object-store-error.js';

export interface MultipartTarget {
  bucket: string;
  key: string;
  /** User metadata (x-amz-meta-…), names without the prefix. */
  metadata: Record<string, string>;
  /** Object tags, set once the upload is complete (where the store has tagging). */
  tags?: Record<string, string>;
}

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
  /** Uploads the last part and completes the upload. Nothing is started for an empty object. */
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
export function createMultipartWriter(s3: S3Client, target: MultipartTarget, options: { partSize: number; onAbortFailed?: (error: unknown) => void }): MultipartWriter {
  const where = `s3://${target.bucket}/${target.key}`;
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
  let etag = '';

  async function start(): Promise<string> {
    try {
      const created = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          Metadata: target.metadata,
          ContentType: 'application/octet-stream',
        }),
      );
      if (created.UploadId === undefined) throw new Error('no UploadId in the answer');
      return created.UploadId;
    } catch (error) {
      throw new ObjectStoreError('CreateMultipartUpload', where, error);
    }
  }

  function send(body: Uint8Array, partNumber: number, id: string): void {
    const upload = s3
      .send(new UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId: id, PartNumber: partNumber, Body: body, ContentLength: body.length }))
      .then((answer) => {
        parts.push({ ETag: answer.ETag ?? '', PartNumber: partNumber });
      })
      .catch((error: unknown) => {
        failure ??= new ObjectStoreError('UploadPart', `${where} (part ${partNumber})`, error);
      })
      .finally(() => inFlight.delete(upload));
    inFlight.add(upload);
  }

  async function flush(): Promise<void> {
    uploadId ??= await start();
    while (inFlight.size >= 2) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
    send(part.subarray(0, filled), nextPartNumber++, uploadId);
    part = new Uint8Array(Math.min(options.partSize, initialPartBytes));
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
      try {
        const done = await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: target.bucket,
            Key: target.key,
            UploadId: uploadId,
            MultipartUpload: { Parts: [...parts].sort((a, b) => a.PartNumber - b.PartNumber) },
          }),
        );
        finished = true;
        etag = (done.ETag ?? '').replace(/"/g, '');
      } catch (error) {
        throw new ObjectStoreError('CompleteMultipartUpload', where, error);
      }
      // Tagged once complete: RGW ignores x-amz-tagging on CreateMultipartUpload.
      if (target.tags !== undefined && Object.keys(target.tags).length > 0) {
        const TagSet = Object.entries(target.tags).map(([Key, Value]) => ({ Key, Value }));
        try {
          await s3.send(new PutObjectTaggingCommand({ Bucket: target.bucket, Key: target.key, Tagging: { TagSet } }));
        } catch (error) {
          throw new ObjectStoreError('PutObjectTagging', where, error);
        }
      }
      return { etag, size: bytesWritten };
    },
    async abort() {
      if (uploadId === undefined || finished) return;
      finished = true;
      await Promise.allSettled(inFlight);
      try {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }));
      } catch (error) {
        options.onAbortFailed?.(new ObjectStoreError('AbortMultipartUpload', where, error));
      }
    },
  };
}
