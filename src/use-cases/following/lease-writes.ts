import { type FollowRequest, holdsLease, withLease, withLeasePassed, withLeaseReleased } from '../../domain/following/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import { type FollowDeps, followTiming } from './follow-deps.js';
import { type Followed, readFollowed, updateFollowed, writeFollowed } from './followed-record.js';
import { pause } from './pause.js';
import { stepFailure } from './step-failure.js';

/**
 * Takes the lease until `deadlineMs` plus the grace: written, left to settle, read back. Of
 * followers claiming at once the last write wins; the others read it back and stop. Renewing
 * one's own lease needs no settling.
 */
export async function claimLease(deps: FollowDeps, request: FollowRequest, record: StatusRecord, options: { holder: string; deadlineMs: number; signal?: AbortSignal }): Promise<StatusRecord | Followed> {
  const timing = followTiming(deps);
  const renewal = record.follower?.holder === options.holder;
  const claim = { ...withLease(record, request, options.holder, new Date(options.deadlineMs + timing.leaseGraceMs)), updatedAt: deps.now().toISOString() };
  await writeFollowed(deps, request, claim);
  if (renewal) return claim;
  await pause(timing.claimSettleMs, options.signal);
  const read = await readFollowed(deps, request);
  return read.kind === 'record' && holdsLease(read.record, options.holder, deps.now().getTime()) ? read.record : read;
}

/** What becomes of the lease when a slice ends. */
export type LeaseEnd =
  /** Passed on to the chain's next hop, held for it a grace period from now (at least). */
  | { kind: 'pass' }
  /** Kept for the holder's own next slice: nothing written. */
  | { kind: 'keep' }
  /** Let go: anyone may take it; `finished` or `error` say why, when the follow-through ended. */
  | { kind: 'release'; finished?: 'done' | 'gave-up'; error?: string };

/**
 * Ends the lease as `end` says, if `holder` still holds it (else nothing is written). Best
 * effort: a lease that cannot be written runs out by itself, and another follower takes over then.
 */
export async function endLease(deps: FollowDeps, request: FollowRequest, holder: string, end: LeaseEnd): Promise<StatusRecord | undefined> {
  if (end.kind === 'keep') return undefined;
  try {
    const updated = await updateFollowed(deps, request, holder, (current) => {
      const now = deps.now();
      if (end.kind === 'release') return withLeaseReleased(current, now, end);
      const until = Math.max(Date.parse(current.follower?.leaseUntil ?? ''), now.getTime() + followTiming(deps).leaseGraceMs);
      return withLeasePassed(current, new Date(until), request.hop + 1);
    });
    return updated.kind === 'lost' ? undefined : updated.record;
  } catch (error) {
    deps.logger.warn({ bucket: request.bucket, key: request.key, error: stepFailure(error).message }, 'follower lease not written; it runs out by itself');
    return undefined;
  }
}

/**
 * Takes back a lease passed to a hop that will never come (the hand-off failed), so that fc's
 * retry of this invocation, or any follower, may take it at once.
 */
export async function recallPassedLease(deps: FollowDeps, request: FollowRequest, holder: string): Promise<void> {
  try {
    await updateFollowed(deps, request, holder, (current) => (current.follower?.passedTo === request.hop + 1 ? withLeaseReleased(current, deps.now()) : undefined));
  } catch (error) {
    deps.logger.warn({ bucket: request.bucket, key: request.key, error: stepFailure(error).message }, 'passed lease not taken back; it runs out by itself');
  }
}
