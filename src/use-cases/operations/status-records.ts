import type { S3Client } from '@aws-sdk/client-s3';
import { boundedMap } from '../../kernel/index.js';
import { statusObjectOf, statusRecordKey } from '../../domain/status/index.js';
import { readStatusRecord, type StoredStatus } from '../../adapters/oss/index.js';
import { listObjectPages, type ListedObject } from './list-objects.js';

export interface ListedStatus {
  /** The image object's key. */
  key: string;
  recordKey: string;
  stored: StoredStatus;
}

/** An in-flight marker seen in a listing (inFlightMarkerKey). */
export interface ListedMarker {
  /** The image object's key. */
  key: string;
  markerKey: string;
  lastModified: Date | undefined;
}

/** One listing page of the status prefix: its records, read, and its in-flight markers. */
export interface StatusPage {
  records: ListedStatus[];
  markers: ListedMarker[];
}

/** A status record seen in a listing, not read yet. */
export interface ListedRecordObject {
  /** The image object's key. */
  key: string;
  lastModified: Date | undefined;
}

/**
 * Sorts one listing page of the status prefix into the records (by image key) and the
 * in-flight markers. Anything else under the prefix is left out.
 */
export function sortStatusObjects(page: ListedObject[], statusPrefix: string): { records: ListedRecordObject[]; markers: ListedMarker[] } {
  const records: ListedRecordObject[] = [];
  const markers: ListedMarker[] = [];
  for (const object of page) {
    const found = statusObjectOf(statusPrefix, object.key);
    if (found?.kind === 'record') records.push({ key: found.key, lastModified: object.lastModified });
    if (found?.kind === 'in-flight') markers.push({ key: found.key, markerKey: object.key, lastModified: object.lastModified });
  }
  return { records, markers };
}

/** Reads the records of these image keys, `concurrency` GETs at a time, in the keys' order. */
export function readStatusRecords(s3: S3Client, bucket: string, statusPrefix: string, keys: string[], concurrency = 8): Promise<ListedStatus[]> {
  return boundedMap(keys, concurrency, async (key) => {
    const recordKey = statusRecordKey(statusPrefix, key);
    return { key, recordKey, stored: await readStatusRecord(s3, bucket, recordKey) };
  });
}

/**
 * Reads every status record under `<statusPrefix><prefix>`, a page at a time, with the
 * in-flight markers listed alongside (never read: they are empty). Records that are not JSON or
 * of another version come back as `unreadable`, never as an error.
 */
export async function* listStatusRecords(
  s3: S3Client,
  bucket: string,
  statusPrefix: string,
  prefix: string,
  concurrency = 8,
): AsyncGenerator<StatusPage> {
  for await (const page of listObjectPages(s3, bucket, `${statusPrefix}${prefix}`)) {
    const { records, markers } = sortStatusObjects(page, statusPrefix);
    const recordKeys = records.map((record) => record.key);
    yield { records: await readStatusRecords(s3, bucket, statusPrefix, recordKeys, concurrency), markers };
  }
}
