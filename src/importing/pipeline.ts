import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/config.js';
import type { Upload } from '../events/upload.js';
import { inspectImage, type ImageFacts } from '../image/index.js';
import type { ImportImageInput } from '../jdcloud/vm/import-image.js';
import { presignImageUrl, redactImageUrl } from '../oss/image-url.js';
import { readObjectFacts, type ObjectFacts } from '../oss/object-facts.js';
import { readStatusRecord, tagSourceObject, writeStatusRecord } from '../oss/status-store.js';
import { decideImportRequest, type Decision, type ImportRequestDraft } from './decide-import.js';
import { describeFailure } from './import-error.js';
import type { Logger } from './logger.js';
import type { Problem } from './problem.js';
import { coversVersion, statusRecordKey, type StatusRecord } from './status-record.js';

/** The one VM API call the pipeline makes (src/jdcloud/vm). */
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
}

export type UploadOutcome =
  | { outcome: 'submitted'; key: string; imageId: string; taskId: string; clientToken: string; attempts: number }
  | { outcome: 'duplicate'; key: string; state: string; imageId?: string; taskId?: string }
  | { outcome: 'rejected'; key: string; problems: Problem[] }
  | { outcome: 'failed'; key: string; error: string; retryable: boolean };

export type OutcomeWithSource = UploadOutcome & { bucket: string; region: string; durationMs: number };

/** Inspector facts as stored in the record: enough to explain a decision, no raw bytes. */
function imageSummary(image: ImageFacts): Record<string, unknown> {
  return { format: image.format, virtualSizeBytes: image.virtualSizeBytes, details: image.details };
}

interface Planned {
  facts: ObjectFacts;
  image: ImageFacts;
  decision: Decision;
  existing: StatusRecord | undefined;
}

export interface UploadOptions {
  /** Re-import even when a record covers this version, with a new clientToken (`backfill --force`). */
  force?: boolean;
}

/** Reads the object and decides; no API call and nothing written (the `plan` command). */
export async function planUpload(upload: Upload, deps: PipelineDeps, options: UploadOptions = {}): Promise<Planned | { notFound: string[] }> {
  const { s3, config } = deps;
  const [read, stored] = await Promise.all([
    readObjectFacts(s3, { bucket: upload.bucket, keyCandidates: upload.keyCandidates }),
    readStatusRecord(s3, upload.bucket, statusRecordKey(config.statusPrefix, upload.keyCandidates[0])),
  ]);
  if (!read.found) return { notFound: read.triedKeys };
  const { facts } = read;
  const image = inspectImage({ head: facts.bytes.head, tail: facts.bytes.tail, size: facts.size });
  const decision = decideImportRequest({
    source: { region: upload.region, bucket: upload.bucket, key: facts.key, etag: facts.etag, size: facts.size },
    metadata: facts.metadata,
    tags: facts.tags,
    defaults: config.defaults,
    image,
    ...(options.force === true ? { tokenSalt: deps.now().toISOString() } : {}),
  });
  // The record was looked up under the first candidate; it only matters if that is the key.
  const existing = stored.kind === 'record' && facts.key === upload.keyCandidates[0] ? stored.record : undefined;
  return { facts, image, decision, existing };
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
  return { ...draft, imageUrl } as ImportImageInput;
}

function redactRequest(request: ImportImageInput): Record<string, unknown> {
  return { ...request, imageUrl: redactImageUrl(request.imageUrl) };
}

/**
 * The function's pipeline for one upload: read facts → decide → importImage → record.
 * Every path that reaches the object ends with a status record; a transient failure is
 * returned as `failed` with `retryable: true` so the caller can make the platform retry.
 */
export async function processUpload(upload: Upload, deps: PipelineDeps, options: UploadOptions = {}): Promise<OutcomeWithSource> {
  const started = Date.now();
  const finish = (outcome: UploadOutcome): OutcomeWithSource => ({
    ...outcome,
    bucket: upload.bucket,
    region: upload.region,
    durationMs: Date.now() - started,
  });
  const { s3 } = deps;
  const timestamp = () => deps.now().toISOString();

  let planned: Awaited<ReturnType<typeof planUpload>>;
  try {
    planned = await planUpload(upload, deps, options);
  } catch (error) {
    const failure = describeFailure(error);
    return finish({ outcome: 'failed', key: upload.keyCandidates[0], error: failure.message, retryable: failure.retryable });
  }

  if ('notFound' in planned) {
    const key = upload.keyCandidates[0];
    const problems: Problem[] = [
      {
        code: 'object-not-found',
        field: 'key',
        value: key,
        message: `s3://${upload.bucket}/${planned.notFound.join(' (or ')}${planned.notFound.length > 1 ? ')' : ''} does not exist: it was deleted or renamed before it could be read.`,
      },
    ];
    const record: StatusRecord = {
      version: 1,
      state: 'rejected',
      source: { region: upload.region, bucket: upload.bucket, key, ...(upload.etag !== undefined ? { etag: upload.etag } : {}) },
      problems,
      createdAt: timestamp(),
      updatedAt: timestamp(),
    };
    return writeOrFail(deps, upload, key, record, finish({ outcome: 'rejected', key, problems }));
  }

  const { facts, image, decision, existing } = planned;
  const source = { region: upload.region, bucket: upload.bucket, key: facts.key, etag: facts.etag, size: facts.size };
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

  if (!decision.ok) {
    const record: StatusRecord = {
      version: 1,
      state: 'rejected',
      source,
      problems: decision.problems,
      image: imageSummary(image),
      createdAt,
      updatedAt: timestamp(),
    };
    return writeOrFail(deps, upload, facts.key, record, finish({ outcome: 'rejected', key: facts.key, problems: decision.problems }));
  }

  const request = await buildImportRequest(upload, facts.key, decision.request, deps);
  let result;
  try {
    result = await deps.vm.importImage(upload.region, request);
  } catch (error) {
    const failure = describeFailure(error);
    const { attempts, ...recordedError } = failure;
    const record: StatusRecord = {
      version: 1,
      state: 'failed',
      source,
      request: redactRequest(request),
      clientToken: request.clientToken ?? decision.request.clientToken,
      error: recordedError,
      ...(attempts !== undefined ? { attempts } : {}),
      image: imageSummary(image),
      createdAt,
      updatedAt: timestamp(),
    };
    return writeOrFail(
      deps,
      upload,
      facts.key,
      record,
      finish({ outcome: 'failed', key: facts.key, error: failure.message, retryable: failure.retryable }),
    );
  }

  const record: StatusRecord = {
    version: 1,
    state: 'submitted',
    source,
    request: redactRequest(request),
    imageId: result.imageId,
    taskId: result.taskId,
    clientToken: decision.request.clientToken,
    attempts: result.attempts,
    image: imageSummary(image),
    createdAt,
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
  if (facts.taggingSupported) {
    // Tagging is a courtesy for people browsing the bucket; the record is the source of truth.
    const [written] = await Promise.all([
      writeOrFail(deps, upload, facts.key, record, outcome),
      tagSourceObject(
        s3,
        { bucket: upload.bucket, key: facts.key, existingTags: facts.tags },
        { 'image-import-state': 'submitted', 'image-import-image-id': result.imageId },
      ),
    ]);
    return written;
  }
  return writeOrFail(deps, upload, facts.key, record, outcome);
}

/** Writes the record; if that fails the upload is not done, and the platform should retry. */
async function writeOrFail(
  deps: PipelineDeps,
  upload: Upload,
  key: string,
  record: StatusRecord,
  outcome: OutcomeWithSource,
): Promise<OutcomeWithSource> {
  try {
    await writeStatusRecord(deps.s3, upload.bucket, statusRecordKey(deps.config.statusPrefix, key), record);
    return outcome;
  } catch (error) {
    const failure = describeFailure(error);
    return { ...outcome, outcome: 'failed', key, error: `status record not written: ${failure.message}`, retryable: true } as OutcomeWithSource;
  }
}
