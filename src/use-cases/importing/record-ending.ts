import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/index.js';
import type { Upload } from '../../domain/events/index.js';
import type { ObjectFacts } from '../../adapters/oss/index.js';
import { readStatusRecord, tagSourceObject, writeInFlightMarker, writeStatusRecord } from '../../adapters/oss/index.js';
import type { Logger, Problem } from '../../kernel/index.js';
import {
  failedRecord,
  handedToJd,
  importInFlight,
  inFlightMarkerKey,
  notFoundRecord,
  type ReadObject,
  type RecordedFailure,
  type RecordSource,
  rejectedRecord,
  type StatusApiError,
  type StatusRecord,
  statusRecordKey,
  submittedRecord,
  type Submission,
  type UnpackedTo,
  unpackedRecord,
  unreadRecord,
  unreadRejectedRecord,
} from '../../domain/status/index.js';
import type { FollowThrough } from '../../domain/import-request/index.js';
import { pendingFollowThrough } from '../../domain/following/index.js';
import { describeFailure } from './import-error.js';
import type { UploadOutcome } from './upload-outcome.js';

/** An object that was read and decided on: what its records say and where they go. */
export interface Subject {
  key: string;
  facts: ObjectFacts;
  read: ReadObject;
  /** The earlier record's createdAt: a record's story starts with the first upload of the key. */
  createdAt: string | undefined;
  /** What follows the import once the image is ready (copy-to-regions, share-with). */
  followThrough?: FollowThrough;
}

/** How one upload ended, before its record is written: one member per record the pipeline writes (or keeps). */
export type Ending =
  /** Reading the object (or its record) failed. */
  | { kind: 'unread'; failure: StatusApiError }
  /** No record can be written for this key (it would be too long for the store): nothing is read or imported. */
  | { kind: 'unrecordable'; reason: string }
  | { kind: 'not-found'; triedKeys: string[]; existing: StatusRecord | undefined }
  /** The event names another JD region: not read, not imported. */
  | { kind: 'wrong-region'; problem: Problem; existing: StatusRecord | undefined }
  /** A record already covers this version: nothing to do. */
  | { kind: 'duplicate'; key: string; existing: StatusRecord }
  /** A sibling's own event (issue 14): its packed upload's run imports it; nothing to do or record here. */
  | { kind: 'deferred'; key: string; packedKey: string }
  | { kind: 'rejected'; subject: Subject; problems: Problem[] }
  | { kind: 'failed'; subject: Subject; failure: RecordedFailure }
  | { kind: 'submitted'; subject: Subject; submission: Submission }
  /** A packed upload whose sibling was imported in its place (issue 14): its record mirrors the sibling's. */
  | { kind: 'unpacked'; subject: Subject; unpackedTo: UnpackedTo; sibling: UploadOutcome };

export interface RecordDeps {
  s3: S3Client;
  config: Config;
  now: () => Date;
  logger: Logger;
}

export interface RecordOptions {
  /** Write a record for an object that does not exist (the function: yes; a CLI typo: no). */
  recordMissing?: boolean;
}

/**
 * The last step: writes the record each ending calls for and says what happened. Every path
 * ends with a record (best effort when the store itself failed), except a duplicate, whose
 * record already says it, and a missing object whose record belongs to an import JD has.
 */
export async function recordEnding(ending: Ending, upload: Upload, deps: RecordDeps, options: RecordOptions = {}): Promise<UploadOutcome> {
  const now = deps.now().toISOString();
  const timesOf = (createdAt: string | undefined) => ({ createdAt: createdAt ?? now, updatedAt: now });
  const eventSource: RecordSource = { region: upload.region, bucket: upload.bucket, key: upload.keyCandidates[0], ...(upload.etag !== undefined ? { etag: upload.etag } : {}) };
  const store = { deps, bucket: upload.bucket };
  switch (ending.kind) {
    case 'duplicate': {
      const { existing } = ending;
      const ids = { ...(existing.imageId !== undefined ? { imageId: existing.imageId } : {}), ...(existing.taskId !== undefined ? { taskId: existing.taskId } : {}) };
      return { outcome: 'duplicate', key: ending.key, state: existing.state, ...ids, ...(existing.unpackedTo !== undefined ? { unpackedTo: existing.unpackedTo } : {}) };
    }
    case 'deferred':
      return { outcome: 'deferred', key: ending.key, packedKey: ending.packedKey };
    case 'unrecordable':
      return { outcome: 'failed', key: eventSource.key, error: ending.reason, retryable: false, recorded: false };
    case 'unread': {
      const recorded = await keepingImports(store, eventSource.key, (stored) => unreadRecord(eventSource, ending.failure, timesOf(stored?.createdAt)));
      return { outcome: 'failed', key: eventSource.key, error: ending.failure.message, retryable: ending.failure.retryable, ...(recorded ? {} : { recorded: false as const }) };
    }
    case 'not-found': {
      const outcome: UploadOutcome = { outcome: 'not-found', key: eventSource.key, triedKeys: ending.triedKeys };
      // A late or repeated delivery for an object deleted since its import keeps that import's record.
      if (options.recordMissing === false || (ending.existing !== undefined && handedToJd(ending.existing))) return { ...outcome, recorded: false };
      return writeOrFail(store, eventSource.key, notFoundRecord(eventSource, ending.triedKeys, timesOf(ending.existing?.createdAt)), outcome);
    }
    case 'wrong-region': {
      const outcome: UploadOutcome = { outcome: 'rejected', key: eventSource.key, problems: [ending.problem] };
      // A stranger's event never replaces the record of an import JD has.
      if (ending.existing !== undefined && handedToJd(ending.existing)) return outcome;
      return writeOrFail(store, eventSource.key, unreadRejectedRecord(eventSource, [ending.problem], timesOf(ending.existing?.createdAt)), outcome);
    }
    case 'rejected': {
      const { subject, problems } = ending;
      return writeOrFail(store, subject.key, rejectedRecord(subject.read, problems, timesOf(subject.createdAt)), { outcome: 'rejected', key: subject.key, problems });
    }
    case 'failed': {
      const { subject, failure } = ending;
      const outcome: UploadOutcome = { outcome: 'failed', key: subject.key, error: failure.error.message, retryable: failure.error.retryable };
      return writeOrFail(store, subject.key, failedRecord(subject.read, failure, timesOf(subject.createdAt)), outcome);
    }
    case 'submitted':
      return recordSubmission(store, ending.subject, ending.submission, timesOf(ending.subject.createdAt));
    case 'unpacked':
      return recordUnpacked(store, ending, timesOf(ending.subject.createdAt));
  }
}

interface Store {
  deps: RecordDeps;
  bucket: string;
}

/**
 * The submitted record, its in-flight marker and the source object's tags. The marker goes
 * out together with the record, not before it: one round trip for both. Whichever lands alone
 * (the function dies between them, or one PUT fails), no import is lost to both refreshes: a
 * marker without its in-flight record is stale, and the refresh removes it once it is older
 * than the grace period; a record without its marker is missed by the scheduled refresh (it
 * reads only marked records) but not by `status --refresh`, which reads every record and
 * writes the missing marker. Tagging is a courtesy for people browsing the bucket; the record
 * is the source of truth.
 */
async function recordSubmission(store: Store, subject: Subject, submission: Submission, times: { createdAt: string; updatedAt: string }): Promise<UploadOutcome> {
  const { key, facts } = subject;
  const outcome: UploadOutcome = {
    outcome: 'submitted',
    key,
    imageId: submission.imageId,
    taskId: submission.taskId,
    clientToken: submission.clientToken,
    attempts: submission.attempts,
  };
  const [written, markerWarning] = await Promise.all([
    // The copies and the share are listed pending: the follower does them once the image is ready.
    writeOrFail(store, key, { ...submittedRecord(subject.read, submission, times), ...(subject.followThrough !== undefined ? pendingFollowThrough(subject.followThrough) : {}) }, outcome),
    markInFlight(store, key),
    facts.taggingSupported
      ? tagSourceObject(store.deps.s3, { bucket: store.bucket, key, existingTags: facts.tags }, { 'image-import-state': 'submitted', 'image-import-image-id': submission.imageId })
      : Promise.resolve(false),
  ]);
  return withMarkerWarning(written, markerWarning);
}

/**
 * A packed upload's record once its sibling went through the pipeline: the sibling's record with
 * the packed upload as its source and `unpackedTo`, and an in-flight marker while JD imports, so
 * the refresh moves it along with the sibling's. Without a sibling record (the sibling vanished,
 * or the store failed) it says the sibling's outcome as a failure.
 */
async function recordUnpacked(store: Store, ending: Extract<Ending, { kind: 'unpacked' }>, times: { createdAt: string; updatedAt: string }): Promise<UploadOutcome> {
  const { subject, unpackedTo, sibling } = ending;
  const outcome: UploadOutcome = { ...sibling, key: subject.key, unpackedTo };
  const siblingRecord = await readStatusRecord(store.deps.s3, store.bucket, statusRecordKey(store.deps.config.statusPrefix, unpackedTo.key)).then(
    (stored) => (stored.kind === 'record' ? stored.record : undefined),
    () => undefined,
  );
  if (siblingRecord === undefined) {
    const why = sibling.outcome === 'failed' ? sibling.error : `its import ended ${sibling.outcome} without a status record`;
    const error = { message: `s3://${store.bucket}/${unpackedTo.key} (unpacked from this upload): ${why}`, httpStatus: null, requestId: null, retryable: sibling.outcome === 'failed' && sibling.retryable };
    return writeOrFail(store, subject.key, { ...failedRecord(subject.read, { error }, times), unpackedTo }, outcome);
  }
  const record = unpackedRecord(subject.read.source, siblingRecord, unpackedTo, times);
  const [written, markerWarning] = await Promise.all([
    writeOrFail(store, subject.key, record, outcome),
    importInFlight(record) ? markInFlight(store, subject.key) : Promise.resolve(undefined),
  ]);
  return withMarkerWarning(written, markerWarning);
}

/** A submission whose marker was not written says so in its outcome's warnings. */
function withMarkerWarning(written: UploadOutcome, markerWarning: string | undefined): UploadOutcome {
  return written.outcome === 'submitted' && markerWarning !== undefined ? { ...written, warnings: [...(written.warnings ?? []), markerWarning] } : written;
}

/**
 * Writes the in-flight marker; a failure does not fail the import (the record is written and
 * JD has the import). Returns the warning to pass on, or undefined when the marker is written.
 * The record is not rewritten to carry the warning: it is being written at the same moment.
 */
async function markInFlight(store: Store, key: string): Promise<string | undefined> {
  const markerKey = inFlightMarkerKey(store.deps.config.statusPrefix, key);
  try {
    await writeInFlightMarker(store.deps.s3, store.bucket, markerKey);
    return undefined;
  } catch (error) {
    const warning = `In-flight marker not written, so the scheduled refresh will not see this import until \`oss-image-import status --refresh\` runs: ${describeFailure(error).message}`;
    store.deps.logger.warn({ bucket: store.bucket, key, markerKey, warning }, 'in-flight marker not written');
    return warning;
  }
}

function writeRecord(store: Store, key: string, record: StatusRecord): Promise<void> {
  return writeStatusRecord(store.deps.s3, store.bucket, statusRecordKey(store.deps.config.statusPrefix, key), record);
}

/**
 * Writes the record; if that fails the upload is not done. A redelivery may get past a
 * transient failure; a permanent one (a denied write, a key the store refuses) is reported
 * once, never retried.
 */
async function writeOrFail(store: Store, key: string, record: StatusRecord, outcome: UploadOutcome): Promise<UploadOutcome> {
  try {
    await writeRecord(store, key, record);
    return outcome;
  } catch (error) {
    const failure = describeFailure(error);
    // The ids of an import JD has are not lost with its record.
    const submitted = outcome.outcome === 'submitted' ? ` JD has the import: image ${outcome.imageId}, task ${outcome.taskId}.` : '';
    return { outcome: 'failed', key, error: `status record not written: ${failure.message}${submitted}`, retryable: failure.retryable, recorded: false };
  }
}

/**
 * Best effort, after the store failed a read: it may fail these calls too. A record of an
 * import JD already has is never replaced by a failure to read. Says whether a record is there.
 */
async function keepingImports(store: Store, key: string, recordFor: (stored: StatusRecord | undefined) => StatusRecord): Promise<boolean> {
  try {
    const stored = await readStatusRecord(store.deps.s3, store.bucket, statusRecordKey(store.deps.config.statusPrefix, key));
    const record = stored.kind === 'record' ? stored.record : undefined;
    if (record === undefined || !handedToJd(record)) await writeRecord(store, key, recordFor(record));
    return true;
  } catch {
    // The outcome already says the upload failed.
    return false;
  }
}
