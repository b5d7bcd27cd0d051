import type { EventSummary } from './handle-event.js';

/**
 * Some records failed in a way a later delivery may fix (throttling, 5xx, network), or could
 * not be handed to their follower. Thrown by the function so the platform retries the event;
 * the records that did import are safe to see again.
 */
export class TransientImportFailure extends Error {
  override name = 'TransientImportFailure';
  readonly summary: EventSummary;

  constructor(summary: EventSummary, notHandedOff: ReadonlyArray<{ key: string; error: string }> = []) {
    const failed = summary.outcomes.filter((outcome) => outcome.outcome === 'failed' && outcome.retryable);
    const parts = [
      ...(failed.length > 0 || notHandedOff.length === 0
        ? [`${failed.length} of ${summary.records} records failed transiently and should be retried: ` + failed.map((outcome) => `s3://${outcome.bucket}/${outcome.key}`).join(', ')]
        : []),
      ...(notHandedOff.length > 0 ? [`${notHandedOff.length} import(s) were not handed to their follower: ` + notHandedOff.map((item) => `${item.key} (${item.error})`).join(', ')] : []),
    ];
    super(parts.join('; '));
    this.summary = summary;
  }
}
