import { followedObject, type FollowRequest } from '../../domain/following/index.js';
import type { EventSummary } from '../importing/index.js';

type Outcome = EventSummary['outcomes'][number];

/**
 * What follows one upload's outcome: the follow request for its record, or undefined.
 * - submitted: its import, by clientToken;
 * - duplicate: the record a status record already covers — the follower reads it and decides
 *   (nextFollowStep): an import under way, copies, a share or a notification still to come (its
 *   chain may have died), or nothing;
 * - with `finalOutcomes` (notifications on; `import --wait`, which prints the record): a
 *   rejection, a missing object or a failure for good, for its notification;
 * - never one whose status record could not be written (`recorded: false`) or a transient
 *   failure (the upload is delivered again): there is nothing to follow.
 */
export function followRequestAfter(outcome: Outcome, options: { now: Date; finalOutcomes: boolean }): FollowRequest | undefined {
  const base = { version: 1 as const, region: outcome.region, bucket: outcome.bucket, ...followedObject({ key: outcome.key }, outcome.unpackedTo), startedAt: options.now.toISOString(), hop: 0 };
  switch (outcome.outcome) {
    case 'submitted':
      return { ...base, clientToken: outcome.clientToken };
    case 'duplicate':
      return base;
    case 'deferred':
      // Its packed upload's run hands off the follower.
      return undefined;
    case 'rejected':
      return options.finalOutcomes ? base : undefined;
    case 'not-found':
      return options.finalOutcomes && outcome.recorded !== false ? base : undefined;
    case 'failed':
      return options.finalOutcomes && !outcome.retryable && outcome.recorded !== false ? base : undefined;
  }
}

/** The imports of one event that need a follower (followRequestAfter); final outcomes only with notifications on. */
export function followRequestsAfter(outcomes: readonly Outcome[], options: { now: Date; notify: boolean }): FollowRequest[] {
  return outcomes.flatMap((outcome) => followRequestAfter(outcome, { now: options.now, finalOutcomes: options.notify }) ?? []);
}
