import type { S3Client } from '@aws-sdk/client-s3';
import { boundedMap } from '../importing/bounded-map.js';
import { statusRecordKey, type StatusRecord } from '../importing/status-record.js';
import { readStatusRecord, retagSourceObject, writeStatusRecord } from '../oss/status-store.js';
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
  const readUpdatedAt = new Map(readable.map((record) => [record.source.key, record.updatedAt]));
  const moved = await refreshRecords(readable, refresh.tracker, refresh.now);
  // The pipeline may have written a newer record (a new upload of the key) meanwhile: only
  // records still as we read them are replaced. S3 has no compare-and-swap everywhere
  // (If-Match on PUT is recent and not in RGW 16 or JD's list), so this narrows the window.
  const written = await boundedMap(moved, 8, async (record) => {
    const recordKey = statusRecordKey(target.statusPrefix, record.source.key);
    const current = await readStatusRecord(s3, target.bucket, recordKey);
    if (current.kind !== 'record' || current.record.updatedAt !== readUpdatedAt.get(record.source.key)) return undefined;
    await writeStatusRecord(s3, target.bucket, recordKey, record);
    if (record.state !== current.record.state) {
      // The tags people see on the object follow the record (where the store has tagging).
      await retagSourceObject(s3, { bucket: target.bucket, key: record.source.key }, { 'image-import-state': record.state });
    }
    return record;
  });
  const changed = written.filter((record): record is StatusRecord => record !== undefined);
  const byKey = new Map<string, StatusRecord>(changed.map((record) => [record.source.key, record]));
  return {
    records: records.map((listed) => {
      const updated = byKey.get(listed.key);
      return updated === undefined ? listed : { ...listed, stored: { kind: 'record', record: updated } };
    }),
    changed: changed.length,
  };
}
