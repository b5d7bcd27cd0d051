import type { S3Client } from '@aws-sdk/client-s3';
import { indexEntries, staleMarkerGraceMs, updateInFlightMarkers } from './in-flight-index.js';
import { listObjectPages } from './list-objects.js';
import { refreshListed, type RefreshOptions } from './refresh-bucket.js';
import { readStatusRecords, sortStatusObjects, type ListedMarker } from './status-records.js';

export interface InFlightRefresh {
  /** Status records under the prefix, counted from the listing (none read for that). */
  records: number;
  /** In-flight markers listed. */
  markers: number;
  /** Unmarked records written within recentRecordWindowMs, read to catch a marker that went missing. */
  recentUnmarked: number;
  /**
   * Record GETs: one per marker and per recent unmarked record, one more for each record that
   * moved (just before it is written back) and for each marker deleted (just after).
   */
  reads: number;
  /** Records that moved (state, progress or message) and were written back. */
  changed: number;
  /** Marked records that are missing or unreadable. */
  unreadable: number;
  markersDeleted: number;
  /** Markers deleted and put back at once, because a new upload of the key was in flight by then. */
  markersRestored: number;
  /** Markers written for in-flight records that had none (found among the recent unmarked ones). */
  markersWritten: number;
  /** Marker deletes the store refused (e.g. no DeleteObject permission): those records are read again next time. */
  markerFailures: string[];
}

/**
 * How recently an unmarked record must have been written for the scheduled refresh to read it.
 * A marker can go missing (its PUT refused, a crash between the pipeline's two writes, a
 * refresh deleting it in the instant a new upload wrote it): the record of such an import was
 * written moments before, so reading the records written within the last hour finds it on the
 * next run, and the refresh writes its marker. The price is a GET per record written in that
 * hour, on each run within it: a cost that follows the upload rate, not the bucket's size.
 */
export const recentRecordWindowMs = 60 * 60_000;

/**
 * The scheduled refresh: lists the status prefix once and reads only the records that have an
 * in-flight marker, or that were written within the last hour (recentRecordWindowMs), so a run
 * costs a GET per import still under way rather than per record ever written. Moves them along
 * like the full scan (refreshListed), writes the markers found missing, then removes the
 * markers of records that are final now, and the stale ones (see markerChange).
 */
export async function refreshInFlight(
  s3: S3Client,
  target: { bucket: string; statusPrefix: string },
  refresh: RefreshOptions,
): Promise<InFlightRefresh> {
  let records = 0;
  const markers: ListedMarker[] = [];
  const recentRecords: string[] = [];
  const recentSince = refresh.now.getTime() - (refresh.recentRecordWindowMs ?? recentRecordWindowMs);
  for await (const page of listObjectPages(s3, target.bucket, target.statusPrefix)) {
    const sorted = sortStatusObjects(page, target.statusPrefix);
    records += sorted.records.length;
    markers.push(...sorted.markers);
    for (const record of sorted.records) {
      if ((record.lastModified?.getTime() ?? Number.NEGATIVE_INFINITY) >= recentSince) recentRecords.push(record.key);
    }
  }
  const markedKeys = new Set(markers.map((marker) => marker.key));
  const recentUnmarked = recentRecords.filter((key) => !markedKeys.has(key));
  const read = await readStatusRecords(s3, target.bucket, target.statusPrefix, [...markedKeys, ...recentUnmarked]);
  const refreshed = await refreshListed(s3, target, read, refresh);
  const entries = indexEntries(refreshed.records, markers, refreshed.written, target.statusPrefix);
  const upkeep = await updateInFlightMarkers(s3, target, entries, refresh.now, refresh.staleMarkerGraceMs ?? staleMarkerGraceMs);
  return {
    records,
    markers: markers.length,
    recentUnmarked: recentUnmarked.length,
    reads: read.length + refreshed.rereads + upkeep.rereads,
    changed: refreshed.written.size,
    unreadable: read.filter((listed) => markedKeys.has(listed.key) && listed.stored.kind !== 'record').length,
    markersWritten: upkeep.written,
    markersDeleted: upkeep.deleted,
    markersRestored: upkeep.restored,
    markerFailures: upkeep.failed,
  };
}
