import type { S3Client } from '@aws-sdk/client-s3';
import { boundedMap } from '../importing/bounded-map.js';
import { readStatusRecord, type StoredStatus } from '../oss/status-store.js';
import { listObjectPages } from './list-objects.js';

export interface ListedStatus {
  /** The image object's key. */
  key: string;
  recordKey: string;
  stored: StoredStatus;
}

/**
 * Reads every status record under `<statusPrefix><prefix>`, a page at a time. Records that are
 * not JSON or of another version come back as `unreadable`, never as an error.
 */
export async function* listStatusRecords(
  s3: S3Client,
  bucket: string,
  statusPrefix: string,
  prefix: string,
  concurrency = 8,
): AsyncGenerator<ListedStatus[]> {
  for await (const page of listObjectPages(s3, bucket, `${statusPrefix}${prefix}`)) {
    const recordKeys = page.map((object) => object.key).filter((key) => key.endsWith('.json'));
    yield await boundedMap(recordKeys, concurrency, async (recordKey) => ({
      key: recordKey.slice(statusPrefix.length, -'.json'.length),
      recordKey,
      stored: await readStatusRecord(s3, bucket, recordKey),
    }));
  }
}
