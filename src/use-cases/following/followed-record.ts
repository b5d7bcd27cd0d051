import { readStatusRecord, writeStatusRecord } from '../../adapters/oss/index.js';
import { type FollowRequest, holdsLease, recordFollowed } from '../../domain/following/index.js';
import { type StatusRecord, statusRecordKey, unpackedRecord } from '../../domain/status/index.js';
import type { FollowDeps } from './follow-deps.js';

/** The followed import's record as read now, or why there is none to follow. */
export type Followed =
  | { kind: 'record'; record: StatusRecord }
  /** The key was uploaded again: its record is another import's. */
  | { kind: 'superseded'; record: StatusRecord }
  | { kind: 'absent' }
  | { kind: 'unreadable'; reason: string };

function recordKeyOf(deps: FollowDeps, request: FollowRequest): string {
  return statusRecordKey(deps.statusPrefix, request.key);
}

export async function readFollowed(deps: FollowDeps, request: FollowRequest): Promise<Followed> {
  const stored = await readStatusRecord(deps.s3, request.bucket, recordKeyOf(deps, request));
  if (stored.kind !== 'record') return stored;
  return recordFollowed(stored.record, request) ? stored : { kind: 'superseded', record: stored.record };
}

/** What an update came to: the record written, or why nothing was. */
export type Updated = { kind: 'written'; record: StatusRecord } | { kind: 'unchanged'; record: StatusRecord } | { kind: 'lost'; followed: Followed };

/**
 * Reads the record fresh and writes `change(record)` back: a read-modify-write in one quick
 * round trip each way, so what another writer (the refresh, a new upload) wrote before the
 * read is kept. Nothing is written when the record is no longer this import's, when `holder`
 * no longer holds the lease (`lost`), or when `change` returns undefined (`unchanged`).
 */
export async function updateFollowed(
  deps: FollowDeps,
  request: FollowRequest,
  holder: string,
  change: (record: StatusRecord) => StatusRecord | undefined,
): Promise<Updated> {
  const followed = await readFollowed(deps, request);
  if (followed.kind !== 'record' || !holdsLease(followed.record, holder, deps.now().getTime())) return { kind: 'lost', followed };
  const next = change(followed.record);
  if (next === undefined) return { kind: 'unchanged', record: followed.record };
  const written = { ...next, updatedAt: deps.now().toISOString() };
  await writeStatusRecord(deps.s3, request.bucket, recordKeyOf(deps, request), written);
  await bringPackedRecordAlong(deps, request.bucket, written);
  return { kind: 'written', record: written };
}

/** Writes a record of the followed import as it is (a claim of the lease). */
export async function writeFollowed(deps: FollowDeps, request: FollowRequest, record: StatusRecord): Promise<void> {
  await writeStatusRecord(deps.s3, request.bucket, recordKeyOf(deps, request), record);
  await bringPackedRecordAlong(deps, request.bucket, record);
}

/**
 * A sibling unpacked from a packed upload (issue 14) is the one record followed; the packed
 * upload's record, which mirrors it, says the same after each write. Best effort: a packed record
 * that no longer points to this sibling (the upload was replaced) is left alone, and a failure
 * only leaves the mirror behind (the sibling's record is the import's).
 */
async function bringPackedRecordAlong(deps: FollowDeps, bucket: string, sibling: StatusRecord): Promise<void> {
  const from = sibling.unpackedFrom;
  if (from === undefined) return;
  const packedKey = statusRecordKey(deps.statusPrefix, from.key);
  try {
    const stored = await readStatusRecord(deps.s3, bucket, packedKey);
    if (stored.kind !== 'record') return;
    const { source, unpackedTo, createdAt } = stored.record;
    if (source.etag !== from.etag || unpackedTo?.key !== sibling.source.key || unpackedTo.etag !== sibling.source.etag) return;
    await writeStatusRecord(deps.s3, bucket, packedKey, unpackedRecord(source, sibling, unpackedTo, { createdAt, updatedAt: sibling.updatedAt }));
  } catch (error) {
    deps.logger.warn({ bucket, key: from.key, error: error instanceof Error ? error.message : String(error) }, 'record of the packed upload not brought along');
  }
}
