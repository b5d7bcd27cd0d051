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
  /** Record GETs: one per marker, and one more for each record that moved, just before it is written back. */
  reads: number;
  /** Records that moved (state, progress or message) and were written back. */
  changed: number;
  /** Marked records that are missing or unreadable. */
  unreadable: number;
  markersDeleted: number;
  /** Marker deletes the store refused (e.g. no DeleteObject permission): those records are read again next time. */
  markerFailures: string[];
}

/**
 * The scheduled refresh: lists the status prefix once and reads only the records that have an
 * in-flight marker, so a run costs a GET per import still under way rather than per record
 * ever written. Moves them along like the full scan (refreshListed), then removes the markers
 * of records that are final now, and the stale ones (see markerChange).
 */
export async function refreshInFlight(
  s3: S3Client,
  target: { bucket: string; statusPrefix: string },
  refresh: RefreshOptions,
): Promise<InFlightRefresh> {
  let records = 0;
  const markers: ListedMarker[] = [];
  for await (const page of listObjectPages(s3, target.bucket, target.statusPrefix)) {
    const sorted = sortStatusObjects(page, target.statusPrefix);
    records += sorted.recordKeys.length;
    markers.push(...sorted.markers);
  }
  const marked = await readStatusRecords(s3, target.bucket, target.statusPrefix, markers.map((marker) => marker.key));
  const refreshed = await refreshListed(s3, target, marked, refresh);
  const entries = indexEntries(refreshed.records, markers, refreshed.written, target.statusPrefix);
  const upkeep = await updateInFlightMarkers(s3, target, entries, refresh.now, refresh.staleMarkerGraceMs ?? staleMarkerGraceMs);
  return {
    records,
    markers: markers.length,
    reads: marked.length + refreshed.rereads,
    changed: refreshed.written.size,
    unreadable: marked.filter((listed) => listed.stored.kind !== 'record').length,
    markersDeleted: upkeep.deleted,
    markerFailures: upkeep.failed,
  };
}
