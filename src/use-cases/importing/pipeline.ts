import type { S3Client } from '@aws-sdk/client-s3';
import { eventRegionProblem, type Upload } from '../../domain/events/index.js';
import type { ImportRequestDraft } from '../../domain/import-request/index.js';
import { coversVersion, statusRecordKey, statusRecordKeyProblem } from '../../domain/status/index.js';
import { isSiblingKeyOf, packingFromKey, unpackedFromOf, type Packing } from '../../domain/unpacking/index.js';
import { readObjectHead, readStatusRecord } from '../../adapters/oss/index.js';
import type { Logger } from '../../kernel/index.js';
import { describeFailure } from './import-error.js';
import { type Plan, type PlanOptions, planUpload } from './plan-upload.js';
import { type Ending, recordEnding, type RecordOptions, type Subject } from './record-ending.js';
import { type SubmitDeps, submitImport } from './submit-import.js';
import { unpackAndImport } from './unpack-step.js';
import type { OutcomeWithSource } from './upload-outcome.js';

export interface PipelineDeps extends SubmitDeps {
  s3: S3Client;
  logger: Logger;
  /** The function's timeout, which unpacking a packed upload must fit in; none for the CLI and serve. */
  unpackTimeLimitSeconds?: number;
}

export type UploadOptions = PlanOptions & RecordOptions;

/** What the decision leaves to do: end here, submit the import, or unpack a packed upload and import what is inside. */
type Step = Ending | { kind: 'submit'; subject: Subject; draft: ImportRequestDraft } | { kind: 'unpack'; subject: Subject; packing: Packing };

/**
 * The function's pipeline for one upload: plan (read the object and its record, inspect,
 * decide) → decide what to do → submit the import (or, for a packed upload, unpack it and
 * run the sibling through this pipeline) → record what happened. A transient failure is
 * returned as `failed` with `retryable: true` so the caller can make the platform retry.
 * Never throws.
 */
export async function processUpload(upload: Upload, deps: PipelineDeps, options: UploadOptions = {}): Promise<OutcomeWithSource> {
  const started = Date.now();
  const step = nextStep(await plan(upload, deps, options), options);
  const ending = await carryOut(step, upload, deps, options);
  const outcome = await recordEnding(ending, upload, deps, options);
  return { ...outcome, bucket: upload.bucket, region: upload.region, durationMs: Date.now() - started };
}

/** What the plan step can find besides a plan: an event not to follow, or a store that failed. */
type Unplanned = Extract<Ending, { kind: 'unread' | 'unrecordable' | 'wrong-region' }>;

/** A plan, and for an unpacked sibling whose packed upload will import it, that upload's key. */
type Planned = Plan & { deferTo?: string };

/**
 * A sibling's own event (or `import` of it) defers to its packed upload while that upload is
 * there in the version it was unpacked from: that run imports the sibling, with the packed
 * upload's tags (set after completion). A copy under another name, a forced import, or a
 * sibling whose packed upload is gone or replaced is imported like any other object.
 */
async function packedUploadToDeferTo(planned: Plan, upload: Upload, deps: PipelineDeps, options: UploadOptions): Promise<string | undefined> {
  if (planned.kind === 'not-found' || upload.source === 'unpack' || options.force === true) return undefined;
  const from = unpackedFromOf(planned.facts.metadata);
  const packing = from === undefined ? undefined : packingFromKey(from.key);
  if (from === undefined || packing === undefined || !isSiblingKeyOf(planned.facts.key, packing, from.key)) return undefined;
  const packed = await readObjectHead(deps.s3, upload.bucket, from.key);
  return packed?.etag === from.etag ? from.key : undefined;
}

/**
 * planUpload, unless no record could be written for the key (then nothing is read) or the event
 * names another region (then only the key's record is read, so an import JD has keeps it). A
 * store failure is a value: the pipeline records it instead of throwing.
 */
async function plan(upload: Upload, deps: PipelineDeps, options: UploadOptions): Promise<Planned | Unplanned> {
  const unrecordable = statusRecordKeyProblem(deps.config.statusPrefix, upload.keyCandidates[0]);
  if (unrecordable !== undefined && upload.keyCandidates.every((key) => statusRecordKeyProblem(deps.config.statusPrefix, key) !== undefined)) {
    return { kind: 'unrecordable', reason: unrecordable };
  }
  try {
    const wrongRegion = eventRegionProblem(upload);
    if (wrongRegion === undefined) {
      const planned = await planUpload(upload, deps, options);
      const deferTo = await packedUploadToDeferTo(planned, upload, deps, options);
      return deferTo === undefined ? planned : { ...planned, deferTo };
    }
    const stored = options.knownStatus ?? (await readStatusRecord(deps.s3, upload.bucket, statusRecordKey(deps.config.statusPrefix, upload.keyCandidates[0])));
    return { kind: 'wrong-region', problem: wrongRegion, existing: stored.kind === 'record' ? stored.record : undefined };
  } catch (error) {
    const { attempts: _attempts, ...failure } = describeFailure(error);
    return { kind: 'unread', failure };
  }
}

/** Pure: what to do with what was read. */
function nextStep(planned: Planned | Unplanned, options: UploadOptions): Step {
  switch (planned.kind) {
    case 'unread':
    case 'unrecordable':
    case 'wrong-region':
      return planned;
    case 'not-found':
      return { kind: 'not-found', triedKeys: planned.triedKeys, existing: planned.existing };
    case 'found':
    case 'packed': {
      const { facts, source, image, existing } = planned;
      if (existing !== undefined && options.force !== true && coversVersion(existing, facts.etag)) return { kind: 'duplicate', key: facts.key, existing };
      if (planned.deferTo !== undefined) return { kind: 'deferred', key: facts.key, packedKey: planned.deferTo };
      const unpackedFrom = unpackedFromOf(facts.metadata);
      const subject: Subject = {
        key: facts.key,
        facts,
        read: { source, image, warnings: facts.tagsUnreadable !== undefined ? [facts.tagsUnreadable] : [], ...(unpackedFrom !== undefined ? { unpackedFrom } : {}) },
        createdAt: existing?.createdAt,
      };
      if (planned.kind === 'packed') return { kind: 'unpack', subject, packing: planned.packing };
      const { decision } = planned;
      return decision.ok ? { kind: 'submit', subject: { ...subject, followThrough: decision.followThrough }, draft: decision.request } : { kind: 'rejected', subject, problems: decision.problems };
    }
  }
}

/** The step's work, ending in what to record: the import call, or the unpack with the sibling's own run of the pipeline. */
async function carryOut(step: Step, upload: Upload, deps: PipelineDeps, options: UploadOptions): Promise<Ending> {
  switch (step.kind) {
    case 'submit':
      return { subject: step.subject, ...(await submitImport(upload, step.subject.key, step.draft, deps)) };
    case 'unpack': {
      // The sibling exists by now: it is never recorded as missing; a forced import forces it too.
      const siblingOptions: UploadOptions = { ...(options.force !== undefined ? { force: options.force } : {}), recordMissing: false };
      return unpackAndImport(step.subject, step.packing, upload, deps, (sibling) => processUpload(sibling, deps, siblingOptions));
    }
    default:
      return step;
  }
}
