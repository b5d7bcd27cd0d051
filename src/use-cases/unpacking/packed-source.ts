import type { S3Client } from '@aws-sdk/client-s3';
import { ObjectStoreError, openObjectStream } from '../../adapters/oss/index.js';

/** The packed file's bytes, whole or by range: an object in the bucket, or a local file (`inspect`). */
export interface PackedSource {
  size: number;
  read(range?: { start: number; end: number }): AsyncIterable<Uint8Array>;
}

/**
 * An object version as a source: every read is pinned to its ETag, and a store failure in the
 * middle of a read stays an ObjectStoreError (retryable), never "a corrupt upload".
 */
export function objectSource(s3: S3Client, object: { bucket: string; key: string; etag: string; size: number }): PackedSource {
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

/** All of a (small) range, e.g. a zip's directory. */
export async function readAll(source: PackedSource, range: { start: number; end: number }): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.read(range)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
