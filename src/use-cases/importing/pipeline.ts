import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/index.js';
import type { Upload } from '../../domain/events/index.js';
import { inspectImage, type ImageFacts } from '../../domain/image/index.js';
import type { ImportImageInput } from '../../adapters/jdcloud/index.js';
import { type ObjectFacts, presignImageUrl, readObjectFacts, readStatusRecord, type StoredStatus, tagSourceObject, writeInFlightMarker, writeStatusRecord } from '../../adapters/oss/index.js';
import { type Logger, type Problem, redactImageUrl } from '../../kernel/index.js';
import { decideImportRequest, type Decision, type ImportRequestDraft } from '../../domain/import-request/index.js';
import { describeFailure } from './import-error.js';
import { coversVersion, handedToJd, inFlightMarkerKey, type StatusRecord, statusRecordKey } from '../../domain/status/index.js';
import { ovfHintsOf, unpackedFromOf } from '../../domain/unpacking/index.js';
import type { UnpackedTo } from '../unpacking/index.js';
import { isPackedUpload, processPackedUpload } from './packed-step.js';

/** The one VM API call the pipeline makes (src/adapters/jdcloud/vm). */
export interface ImageImporter {
  importImage(regionId: string, input: ImportImageInput): Promise<{ imageId: string; taskId: string; requestId: string; attempts: number }>;
}

export interface PipelineDeps {
  s3: S3Client;
  /** Presign-only client for the region's internal OSS host. */
  imageUrlSigner: (region: string) => S3Client;
  vm: ImageImporter;
  config: Config;
  now: () => Date;
  logger: Logger;
  /** The function's timeout, which unpacking a packed upload must fit in; none for the CLI and serve. */
  unpackTimeLimitSeconds?: number;
}

export type UploadOutcome =
  | { outcome: 'submitted'; key: string; imageId: string; taskId: string; clientToken: string; attempts: number; warnings?: string[] }
  | { outcome: 'duplicate'; key: string; state: string; imageId?: string; taskId?: string }
  | { outcome: 'rejected'; key: string; problems: Problem[] }
  /** No object under any spelling of the key (deleted before it could be read, or a typo). */
  | { outcome: 'not-found'; key: string; triedKeys: string[] }
  | { outcome: 'failed'; key: string; error: string; retryable: boolean };

/** `unpackedTo`: a packed upload's sibling, which was imported in its place (issue 14). */
export type OutcomeWithSource = UploadOutcome & { bucket: string; region: string; durationMs: number; unpackedTo?: UnpackedTo };

export interface UploadOptions {
  /** Re-import even when a record covers this version, with a new clientToken (`backfill --force`). */
  force?: boolean;
  /** Write a record for an object that does not exist (the function: yes; a CLI typo: no). */
  recordMissing?: boolean;
  /** The status record of the first key candidate, when the caller has just read it (backfill). */
  knownStatus?: StoredStatus;
}

/** The upload's source as records describe it. */
export type RecordSource = StatusRecord['source'];

export interface Planned {
  facts: ObjectFacts;
  source: RecordSource & { etag: string; size: number };
  image: ImageFacts;
  decision: Decision;
  /** The record of an earlier delivery of this key, if any. */
  existing: StatusRecord | undefined;
}

/** Inspector facts as stored in the record: enough to explain a decision, no raw bytes. */
function imageSummary(image: ImageFacts): Record<string, unknown> {
  return { format: image.format, virtualSizeBytes: image.virtualSizeBytes, details: image.details };
}

function recordOf(stored: StoredStatus): StatusRecord | undefined {
  return stored.kind === 'record' ? stored.record : undefined;
}

/** Reads the object and decides; no API call and nothing written (the `plan` command). */
export async function planUpload(
  upload: Upload,
  deps: PipelineDeps,
  options: UploadOptions = {},
): Promise<Planned | { notFound: string[]; existing: StatusRecord | undefined }> {
  const { s3, config } = deps;
  const firstKey = upload.keyCandidates[0];
  // The record of the likeliest spelling is read alongside the facts: one round trip.
  const [read, stored] = await Promise.all([
    readObjectFacts(s3, { bucket: upload.bucket, keyCandidates: upload.keyCandidates }),
    options.knownStatus ?? readStatusRecord(s3, upload.bucket, statusRecordKey(config.statusPrefix, firstKey)),
  ]);
  if (!read.found) return { notFound: read.triedKeys, existing: recordOf(stored) };
  const { facts } = read;
  const existing =
    facts.key === firstKey ? recordOf(stored) : recordOf(await readStatusRecord(s3, upload.bucket, statusRecordKey(config.statusPrefix, facts.key)));
  const source = { region: upload.region, bucket: upload.bucket, key: facts.key, etag: facts.etag, size: facts.size };
  const image = inspectImage({ head: facts.bytes.head, tail: facts.bytes.tail, size: facts.size });
  const decision = decideImportRequest({
    source,
    metadata: facts.metadata,
    tags: facts.tags,
    defaults: config.defaults,
    hints: ovfHintsOf(facts.metadata),
    image,
    ...(options.force === true ? { tokenSalt: deps.now().toISOString() } : {}),
  });
  return { facts, source, image, decision, existing };
}

/** Builds the full importImage body: the draft plus the presigned internal URL. */
export async function buildImportRequest(upload: Upload, key: string, draft: ImportRequestDraft, deps: PipelineDeps): Promise<ImportImageInput> {
  const imageUrl = await presignImageUrl(deps.imageUrlSigner(upload.region), {
    region: upload.region,
    bucket: upload.bucket,
    key,
    expiresInSeconds: deps.config.imageUrlExpiresSeconds,
    signingDate: deps.now(),
  });
  return { ...draft, imageUrl };
}

/** The request as records and `plan` show it: the presigned URL's signature and key id redacted. */
export function redactRequest(request: ImportImageInput): Record<string, unknown> {
  return { ...request, imageUrl: redactImageUrl(request.imageUrl) };
}

/**
 * The function's pipeline for one upload: read facts → decide → importImage → record.
 * Every path ends with a status record (best effort when the store itself fails); a
 * transient failure is returned as `failed` with `retryable: true` so the caller can make the
 * platform retry. Never throws.
 */
export async function processUpload(upload: Upload, deps: PipelineDeps, options: UploadOptions = {}): Promise<OutcomeWithSource> {
  // Compressed and packaged uploads are unpacked into a sibling object, which this pipeline imports.
  if (isPackedUpload(upload)) return processPackedUpload(upload, deps, options, processUpload);
  const started = Date.now();
  const finish = (outcome: UploadOutcome): OutcomeWithSource => ({
    ...outcome,
    bucket: upload.bucket,
    region: upload.region,
    durationMs: Date.now() - started,
  });
  const timestamp = () => deps.now().toISOString();
  const firstKey = upload.keyCandidates[0];
  const eventSource: RecordSource = { region: upload.region, bucket: upload.bucket, key: firstKey, ...(upload.etag !== undefined ? { etag: upload.etag } : {}) };

  let planned: Awaited<ReturnType<typeof planUpload>>;
  try {
    planned = await planUpload(upload, deps, options);
  } catch (error) {
    const failure = describeFailure(error);
    const { attempts: _attempts, ...recordedError } = failure;
    const outcome = finish({ outcome: 'failed', key: firstKey, error: failure.message, retryable: failure.retryable });
    // Best effort: the store that failed the read may fail these calls too. A record of an
    // import JD already has is never replaced by a failure to read.
    try {
      const stored = recordOf(await readStatusRecord(deps.s3, upload.bucket, statusRecordKey(deps.config.statusPrefix, firstKey)));
      if (stored === undefined || !handedToJd(stored)) {
        await writeRecord(deps, upload.bucket, firstKey, { version: 1, state: 'failed', source: eventSource, error: recordedError, createdAt: stored?.createdAt ?? timestamp(), updatedAt: timestamp() });
      }
    } catch {
      // The outcome already says the upload failed and should be retried.
    }
    return outcome;
  }

  if ('notFound' in planned) {
    const outcome = finish({ outcome: 'not-found', key: firstKey, triedKeys: planned.notFound });
    // A late or repeated delivery for an object deleted since its import keeps that import's record.
    if (options.recordMissing === false || (planned.existing !== undefined && handedToJd(planned.existing))) return outcome;
    const problems: Problem[] = [
      {
        code: 'object-not-found',
        field: 'key',
        value: firstKey,
        message: `s3://${upload.bucket}/${planned.notFound.join(' (or ')}${planned.notFound.length > 1 ? ')' : ''} does not exist: it was deleted or renamed before it could be read.`,
      },
    ];
    return writeOrFail(deps, upload.bucket, firstKey, { version: 1, state: 'rejected', source: eventSource, problems, createdAt: timestamp(), updatedAt: timestamp() }, outcome);
  }

  const { facts, source, image, decision, existing } = planned;
  const unpackedFrom = unpackedFromOf(facts.metadata);
  if (existing !== undefined && options.force !== true && coversVersion(existing, facts.etag)) {
    return finish({
      outcome: 'duplicate',
      key: facts.key,
      state: existing.state,
      ...(existing.imageId !== undefined ? { imageId: existing.imageId } : {}),
      ...(existing.taskId !== undefined ? { taskId: existing.taskId } : {}),
    });
  }
  const createdAt = existing?.createdAt ?? timestamp();
  const base = {
    version: 1 as const,
    source,
    image: imageSummary(image),
    ...(unpackedFrom !== undefined ? { unpackedFrom } : {}),
    ...(facts.tagsUnreadable !== undefined ? { warnings: [facts.tagsUnreadable] } : {}),
    createdAt,
  };

  if (!decision.ok) {
    const record: StatusRecord = { ...base, state: 'rejected', problems: decision.problems, updatedAt: timestamp() };
    return writeOrFail(deps, upload.bucket, facts.key, record, finish({ outcome: 'rejected', key: facts.key, problems: decision.problems }));
  }

  let request: ImportImageInput | undefined;
  let result;
  try {
    request = await buildImportRequest(upload, facts.key, decision.request, deps);
    result = await deps.vm.importImage(upload.region, request);
  } catch (error) {
    const failure = describeFailure(error);
    const { attempts, ...recordedError } = failure;
    const record: StatusRecord = {
      ...base,
      state: 'failed',
      ...(request !== undefined ? { request: redactRequest(request) } : {}),
      clientToken: decision.request.clientToken,
      error: recordedError,
      ...(attempts !== undefined ? { attempts } : {}),
      updatedAt: timestamp(),
    };
    return writeOrFail(deps, upload.bucket, facts.key, record, finish({ outcome: 'failed', key: facts.key, error: failure.message, retryable: failure.retryable }));
  }

  const record: StatusRecord = {
    ...base,
    state: 'submitted',
    request: redactRequest(request),
    imageId: result.imageId,
    taskId: result.taskId,
    clientToken: decision.request.clientToken,
    attempts: result.attempts,
    updatedAt: timestamp(),
  };
  const outcome = finish({
    outcome: 'submitted',
    key: facts.key,
    imageId: result.imageId,
    taskId: result.taskId,
    clientToken: decision.request.clientToken,
    attempts: result.attempts,
  });
  // The in-flight marker goes out together with the record, not before it: one round trip for
  // both. Whichever lands alone (the function dies between them, or one PUT fails), no import
  // is lost to both refreshes: a marker without its in-flight record is stale, and the refresh
  // removes it once it is older than the grace period; a record without its marker is missed
  // by the scheduled refresh (it reads only marked records) but not by `status --refresh`,
  // which reads every record and writes the missing marker.
  // Tagging is a courtesy for people browsing the bucket; the record is the source of truth.
  const [written, marked] = await Promise.all([
    writeOrFail(deps, upload.bucket, facts.key, record, outcome),
    markInFlight(deps, upload.bucket, facts.key),
    facts.taggingSupported
      ? tagSourceObject(deps.s3, { bucket: upload.bucket, key: facts.key, existingTags: facts.tags }, { 'image-import-state': 'submitted', 'image-import-image-id': result.imageId })
      : Promise.resolve(false),
  ]);
  return written.outcome === 'submitted' && marked !== undefined ? { ...written, warnings: [...(written.warnings ?? []), marked] } : written;
}

/**
 * Writes the in-flight marker; a failure does not fail the import (the record is written and
 * JD has the import). Returns the warning to pass on, or undefined when the marker is written.
 * The record is not rewritten to carry the warning: it is being written at the same moment.
 */
async function markInFlight(deps: PipelineDeps, bucket: string, key: string): Promise<string | undefined> {
  const markerKey = inFlightMarkerKey(deps.config.statusPrefix, key);
  try {
    await writeInFlightMarker(deps.s3, bucket, markerKey);
    return undefined;
  } catch (error) {
    const warning = `In-flight marker not written, so the scheduled refresh will not see this import until \`oss-image-import status --refresh\` runs: ${describeFailure(error).message}`;
    deps.logger.warn({ bucket, key, markerKey, warning }, 'in-flight marker not written');
    return warning;
  }
}

function writeRecord(deps: PipelineDeps, bucket: string, key: string, record: StatusRecord): Promise<void> {
  return writeStatusRecord(deps.s3, bucket, statusRecordKey(deps.config.statusPrefix, key), record);
}

/** Writes the record; if that fails the upload is not done, and the platform should retry. */
async function writeOrFail(deps: PipelineDeps, bucket: string, key: string, record: StatusRecord, outcome: OutcomeWithSource): Promise<OutcomeWithSource> {
  try {
    await writeRecord(deps, bucket, key, record);
    return outcome;
  } catch (error) {
    const failure = describeFailure(error);
    return { bucket: outcome.bucket, region: outcome.region, durationMs: outcome.durationMs, outcome: 'failed', key, error: `status record not written: ${failure.message}`, retryable: true };
  }
}
