import { type InvalidRecord, selectUploads, type SkippedRecord, uploadPolicyOf } from '../../domain/events/index.js';
import { boundedMap } from '../../kernel/index.js';
import { processUpload, type PipelineDeps } from './pipeline.js';
import type { OutcomeWithSource } from './upload-outcome.js';

export interface EventSummary {
  records: number;
  submitted: number;
  duplicates: number;
  rejected: number;
  /** Objects gone before they could be read (each recorded as rejected). */
  notFound: number;
  failed: number;
  /** Failures that may succeed on a later delivery: the invocation should fail so it is retried. */
  transientFailures: number;
  skipped: SkippedRecord[];
  invalid: InvalidRecord[];
  outcomes: OutcomeWithSource[];
}

/**
 * Runs every record of one event through the pipeline with bounded concurrency and logs one
 * line per record. Never throws for a bad record; the caller decides what a transient
 * failure means for its platform (fail the invocation, answer 5xx).
 */
export async function handleEvent(event: unknown, deps: PipelineDeps): Promise<EventSummary> {
  const { config, logger } = deps;
  const parsed = selectUploads(event, uploadPolicyOf(config));
  for (const skipped of parsed.skipped) logger.info({ outcome: 'skipped', ...skipped }, 'record skipped');
  for (const invalid of parsed.invalid) logger.warn({ outcome: 'invalid', ...invalid }, 'record not understood');

  const outcomes = await boundedMap(parsed.uploads, config.concurrency, async (upload) => {
    const outcome = await processUpload(upload, deps);
    const level = outcome.outcome === 'failed' ? 'error' : outcome.outcome === 'rejected' || outcome.outcome === 'not-found' ? 'warn' : 'info';
    logger[level]({ ...outcome, eventName: upload.eventName, source: upload.source }, `upload ${outcome.outcome}`);
    return outcome;
  });

  const count = (name: OutcomeWithSource['outcome']) => outcomes.filter((outcome) => outcome.outcome === name).length;
  return {
    records: parsed.uploads.length + parsed.skipped.filter((skip) => skip.index >= 0).length + parsed.invalid.filter((bad) => bad.index >= 0).length,
    submitted: count('submitted'),
    duplicates: count('duplicate'),
    rejected: count('rejected'),
    notFound: count('not-found'),
    failed: count('failed'),
    transientFailures: outcomes.filter((outcome) => outcome.outcome === 'failed' && outcome.retryable).length,
    skipped: parsed.skipped,
    invalid: parsed.invalid,
    outcomes,
  };
}
