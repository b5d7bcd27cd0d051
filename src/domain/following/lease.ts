import type { FollowerLease, StatusRecord } from '../status/index.js';
import type { FollowRequest } from './follow-request.js';

/**
 * The follower's lease in the status record (docs/architecture.md, "The follower"). Only the
 * holder makes the calls that must not happen twice (copyImages has no clientToken), and it
 * checks it still holds the lease in a fresh read right before each. The stores we target have
 * no compare-and-swap, so a claim is written, left to settle, and read back: of followers that
 * claim at once, the last write wins and the others see it and stop.
 */

/** Whether `holder` may take (or keep) the record's lease now: none, its own, or expired. */
export function leaseAvailable(record: StatusRecord, holder: string, nowMs: number): boolean {
  const follower = record.follower;
  if (follower === undefined || follower.holder === holder) return true;
  return Date.parse(follower.leaseUntil) <= nowMs;
}

/** Whether `holder` holds the lease now (its own, not expired). */
export function holdsLease(record: StatusRecord, holder: string, nowMs: number): boolean {
  return record.follower?.holder === holder && Date.parse(record.follower.leaseUntil) > nowMs;
}

/** The record with the lease taken by `holder` until `until`; when following began stays the chain's. */
export function withLease(record: StatusRecord, request: FollowRequest, holder: string, until: Date): StatusRecord {
  const lease: FollowerLease = {
    holder,
    leaseUntil: until.toISOString(),
    startedAt: record.follower?.startedAt ?? request.startedAt,
    hop: request.hop,
  };
  return { ...record, follower: lease };
}

/**
 * The record with the lease let go at `now`: the next invocation of the chain (or any follower)
 * may take it at once. `finished` says the follow-through is over.
 */
export function withLeaseReleased(record: StatusRecord, now: Date, finished?: FollowerLease['finished']): StatusRecord {
  if (record.follower === undefined) return record;
  const { finished: _finished, ...lease } = record.follower;
  return { ...record, follower: { ...lease, leaseUntil: now.toISOString(), ...(finished !== undefined ? { finished } : {}) } };
}
