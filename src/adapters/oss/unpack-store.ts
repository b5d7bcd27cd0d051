import type { S3Client } from '@aws-sdk/client-s3';
import { type MultipartCalls, multipartCalls } from './multipart-upload.js';
import { type ObjectHead, readObjectHead } from './object-facts.js';
import { openObjectStream } from './object-stream.js';
import { ObjectStoreError } from './object-store-error.js';

/** Bytes read whole or by range (`end` exclusive): an object pinned to its ETag, or a local file (`inspect`). */
export interface ByteSource {
  size: number;
  read(range?: { start: number; end: number }): AsyncIterable<Uint8Array>;
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
  /** The calls of a multipart upload (the sibling is written in parts). */
  multipart: MultipartCalls;
  /** The same store, its reads and part uploads stopped when `signal` aborts (the unpack's deadline); completing, tagging and aborting still go out (multipart-upload.ts). */
  abortableBy(signal: AbortSignal): UnpackStore;
}

export function unpackStoreFor(s3: S3Client, signal?: AbortSignal): UnpackStore {
  return {
    objectBytes: (object) => objectBytes(s3, object, signal),
    headObject: (bucket, key) => readObjectHead(s3, bucket, key),
    multipart: multipartCalls(s3, signal),
    abortableBy: (next) => unpackStoreFor(s3, next),
  };
}

/** A store failure in the middle of a read stays an ObjectStoreError (retryable), never "a corrupt upload". */
function objectBytes(s3: S3Client, object: { bucket: string; key: string; etag: string; size: number }, signal: AbortSignal | undefined): ByteSource {
  const where = `s3://${object.bucket}/${object.key}`;
  return {
    size: object.size,
    async *read(range) {
      const stream = await openObjectStream(s3, { ...object, ...(range !== undefined ? { range } : {}) }, signal);
      if (stream === 'not-found') throw new ObjectStoreError('GetObject', where, Object.assign(new Error('deleted while unpacking'), { name: 'NoSuchKey' }), { retryable: false });
      try {
        for await (const chunk of stream.body) yield chunk;
      } catch (error) {
        throw error instanceof ObjectStoreError ? error : new ObjectStoreError('GetObject (stream)', where, error);
      }
    },
  };
}
