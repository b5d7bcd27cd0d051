import { followedObject, type FollowRequest } from '../../../domain/following/index.js';
import type { EventSummary } from '../../../use-cases/importing/index.js';

/**
 * What `import --wait` follows after the pipeline: the import it submitted, or the one a status
 * record already covers (it may still be importing, copying or notifying), or a final rejection
 * or failure (for its notification). Nothing for an object that does not exist or a transient
 * failure: there is no record to follow.
 */
export function waitRequest(outcome: EventSummary['outcomes'][number], now: Date): FollowRequest | undefined {
  const base = { version: 1 as const, region: outcome.region, bucket: outcome.bucket, ...followedObject({ key: outcome.key }, outcome.unpackedTo), startedAt: now.toISOString(), hop: 0 };
  switch (outcome.outcome) {
    case 'submitted':
      return { ...base, clientToken: outcome.clientToken };
    case 'duplicate':
    case 'rejected':
      return base;
    case 'failed':
      return outcome.retryable ? undefined : base;
    case 'not-found':
      return undefined;
  }
}
