import type { S3Client } from '@aws-sdk/client-s3';
import { boundedMap } from '../../kernel/index.js';
import { type StatusRecord, statusRecordKey } from '../../domain/status/index.js';
import { readStatusRecord, retagSourceObject, writeStatusRecord } from '../../adapters/oss/index.js';
import { indexEntries, staleMarkerGraceMs, updateInFlightMarkers, type MarkerSummary } from './in-flight-index.js';
import { refreshRecords, type ImportTracker } from './refresh-status.js';
import { listStatusRecords, type ListedMarker, type ListedStatus } from './status-records.js';

export interface RefreshOptions {
  tracker: ImportTracker;
  now: Date;
  /** How old a stale in-flight marker must be before it is removed (default staleMarkerGraceMs). */
  staleMarkerGraceMs?: number;
  /** How recently an unmarked record must have been written for the scheduled refresh to read it (default recentRecordWindowMs). */
  recentRecordWindowMs?: number;
}

export interface RefreshedRecords {
  /** The records given, as they stand after the refresh. */
  records: ListedStatus[];
  /** Image keys whose record this refresh wrote. */
  written: Set<string>;
  /** Records read again just before writing them back (one GET each). */
  rereads: number;
}

export interface RefreshedBucket {
  /** Every record under the prefix, as it stands after the refresh. */
  records: ListedStatus[];
  /** How many records moved (state, progress or message). */
  changed: number;
  /** With a refresh: in-flight markers written for records that had none, and removed. */
  markers?: MarkerSummary;
}

/**
 * Asks JD about the records still importing and writes back those that moved, moving the
 * source object's state tag along. A record that cannot be read is passed through as such.
 */
export async function refreshListed(
  s3: S3Client,
  target: { bucket: string; statusPrefix: string },
  listed: ListedStatus[],
  refresh: RefreshOptions,
): Promise<RefreshedRecords> {
  const readable = listed.flatMap((entry) => (entry.stored.kind === 'record' ? [entry.stored.record] : []));
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
  const byKey = new Map<string, StatusRecord>();
  for (const record of written) if (record !== undefined) byKey.set(record.source.key, record);
  return {
    records: listed.map((entry) => {
      const updated = byKey.get(entry.key);
      return updated === undefined ? entry : { ...entry, stored: { kind: 'record', record: updated } };
    }),
    written: new Set(byKey.keys()),
    rereads: moved.length,
  };
}

/**
 * The full scan: reads every status record under a prefix and, with `refresh`, asks JD about
 * the ones still importing, writes back those that moved, and brings the in-flight index in
 * line (a marker for every in-flight record, none for the others). It is what catches a record
 * whose marker was never written; the scheduled refresh reads only marked records
 * (refreshInFlight).
 */
export async function readAndRefreshBucket(
  s3: S3Client,
  target: { bucket: string; prefix: string; statusPrefix: string },
  refresh: RefreshOptions | undefined,
): Promise<RefreshedBucket> {
  const records: ListedStatus[] = [];
  const markers: ListedMarker[] = [];
  for await (const page of listStatusRecords(s3, target.bucket, target.statusPrefix, target.prefix)) {
    records.push(...page.records);
    markers.push(...page.markers);
  }
  if (refresh === undefined) return { records, changed: 0 };

  const refreshed = await refreshListed(s3, target, records, refresh);
  const entries = indexEntries(refreshed.records, markers, refreshed.written, target.statusPrefix);
  const upkeep = await updateInFlightMarkers(s3, target, entries, refresh.now, refresh.staleMarkerGraceMs ?? staleMarkerGraceMs);
  const { rereads: _rereads, ...markerSummary } = upkeep;
  return { records: refreshed.records, changed: refreshed.written.size, markers: markerSummary };
}
