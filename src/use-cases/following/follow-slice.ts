import { type FollowRequest, type FollowStep, holdsLease, leaseAvailable, nextFollowStep, withLease, withLeaseReleased } from '../../domain/following/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import { pollCopies, startCopy } from './copy-steps.js';
import { type FollowDeps, followTiming } from './follow-deps.js';
import { type Followed, readFollowed, updateFollowed, writeFollowed } from './followed-record.js';
import { giveUp, pollImport, type StepResult } from './import-steps.js';
import { notify } from './notify-step.js';
import { pause } from './pause.js';
import { shareImage } from './share-step.js';

/**
 * How a slice of following ended: `done` (nothing left to do), `continue` (its time is up and the
 * work is not: the caller hands over to the next slice), `held-elsewhere` (another follower holds
 * the lease), `superseded` (the key was uploaded again), `absent`/`unreadable` (no record to
 * follow), `stopped` (the caller's signal).
 */
export type FollowOutcome = 'done' | 'continue' | 'held-elsewhere' | 'superseded' | 'absent' | 'unreadable' | 'stopped';

export interface FollowResult {
  outcome: FollowOutcome;
  /** The record as last read or written (none when absent or unreadable). */
  record?: StatusRecord;
  /** Steps taken in this slice (polls and side effects). */
  steps: number;
}

export interface SliceOptions {
  /** Who follows: the lease names it. Unique per invocation (fc's request id) or per process. */
  holder: string;
  /** By when the slice lets go of the lease; no step starts after it (an fc invocation's timeout, less a reserve). */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Told of the record after each step, e.g. for a progress line. */
  onProgress?: (record: StatusRecord) => void;
}

function endedWithout(followed: Exclude<Followed, { kind: 'record' }>, steps: number): FollowResult {
  return { outcome: followed.kind, ...(followed.kind === 'superseded' ? { record: followed.record } : {}), steps };
}

function runStep(step: Exclude<FollowStep, { kind: 'done' }>, deps: FollowDeps, request: FollowRequest, holder: string, record: StatusRecord): Promise<StepResult> {
  switch (step.kind) {
    case 'poll-import':
      return pollImport(deps, request, holder, record);
    case 'copy':
      return startCopy(deps, request, holder, step.region);
    case 'share':
      return shareImage(deps, request, holder);
    case 'notify':
      return notify(deps, request, holder, step.event);
    case 'poll-copies':
      return pollCopies(deps, request, holder, record);
    case 'give-up':
      return giveUp(deps, request, holder);
  }
}

/**
 * Takes the lease: written, left to settle, read back. Of followers claiming at once the last
 * write wins; the others read it back and stop. Renewing one's own lease needs no settling.
 */
async function claimLease(deps: FollowDeps, request: FollowRequest, record: StatusRecord, options: SliceOptions): Promise<StatusRecord | Followed> {
  const timing = followTiming(deps);
  const renewal = record.follower?.holder === options.holder;
  const claim = { ...withLease(record, request, options.holder, new Date(options.deadlineMs + timing.leaseGraceMs)), updatedAt: deps.now().toISOString() };
  await writeFollowed(deps, request, claim);
  if (renewal) return claim;
  await pause(timing.claimSettleMs, options.signal);
  const read = await readFollowed(deps, request);
  return read.kind === 'record' && holdsLease(read.record, options.holder, deps.now().getTime()) ? read.record : read;
}

/**
 * Follows one import for one slice of time: reads the record, takes the lease, then does the
 * next step (nextFollowStep) until nothing is left, the deadline comes, the lease is lost or the
 * signal fires. Between polls of JD it waits (FollowTiming.pollDelaysMs), as it does after a step
 * that failed for a reason that may pass. It lets go of the lease whenever it ends holding it.
 */
export async function followSlice(request: FollowRequest, deps: FollowDeps, options: SliceOptions): Promise<FollowResult> {
  const timing = followTiming(deps);
  const nowMs = () => deps.now().getTime();
  const situation = (record: StatusRecord) => ({
    nowMs: nowMs(),
    startedAtMs: Date.parse(record.follower?.startedAt ?? request.startedAt),
    maxFollowMs: deps.maxFollowMs,
    notify: deps.notify !== undefined,
  });
  let steps = 0;
  const first = await readFollowed(deps, request);
  if (first.kind !== 'record') return endedWithout(first, steps);
  let record = first.record;
  if (nextFollowStep(record, situation(record)).kind === 'done' && record.follower?.holder !== options.holder) return { outcome: 'done', record, steps };
  if (!leaseAvailable(record, options.holder, nowMs())) return { outcome: 'held-elsewhere', record, steps };
  const claimed = await claimLease(deps, request, record, options);
  if ('kind' in claimed) return claimed.kind === 'record' ? { outcome: 'held-elsewhere', record: claimed.record, steps } : endedWithout(claimed, steps);
  record = claimed;
  options.onProgress?.(record);

  let gaveUp = false;
  const release = async (outcome: FollowOutcome, finished?: 'done' | 'gave-up'): Promise<FollowResult> => {
    const released = await updateFollowed(deps, request, options.holder, (current) => withLeaseReleased(current, deps.now(), finished));
    return { outcome, record: released.kind === 'lost' ? record : released.record, steps };
  };
  let waits = 0;
  let polled = false;
  let retryAfterWait = false;
  for (;;) {
    if (options.signal?.aborted === true) return release('stopped');
    const step = nextFollowStep(record, situation(record));
    if (step.kind === 'done') return release('done', gaveUp ? 'gave-up' : 'done');
    const isPoll = step.kind === 'poll-import' || step.kind === 'poll-copies';
    if ((isPoll && polled) || retryAfterWait) {
      const delay = timing.pollDelaysMs[Math.min(waits, timing.pollDelaysMs.length - 1)] ?? 0;
      if (nowMs() + delay >= options.deadlineMs) {
        // The wait does not fit: wait out the slice instead, and the next one polls at once.
        if (!(await pause(Math.max(0, options.deadlineMs - nowMs()), options.signal))) return release('stopped');
        return release('continue');
      }
      waits += 1;
      if (!(await pause(delay, options.signal))) return release('stopped');
    } else if (nowMs() >= options.deadlineMs) {
      return release('continue');
    }
    const result = await runStep(step, deps, request, options.holder, record);
    steps += 1;
    polled ||= isPoll;
    gaveUp ||= step.kind === 'give-up';
    retryAfterWait = !isPoll && !result.moved;
    if (result.updated.kind === 'lost') {
      const lost = result.updated.followed;
      return lost.kind === 'record' ? { outcome: 'held-elsewhere', record: lost.record, steps } : endedWithout(lost, steps);
    }
    record = result.updated.record;
    options.onProgress?.(record);
  }
}
