import type { S3Client } from '@aws-sdk/client-s3';
import type { Upload } from '../../domain/events/index.js';
import type { ImportRequestDraft } from '../../domain/import-request/index.js';
import { coversVersion } from '../../domain/status/index.js';
import type { Logger } from '../../kernel/index.js';
import { describeFailure } from './import-error.js';
import { type Plan, type PlanOptions, planUpload } from './plan-upload.js';
import { type Ending, recordEnding, type RecordOptions, type Subject } from './record-ending.js';
import { type SubmitDeps, submitImport } from './submit-import.js';
import type { OutcomeWithSource } from './upload-outcome.js';

export interface PipelineDeps extends SubmitDeps {
  s3: S3Client;
  logger: Logger;
}

export type UploadOptions = PlanOptions & RecordOptions;

/** What the decision leaves to do: end here, or submit the import. */
type Step = Ending | { kind: 'submit'; subject: Subject; draft: ImportRequestDraft };

/**
 * The function's pipeline for one upload: plan (read the object and its record, inspect,
 * decide) → decide what to do → submit the import → record what happened. A transient
 * failure is returned as `failed` with `retryable: true` so the caller can make the platform
 * retry. Never throws.
 */
export async function processUpload(upload: Upload, deps: PipelineDeps, options: UploadOptions = {}): Promise<OutcomeWithSource> {
  const started = Date.now();
  const step = nextStep(await plan(upload, deps, options), options);
  const ending: Ending = step.kind === 'submit' ? { subject: step.subject, ...(await submitImport(upload, step.subject.key, step.draft, deps)) } : step;
  const outcome = await recordEnding(ending, upload, deps, options);
  return { ...outcome, bucket: upload.bucket, region: upload.region, durationMs: Date.now() - started };
}

/** planUpload, with a store failure as a value: the pipeline records it instead of throwing. */
async function plan(upload: Upload, deps: PipelineDeps, options: UploadOptions): Promise<Plan | Extract<Ending, { kind: 'unread' }>> {
  try {
    return await planUpload(upload, deps, options);
  } catch (error) {
    const { attempts: _attempts, ...failure } = describeFailure(error);
    return { kind: 'unread', failure };
  }
}

/** Pure: what to do with what was read. */
function nextStep(planned: Plan | Extract<Ending, { kind: 'unread' }>, options: UploadOptions): Step {
  switch (planned.kind) {
    case 'unread':
      return planned;
    case 'not-found':
      return { kind: 'not-found', triedKeys: planned.triedKeys, existing: planned.existing };
    case 'found': {
      const { facts, source, image, decision, existing } = planned;
      if (existing !== undefined && options.force !== true && coversVersion(existing, facts.etag)) return { kind: 'duplicate', key: facts.key, existing };
      const subject: Subject = {
        key: facts.key,
        facts,
        read: { source, image, warnings: facts.tagsUnreadable !== undefined ? [facts.tagsUnreadable] : [] },
        createdAt: existing?.createdAt,
      };
      return decision.ok ? { kind: 'submit', subject, draft: decision.request } : { kind: 'rejected', subject, problems: decision.problems };
    }
  }
}
