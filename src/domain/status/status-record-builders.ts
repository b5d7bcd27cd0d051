import type { Problem } from '../../kernel/index.js';
import type { StatusApiError, StatusRecord } from './status-record.js';

/** The upload's source as records describe it. */
export type RecordSource = StatusRecord['source'];

/** When the record's story began (the first record of this key) and this write. */
export interface RecordTimes {
  createdAt: string;
  updatedAt: string;
}

/** An object the pipeline read: what every record about its bytes carries. */
export interface ReadObject {
  source: RecordSource & { etag: string; size: number };
  /** The inspector's facts; only format, virtual size and details are kept (no raw bytes). */
  image: { format: string; virtualSizeBytes: number | null; details: Record<string, unknown> };
  /** What did not stop the upload, e.g. tags that could not be read. */
  warnings: readonly string[];
  /** An unpacked image: the packed upload it came from (its metadata says so, issue 14). */
  unpackedFrom?: { key: string; etag: string };
}

/** A packed upload's sibling, which was imported in its place (issue 14). */
export type UnpackedTo = NonNullable<StatusRecord['unpackedTo']>;

/** What JD answered for an importImage call, with the request as sent (imageUrl redacted). */
export interface Submission {
  request: Record<string, unknown>;
  imageId: string;
  taskId: string;
  clientToken: string;
  attempts: number;
}

/** Why a call failed, as the record keeps it, with what had been sent by then. */
export interface RecordedFailure {
  error: StatusApiError;
  attempts?: number;
  /** The request as sent (imageUrl redacted), when it got that far. */
  request?: Record<string, unknown>;
  clientToken?: string;
}

function readObjectFields(object: ReadObject): Pick<StatusRecord, 'source' | 'image' | 'warnings' | 'unpackedFrom'> {
  const { format, virtualSizeBytes, details } = object.image;
  return {
    source: object.source,
    image: { format, virtualSizeBytes, details },
    ...(object.unpackedFrom !== undefined ? { unpackedFrom: object.unpackedFrom } : {}),
    ...(object.warnings.length > 0 ? { warnings: [...object.warnings] } : {}),
  };
}

/** JD accepted the import: the ids to follow it by. */
export function submittedRecord(object: ReadObject, submission: Submission, times: RecordTimes): StatusRecord {
  const { source, image, warnings, unpackedFrom } = readObjectFields(object);
  return {
    version: 1,
    state: 'submitted',
    source,
    request: submission.request,
    imageId: submission.imageId,
    taskId: submission.taskId,
    clientToken: submission.clientToken,
    attempts: submission.attempts,
    image,
    ...(unpackedFrom !== undefined ? { unpackedFrom } : {}),
    ...(warnings !== undefined ? { warnings } : {}),
    ...times,
  };
}

/**
 * A packed upload's record once its sibling was imported in its place: what the sibling's record
 * says (state, ids, request, problems, copies, notifications), about the packed upload, and where
 * the sibling is. The sibling's follower lease is not copied: only the sibling's record is followed.
 */
export function unpackedRecord(packedSource: RecordSource, sibling: StatusRecord, unpackedTo: UnpackedTo, times: RecordTimes): StatusRecord {
  const { source: _source, unpackedFrom: _unpackedFrom, follower: _follower, createdAt: _createdAt, updatedAt: _updatedAt, ...said } = sibling;
  return { ...said, source: packedSource, unpackedTo, ...times };
}

/** Not imported: every reason, so the user can fix them all at once. */
export function rejectedRecord(object: ReadObject, problems: Problem[], times: RecordTimes): StatusRecord {
  return { version: 1, state: 'rejected', ...readObjectFields(object), problems, ...times };
}

/** The importImage call (or presigning its URL) failed after the object was read and decided. */
export function failedRecord(object: ReadObject, failure: RecordedFailure, times: RecordTimes): StatusRecord {
  return {
    version: 1,
    state: 'failed',
    ...readObjectFields(object),
    ...(failure.request !== undefined ? { request: failure.request } : {}),
    ...(failure.clientToken !== undefined ? { clientToken: failure.clientToken } : {}),
    error: failure.error,
    ...(failure.attempts !== undefined ? { attempts: failure.attempts } : {}),
    ...times,
  };
}

/** Reading the object failed: the record can only say what the event said about it. */
export function unreadRecord(source: RecordSource, error: StatusApiError, times: RecordTimes): StatusRecord {
  return { version: 1, state: 'failed', source, error, ...times };
}

/** Rejected before the object was read (not ours to read, or missing): the record can only say what the event said. */
export function unreadRejectedRecord(source: RecordSource, problems: Problem[], times: RecordTimes): StatusRecord {
  return { version: 1, state: 'rejected', source, problems, ...times };
}

/** No object under any spelling of the key: a rejection, so the next upload of it is decided afresh. */
export function notFoundRecord(source: RecordSource, triedKeys: readonly string[], times: RecordTimes): StatusRecord {
  const where = `s3://${source.bucket}/${triedKeys.join(' (or ')}${triedKeys.length > 1 ? ')' : ''}`;
  const problem: Problem = {
    code: 'object-not-found',
    field: 'key',
    value: source.key,
    message: `${where} does not exist: it was deleted or renamed before it could be read.`,
  };
  return unreadRejectedRecord(source, [problem], times);
}
