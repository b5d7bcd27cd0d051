import type { EventSummary } from './handle-event.js';

/**
 * Some records failed in a way a later delivery may fix (throttling, 5xx, network). Thrown
 * by the function so the platform retries the event; the records that did import are safe
 * to see again.
 */
export class TransientImportFailure extends Error {
  override name = 'TransientImportFailure';
  readonly summary: EventSummary;

  constructor(summary: EventSummary) {
    const failed = summary.outcomes.filter((outcome) => outcome.outcome === 'failed' && outcome.retryable);
    super(
      `${failed.length} of ${summary.records} records failed transiently and should be retried: ` +
        failed.map((outcome) => `s3://${outcome.bucket}/${outcome.key}`).join(', '),
    );
    this.summary = summary;
  }
}
