import type { EventSummary } from '../../../use-cases/importing/index.js';

type Outcome = EventSummary['outcomes'][number];

/** One line for an upload the local OSS delivered: what the pipeline did with it. */
export function importLine(outcome: Outcome): string {
  const detail =
    outcome.outcome === 'submitted' || outcome.outcome === 'duplicate'
      ? `image ${outcome.imageId ?? '?'}, task ${outcome.taskId ?? '?'}`
      : outcome.outcome === 'rejected'
        ? outcome.problems.map((problem) => problem.message).join(' ')
        : outcome.outcome === 'not-found'
          ? 'the object does not exist'
          : outcome.outcome === 'deferred'
            ? `imported by the run of s3://${outcome.bucket}/${outcome.packedKey}, which it was unpacked from`
            : outcome.error;
  return `[import] s3://${outcome.bucket}/${outcome.key}: ${outcome.outcome} — ${detail}\n`;
}
