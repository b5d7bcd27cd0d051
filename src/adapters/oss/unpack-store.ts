import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createMultipartWriter, type MultipartTarget, type MultipartWriter, partSizeFor } from './multipart-upload.js';
import { openObjectStream } from './object-stream.js';
import { isNotFound, ObjectStoreError } from './object-store-error.js';

/** Bytes read whole or by range (`end` exclusive): an object pinned to its ETag, or a local file (`inspect`). */
export interface ByteSource {
  size: number;
  read(range?: { start: number; end: number }): AsyncIterable<Uint8Array>;
}

/** An object's ETag (unquoted), size and user metadata (names lower-case). */
export interface ObjectHead {
  etag: string;
  size: number;
  metadata: Record<string, string>;
}

/**
 * What unpacking a packed upload does with the bucket: read the upload by range, look at the
 * sibling's key, write the sibling in parts. Unpacking is handed it as a value: in the deployed
 * function it runs from a second file of the zip (plugins/jdcloud/package), which must hold no
 * client and no error class of its own. Every failure is an ObjectStoreError.
 */
export interface UnpackStore {
  /** The object's bytes; every read is pinned to its ETag (a new version fails it, not retryable). */
  objectBytes(object: { bucket: string; key: string; etag: string; size: number }): ByteSource;
  /** Undefined when there is no object under the key. */
  headObject(bucket: string, key: string): Promise<ObjectHead | undefined>;
  /** A multipart upload filled chunk by chunk, in parts that fit `maxBytes` in S3's 10,000. */
  multipartWriter(target: MultipartTarget, options: { maxBytes: number; onAbortFailed?: (error: unknown) => void }): MultipartWriter;
}

export function unpackStoreFor(s3: S3Client): UnpackStore {
  return {
    objectBytes: (object) => objectBytes(s3, object),
    async headObject(bucket, key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        const metadata = Object.fromEntries(Object.entries(head.Metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
        return { etag: (head.ETag ?? '').replace(/"/g, ''), size: head.ContentLength ?? 0, metadata };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw new ObjectStoreError('HeadObject', `s3://${bucket}/${key}`, error);
      }
    },
    multipartWriter: (target, options) =>
      createMultipartWriter(s3, target, { partSize: partSizeFor(options.maxBytes), ...(options.onAbortFailed !== undefined ? { onAbortFailed: options.onAbortFailed } : {}) }),
  };
}

/** A store failure in the middle of a read stays an ObjectStoreError (retryable), never "a corrupt upload". */
function objectBytes(s3: S3Client, object: { bucket: string; key: string; etag: string; size: number }): ByteSource {
  const where = `s3://${object.bucket}/${object.key}`;
  return {
    size: object.size,
    async *read(range) {
      const stream = await openObjectStream(s3, { ...object, ...(range !== undefined ? { range } : {}) });
      if (stream === 'not-found') throw new ObjectStoreError('GetObject', where, Object.assign(new Error('deleted while unpacking'), { name: 'NoSuchKey' }), { retryable: false });
      try {
        for await (const chunk of stream.body) yield chunk;
      } catch (error) {
        throw error instanceof ObjectStoreError ? error : new ObjectStoreError('GetObject (stream)', where, error);
      }
    },
  };
}
