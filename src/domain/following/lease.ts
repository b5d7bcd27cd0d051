import type { FollowerLease, StatusRecord } from '../status/index.js';
import type { FollowRequest } from './follow-request.js';

/**
 * The follower's lease in the status record (docs/architecture.md, "The follower"). Only the
 * holder makes the calls that must not happen twice (copyImages has no clientToken), and it
 * checks it still holds the lease in a fresh read right before each. The stores we target have
 * no compare-and-swap, so a claim is written, left to settle, and read back: of followers that
 * claim at once, the last write wins and the others see it and stop.
 */

/** Holder ids of followers in a long-running process (serve, the CLI), as against fc invocations (their request ids). */
export const processHolderPrefix = 'process-';

/** Whether a process (serve, the CLI's --wait or --follow) holds the record's lease, rather than an fc invocation. */
export function heldByProcess(record: StatusRecord | undefined): boolean {
  return record?.follower?.holder.startsWith(processHolderPrefix) === true;
}

/**
 * Whether `holder`, following hop `hop` of its chain, may take (or keep) the record's lease now:
 * none, its own, expired, or passed on to its hop by the invocation before it.
 */
export function leaseAvailable(record: StatusRecord, holder: string, hop: number, nowMs: number): boolean {
  const follower = record.follower;
  if (follower === undefined || follower.holder === holder) return true;
  if (follower.passedTo !== undefined && follower.passedTo === hop) return true;
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
 * The record with the lease passed on to hop `nextHop` of the chain, held for it until `until`:
 * that hop may take it at once, anyone else only once it runs out.
 */
export function withLeasePassed(record: StatusRecord, until: Date, nextHop: number): StatusRecord {
  if (record.follower === undefined) return record;
  const { finished: _finished, error: _error, ...lease } = record.follower;
  return { ...record, follower: { ...lease, leaseUntil: until.toISOString(), passedTo: nextHop } };
}

/**
 * The record with the lease let go at `now`: any follower may take it at once. `finished` says
 * the follow-through is over; `error` why it stopped before the end.
 */
export function withLeaseReleased(record: StatusRecord, now: Date, end: { finished?: FollowerLease['finished']; error?: string } = {}): StatusRecord {
  if (record.follower === undefined) return record;
  const { finished: _finished, passedTo: _passedTo, error: _error, ...lease } = record.follower;
  return {
    ...record,
    follower: { ...lease, leaseUntil: now.toISOString(), ...(end.finished !== undefined ? { finished: end.finished } : {}), ...(end.error !== undefined ? { error: end.error } : {}) },
  };
}
