import type { S3Client } from '@aws-sdk/client-s3';
import { boundedMap } from '../importing/bounded-map.js';
import { inFlightMarkerKey, statusRecordKey } from '../importing/status-record.js';
import { deleteInFlightMarker, writeInFlightMarker } from '../oss/status-store.js';
import { needsRefresh } from './refresh-status.js';
import type { ListedMarker, ListedStatus } from './status-records.js';

/**
 * How old a marker must be before a refresh removes it for a record that is missing,
 * unreadable or not in flight. The pipeline writes a new import's marker and record at the
 * same moment, so for a while the marker may stand next to no record yet, or next to the final
 * record of the key's previous upload: that marker is not stale. Fifteen minutes is far more
 * than an import invocation lasts (its timeout is 120 s) and than the clocks of the store
 * (the marker's LastModified) and of the refresh differ.
 */
export const staleMarkerGraceMs = 15 * 60_000;

/** One image key as a refresh leaves it: its record, its marker if listed, whether it wrote the record. */
export interface IndexEntry {
  listed: ListedStatus;
  marker: ListedMarker | undefined;
  /** This refresh read the record in flight and wrote it back (see refreshListed). */
  writtenNow: boolean;
}

export interface MarkerUpkeep {
  written: number;
  deleted: number;
  /** Marker writes and deletes the store refused (e.g. no DeleteObject permission); the record is not affected. */
  failed: string[];
}

/**
 * Pairs records and markers by image key; a marker whose record was not listed or read stands
 * next to a missing record.
 */
export function indexEntries(records: ListedStatus[], markers: Iterable<ListedMarker>, written: ReadonlySet<string>, statusPrefix: string): IndexEntry[] {
  const markerByKey = new Map<string, ListedMarker>();
  for (const marker of markers) markerByKey.set(marker.key, marker);
  const entries = records.map((listed) => ({ listed, marker: markerByKey.get(listed.key), writtenNow: written.has(listed.key) }));
  const recordKeys = new Set(records.map((listed) => listed.key));
  for (const marker of markerByKey.values()) {
    if (recordKeys.has(marker.key)) continue;
    entries.push({ listed: { key: marker.key, recordKey: statusRecordKey(statusPrefix, marker.key), stored: { kind: 'absent' } }, marker, writtenNow: false });
  }
  return entries;
}

/**
 * What the index needs for one key: a marker written for an in-flight record that has none;
 * removed when this refresh wrote the record's final state, or when the record is missing,
 * unreadable or no longer in flight and the marker is older than the grace period.
 */
export function markerChange(entry: IndexEntry, now: Date, graceMs: number): 'write' | 'delete' | undefined {
  const { stored } = entry.listed;
  if (stored.kind === 'record' && needsRefresh(stored.record)) return entry.marker === undefined ? 'write' : undefined;
  if (entry.marker === undefined) return undefined;
  // The write-back found the record as it was read, in flight, and replaced it with a final one.
  // A new upload of the key landing between that check and this delete can lose its fresh
  // marker (no conditional DELETE in RGW or JD OSS): a window of milliseconds, which the
  // write-back's own check already has for the record; `status --refresh` puts the marker back.
  if (entry.writtenNow) return 'delete';
  const lastModified = entry.marker.lastModified?.getTime();
  return lastModified === undefined || now.getTime() - lastModified >= graceMs ? 'delete' : undefined;
}

/**
 * Brings the markers of these keys in line with their records, eight calls at a time. A call
 * the store refuses is counted, not thrown: the records are already written, and a marker left
 * behind only costs the next refresh one read.
 */
export async function updateInFlightMarkers(
  s3: S3Client,
  target: { bucket: string; statusPrefix: string },
  entries: IndexEntry[],
  now: Date,
  graceMs: number,
): Promise<MarkerUpkeep> {
  const upkeep: MarkerUpkeep = { written: 0, deleted: 0, failed: [] };
  const changes = entries.flatMap((entry) => {
    const change = markerChange(entry, now, graceMs);
    return change === undefined ? [] : [{ key: entry.listed.key, change }];
  });
  await boundedMap(changes, 8, async ({ key, change }) => {
    const markerKey = inFlightMarkerKey(target.statusPrefix, key);
    try {
      if (change === 'write') {
        await writeInFlightMarker(s3, target.bucket, markerKey);
        upkeep.written++;
      } else {
        await deleteInFlightMarker(s3, target.bucket, markerKey);
        upkeep.deleted++;
      }
    } catch (error) {
      upkeep.failed.push(error instanceof Error ? error.message : String(error));
    }
  });
  return upkeep;
}
