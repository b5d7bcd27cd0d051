import type { S3Client } from '@aws-sdk/client-s3';
import { boundedMap } from '../importing/bounded-map.js';
import { statusRecordKey, type StatusRecord } from '../importing/status-record.js';
import { writeStatusRecord } from '../oss/status-store.js';
import { refreshRecords, type ImportTracker } from './refresh-status.js';
import { listStatusRecords, type ListedStatus } from './status-records.js';

export interface RefreshedBucket {
  /** Every record under the prefix, as it stands after the refresh. */
  records: ListedStatus[];
  /** How many records moved (state, progress or message). */
  changed: number;
}

/**
 * Reads the status records under a prefix and, with `refresh`, asks JD about the ones still
 * importing and writes back those that moved. A record that cannot be read is listed as such.
 */
export async function readAndRefreshBucket(
  s3: S3Client,
  target: { bucket: string; prefix: string; statusPrefix: string },
  refresh: { tracker: ImportTracker; now: Date } | undefined,
): Promise<RefreshedBucket> {
  const records: ListedStatus[] = [];
  for await (const page of listStatusRecords(s3, target.bucket, target.statusPrefix, target.prefix)) records.push(...page);
  if (refresh === undefined) return { records, changed: 0 };

  const readable = records.flatMap((listed) => (listed.stored.kind === 'record' ? [listed.stored.record] : []));
  const changed = await refreshRecords(readable, refresh.tracker, refresh.now);
  const byKey = new Map<string, StatusRecord>(changed.map((record) => [record.source.key, record]));
  await boundedMap(changed, 8, (record) => writeStatusRecord(s3, target.bucket, statusRecordKey(target.statusPrefix, record.source.key), record));
  return {
    records: records.map((listed) => {
      const updated = byKey.get(listed.key);
      return updated === undefined ? listed : { ...listed, stored: { kind: 'record', record: updated } };
    }),
    changed: changed.length,
  };
}
