import type { Config } from '../../use-cases/config/index.js';
import { selectUploads, uploadPolicyOf } from '../../domain/events/index.js';
import { type EventSummary, handleEvent, type PipelineDeps } from '../../use-cases/importing/index.js';
import type { NotificationHandler, NotificationOutcome } from './notification-handler.js';

/** What the endpoint answers for a notification: the pipeline's summary (it holds no secrets). */
export interface PipelineNotificationOutcome extends NotificationOutcome {
  summary: EventSummary;
}

/**
 * The function's pipeline behind the HTTP endpoint. A record failing transiently (throttling,
 * 5xx, network) makes the whole notification answer 503 so the sender delivers it again;
 * records that did import are recognised by their status records and not submitted twice.
 * A body none of whose records could be read is answered 400: its sender's format drifted.
 */
export function pipelineNotificationHandler(deps: PipelineDeps, afterEvent?: (summary: EventSummary) => void): NotificationHandler {
  return async (event): Promise<PipelineNotificationOutcome> => {
    const summary = await handleEvent(event, deps);
    // E.g. start following the imports (serve does, in the background: the answer does not wait).
    afterEvent?.(summary);
    const outcome: PipelineNotificationOutcome = { transientFailure: summary.transientFailures > 0, summary };
    const unread = summary.invalid.filter((invalid) => invalid.index >= 0);
    if (summary.records > 0 && unread.length === summary.records) {
      const issues = unread.flatMap((invalid) => invalid.issues);
      outcome.unrecognised =
        `None of the ${summary.records} record${summary.records === 1 ? ' is an upload record' : 's is an upload record'} ` +
        `(S3, Ceph RGW, MinIO or JD Cloud shape): ${issues.slice(0, 3).join('; ')}${issues.length > 3 ? '; …' : ''}.`;
    }
    return outcome;
  };
}

/**
 * True when the pipeline would import nothing from this event: every record is skipped
 * (status records, other buckets, deletions) or unreadable. Such events bypass the endpoint's
 * concurrency limit (see NotificationServerOptions.importsNothing).
 */
export function pipelineImportsNothing(config: Config): (event: object) => boolean {
  return (event) =>
    selectUploads(event, uploadPolicyOf(config)).uploads.length === 0;
}
