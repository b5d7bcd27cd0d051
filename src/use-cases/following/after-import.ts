import { followedObject, type FollowRequest } from '../../domain/following/index.js';
import type { EventSummary } from '../importing/index.js';

type Outcome = EventSummary['outcomes'][number];

/**
 * The imports of one event that need a follower: every submitted one, a duplicate delivery of one
 * still in flight (its first follower may never have started; a second finds the lease held and
 * stops), and, when notifications are on, the final outcomes that need only their notification
 * (rejected, not found, failed for good).
 */
export function followRequestsAfter(outcomes: readonly Outcome[], options: { now: Date; notify: boolean }): FollowRequest[] {
  const startedAt = options.now.toISOString();
  return outcomes.flatMap((outcome): FollowRequest[] => {
    const base = { version: 1 as const, region: outcome.region, bucket: outcome.bucket, ...followedObject({ key: outcome.key }, outcome.unpackedTo), startedAt, hop: 0 };
    switch (outcome.outcome) {
      case 'submitted':
        return [{ ...base, clientToken: outcome.clientToken }];
      case 'duplicate':
        return outcome.state === 'submitted' || outcome.state === 'importing' ? [base] : [];
      case 'rejected':
      case 'not-found':
        return options.notify ? [base] : [];
      case 'failed':
        return options.notify && !outcome.retryable ? [base] : [];
    }
  });
}
