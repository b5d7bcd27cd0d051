import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { headBytes, httpRangeHeader, imageByteRanges, tailBytes as tailLength } from '../../domain/image/index.js';
import { isNotFound, httpStatusOf, ObjectStoreError } from './object-store-error.js';

/**
 * The head and tail ranges of an object as the store answered them. With the object's size this
 * is what the inspector reads (ImageBytesRead in src/domain/image).
 */
export interface ImageRangesRead {
  head: Uint8Array;
  tail: Uint8Array;
  bytesRead: number;
  /** The object's size as the range responses reported it (Content-Range total). */
  sizeFromRange?: number;
  /** ETag of the object the ranges came from, unquoted. */
  etag?: string;
}

interface RangeRead {
  bytes: Uint8Array;
  total?: number;
  etag?: string;
}

async function readRange(s3: S3Client, bucket: string, key: string, range: string): Promise<RangeRead | 'not-found'> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
    if (response.ContentRange === undefined && (response.ContentLength ?? 0) > headBytes) {
      // The store ignored Range and is sending the whole image: never read it.
      (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
      const ignored = new Error(`the store ignored the Range header (asked ${range}, got ${response.ContentLength} bytes), so the image was not read`);
      ignored.name = 'RangeIgnored';
      throw new ObjectStoreError('GetObject (range)', `s3://${bucket}/${key}`, ignored, { retryable: false });
    }
    const bytes = response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
    const total = /\/(\d+)$/.exec(response.ContentRange ?? '')?.[1];
    return {
      bytes,
      ...(total !== undefined ? { total: Number(total) } : {}),
      ...(response.ETag !== undefined ? { etag: response.ETag.replace(/"/g, '') } : {}),
    };
  } catch (error) {
    if (error instanceof ObjectStoreError) throw error;
    if (isNotFound(error)) return 'not-found';
    // An empty object has no satisfiable range.
    if (httpStatusOf(error) === 416) return { bytes: new Uint8Array(), total: 0 };
    throw new ObjectStoreError('GetObject (range)', `s3://${bucket}/${key}`, error);
  }
}

/**
 * Reads the head and the tail of an object with two Range requests issued together, never the
 * whole object. Without a known size the tail is a suffix range (`bytes=-1536`).
 */
export async function readImageBytes(
  s3: S3Client,
  target: { bucket: string; key: string; size?: number },
): Promise<ImageRangesRead | 'not-found'> {
  const { bucket, key, size } = target;
  if (size === 0) return { head: new Uint8Array(), tail: new Uint8Array(), bytesRead: 0, sizeFromRange: 0 };
  const ranges = size === undefined ? undefined : imageByteRanges(size);
  const headRange = ranges === undefined ? `bytes=0-${headBytes - 1}` : httpRangeHeader(ranges.head);
  const tailRange =
    ranges === undefined
      ? `bytes=-${tailLength}`
      : ranges.tail === undefined
        ? undefined
        : httpRangeHeader(ranges.tail);
  const [head, tail] = await Promise.all([
    readRange(s3, bucket, key, headRange),
    tailRange === undefined ? Promise.resolve(undefined) : readRange(s3, bucket, key, tailRange),
  ]);
  if (head === 'not-found' || tail === 'not-found') return 'not-found';
  // When the whole object fits in the head read, the tail is the end of the head.
  const tailBytes = tail?.bytes ?? head.bytes.subarray(Math.max(0, head.bytes.length - tailLength));
  const total = head.total ?? tail?.total;
  const etag = head.etag ?? tail?.etag;
  return {
    head: head.bytes,
    tail: tailBytes,
    bytesRead: head.bytes.length + (tail?.bytes.length ?? 0),
    ...(total !== undefined ? { sizeFromRange: total } : {}),
    ...(etag !== undefined ? { etag } : {}),
  };
}
