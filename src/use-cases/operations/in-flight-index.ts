import type { S3Client } from '@aws-sdk/client-s3';
import { boundedMap } from '../../kernel/index.js';
import { importInFlight, inFlightMarkerKey, statusRecordKey } from '../../domain/status/index.js';
import { deleteInFlightMarker, readStatusRecord, writeInFlightMarker } from '../../adapters/oss/index.js';
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

/** What a refresh did to the markers, as reported. */
export interface MarkerSummary {
  written: number;
  /** Markers removed (not counting those put back at once). */
  deleted: number;
  /** Markers deleted and put back at once: by then the key's record was in flight again (a new upload). */
  restored: number;
  /** Marker writes and deletes the store refused (e.g. no DeleteObject permission); the record is not affected. */
  failed: string[];
}

export interface MarkerUpkeep extends MarkerSummary {
  /** Records read again just after their marker was deleted (one GET each). */
  rereads: number;
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
  if (stored.kind === 'record' && importInFlight(stored.record)) return entry.marker === undefined ? 'write' : undefined;
  if (entry.marker === undefined) return undefined;
  // The write-back found the record as it was read, in flight, and replaced it with a final one.
  // A new upload of the key may still land before this delete: updateInFlightMarkers reads the
  // record again after deleting and puts the marker back.
  if (entry.writtenNow) return 'delete';
  const lastModified = entry.marker.lastModified?.getTime();
  return lastModified === undefined || now.getTime() - lastModified >= graceMs ? 'delete' : undefined;
}

/**
 * Brings the markers of these keys in line with their records, eight calls at a time. A call
 * the store refuses is counted, not thrown: the records are already written, and a marker left
 * behind only costs the next refresh one read.
 *
 * A delete is decided from a record read earlier in the run, and neither RGW nor JD OSS has a
 * conditional DELETE: a new upload of the key may have written its `submitted` record and a
 * fresh marker since. So the record is read again after the delete, and the marker put back if
 * the record is in flight. What is left is the pipeline's own gap between its (parallel) marker
 * and record writes; the scheduled refresh also reads recently written unmarked records
 * (refreshInFlight), which heals that too.
 */
export async function updateInFlightMarkers(
  s3: S3Client,
  target: { bucket: string; statusPrefix: string },
  entries: IndexEntry[],
  now: Date,
  graceMs: number,
): Promise<MarkerUpkeep> {
  const upkeep: MarkerUpkeep = { written: 0, deleted: 0, rereads: 0, restored: 0, failed: [] };
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
        const removed = await deleteMarkerUnlessInFlight(s3, target, key);
        upkeep.rereads++;
        if (removed) upkeep.deleted++;
        else upkeep.restored++;
      }
    } catch (error) {
      upkeep.failed.push(error instanceof Error ? error.message : String(error));
    }
  });
  return upkeep;
}

/**
 * Removes the in-flight marker of a record that is final, then reads the record again and puts
 * the marker back if a new upload of the key is in flight by then (no conditional DELETE in the
 * stores we target). Returns whether the marker stays removed. Throws what the store throws.
 */
export async function deleteMarkerUnlessInFlight(s3: S3Client, target: { bucket: string; statusPrefix: string }, key: string): Promise<boolean> {
  const markerKey = inFlightMarkerKey(target.statusPrefix, key);
  await deleteInFlightMarker(s3, target.bucket, markerKey);
  const current = await readStatusRecord(s3, target.bucket, statusRecordKey(target.statusPrefix, key));
  if (current.kind === 'record' && importInFlight(current.record)) {
    await writeInFlightMarker(s3, target.bucket, markerKey);
    return false;
  }
  return true;
}
