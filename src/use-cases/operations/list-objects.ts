import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ObjectStoreError } from '../../adapters/oss/index.js';

export interface ListedObject {
  key: string;
  size: number;
  /** Unquoted. */
  etag: string;
  /** The store's clock; S3 always sends it, the SDK types it optional. */
  lastModified: Date | undefined;
}

/**
 * Lists a bucket one page at a time (1000 keys), so memory stays flat however many objects
 * there are. A missing or unreadable bucket fails with a message naming it.
 */
export async function* listObjectPages(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<ListedObject[]> {
  let continuationToken: string | undefined;
  do {
    let page;
    try {
      page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(continuationToken !== undefined ? { ContinuationToken: continuationToken } : {}) }),
      );
    } catch (error) {
      throw new ObjectStoreError('ListObjectsV2', `s3://${bucket}/${prefix}`, error);
    }
    yield (page.Contents ?? []).flatMap((object) =>
      object.Key === undefined
        ? []
        : [{ key: object.Key, size: object.Size ?? 0, etag: (object.ETag ?? '').replace(/"/g, ''), lastModified: object.LastModified }],
    );
    continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}
