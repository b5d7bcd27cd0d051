import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { httpStatusOf, isNotFound, ObjectStoreError } from './object-store-error.js';

export interface ObjectStream {
  /** The bytes as they arrive; leaving the loop early closes the connection. */
  body: AsyncIterable<Uint8Array>;
  /** Content-Length of this response (the range's length for a range). */
  contentLength: number;
}

/**
 * Streams an object (or a byte range of it) without buffering it: the unpacking step reads
 * multi-GiB uploads through this. With `etag`, a GET of an object overwritten since its facts
 * were read fails (If-Match → 412) instead of mixing two versions.
 */
export async function openObjectStream(
  s3: S3Client,
  target: { bucket: string; key: string; etag?: string; range?: { start: number; end: number } },
  /** Aborts the GET, its body included (the SDK keeps listening until the response ends). */
  signal?: AbortSignal,
): Promise<ObjectStream | 'not-found'> {
  const where = `s3://${target.bucket}/${target.key}`;
  try {
    const response = await s3.send(
      new GetObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        ...(target.etag !== undefined ? { IfMatch: `"${target.etag}"` } : {}),
        ...(target.range !== undefined ? { Range: `bytes=${target.range.start}-${target.range.end - 1}` } : {}),
      }),
      signal && { abortSignal: signal },
    );
    const body = response.Body as unknown as AsyncIterable<Uint8Array> | undefined;
    return { body: body ?? emptyBody(), contentLength: response.ContentLength ?? 0 };
  } catch (error) {
    if (isNotFound(error)) return 'not-found';
    if (httpStatusOf(error) === 412) {
      const changed = new Error('ObjectChangedWhileReading');
      changed.name = 'ObjectChangedWhileReading';
      // A new version has its own upload event: this one is over, not worth a retry.
      throw new ObjectStoreError('GetObject', where, changed, { retryable: false });
    }
    throw new ObjectStoreError('GetObject', where, error);
  }
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}
