import { type FollowRequest, type FollowStep, leaseAvailable, nextFollowStep } from '../../domain/following/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import { pollCopies, startCopy } from './copy-steps.js';
import { type FollowDeps, followTiming } from './follow-deps.js';
import { type Followed, readFollowed } from './followed-record.js';
import { giveUp, pollImport, type StepResult } from './import-steps.js';
import { claimLease, endLease, type LeaseEnd } from './lease-writes.js';
import { notify } from './notify-step.js';
import { pause } from './pause.js';
import { shareImage } from './share-step.js';
import { stepFailure } from './step-failure.js';
import { type StepKind, stepWorstCaseMs } from './step-time.js';

/**
 * How a slice of following ended: `done` (nothing left to do), `continue` (its time is up and the
 * work is not: the caller hands over to the next slice), `held-elsewhere` (another follower holds
 * the lease), `superseded` (the key was uploaded again), `absent`/`unreadable` (no record to
 * follow), `failed` (an error no wait mends stopped it), `stopped` (the caller's signal).
 */
export type FollowOutcome = 'done' | 'continue' | 'held-elsewhere' | 'superseded' | 'absent' | 'unreadable' | 'failed' | 'stopped';

export interface FollowResult {
  outcome: FollowOutcome;
  /** The record as last read or written (none when absent or unreadable). */
  record?: StatusRecord;
  /** Steps taken in this slice (polls and side effects). */
  steps: number;
  /** With `failed`: why (also the record's `follower.error`, when the record could be written). */
  error?: string;
}

export interface SliceOptions {
  /** Who follows: the lease names it. Unique per invocation (fc's request id) or per follower in a process. */
  holder: string;
  /** By when the slice ends; no step starts after it (an fc invocation's timeout, less a reserve). */
  deadlineMs: number;
  /**
   * By when every step must have ended (an fc invocation's timeout less the hand-off's reserve,
   * invocationWindow): a step starts only if its worst case fits (stepWorstCaseMs). The first step
   * of a slice always runs, so that a timeout too short for it still makes progress. None in-process.
   */
  hardDeadlineMs?: number;
  /**
   * What becomes of the lease at the deadline: `pass` it to the chain's next hop, which alone may
   * take it until it runs out (the deployed follower, which hands on); `keep` it for the holder's
   * own next slice (in-process); `release` it to anyone (default).
   */
  atDeadline?: 'pass' | 'keep' | 'release';
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
 * Follows one import for one slice of time: reads the record, takes the lease, then does the
 * next step (nextFollowStep) until nothing is left, the deadline comes, the lease is lost or the
 * signal fires. Between polls of JD it waits (FollowTiming.pollDelaysMs), as it does after a step
 * that failed for a reason that may pass (throttling, 5xx, the network: JD's or the store's). A
 * failure no wait mends (a denied call, say) ends the follow-through and goes into the record's
 * `follower.error`; so does one that still fails after the maximum follow time. Whatever ends
 * the slice, the lease is let go of, kept or passed on (SliceOptions.atDeadline); nothing is thrown.
 */
export async function followSlice(request: FollowRequest, deps: FollowDeps, options: SliceOptions): Promise<FollowResult> {
  const timing = followTiming(deps);
  const nowMs = () => deps.now().getTime();
  const startedAtMs = (record: StatusRecord | undefined) => Date.parse(record?.follower?.startedAt ?? request.startedAt);
  const situation = (record: StatusRecord) => ({ nowMs: nowMs(), startedAtMs: startedAtMs(record), maxFollowMs: deps.maxFollowMs, notify: deps.notify !== undefined });
  const overdue = (record: StatusRecord | undefined) => nowMs() - startedAtMs(record) >= deps.maxFollowMs;
  // The caller's signal, or the process stopping (its JD calls are cut short then).
  const stopped = () => options.signal?.aborted === true || deps.signal?.aborted === true;
  // Node 16 (fc) has no AbortSignal.any; the deployed follower has no process signal.
  const waitSignal = deps.signal === undefined ? options.signal : options.signal === undefined ? deps.signal : AbortSignal.any([options.signal, deps.signal]);
  const where = { bucket: request.bucket, key: request.key, hop: request.hop };
  let steps = 0;
  let record: StatusRecord | undefined;

  /** The latest a step may start: before the deadline, and early enough to end by the hard deadline. */
  const latestStartMs = (step: StepKind): number =>
    options.hardDeadlineMs === undefined ? options.deadlineMs : Math.min(options.deadlineMs, options.hardDeadlineMs - stepWorstCaseMs(step, deps.deliveryOptions));

  let waits = 0;
  /** The next of the growing waits, or, when it does not fit before `byMs`, the rest of the slice. */
  const wait = async (byMs: number): Promise<'waited' | 'deadline' | 'stopped'> => {
    const delay = timing.pollDelaysMs[Math.min(waits, timing.pollDelaysMs.length - 1)] ?? 0;
    // The wait does not fit: wait out the slice instead, and the next one goes on at once.
    const fits = nowMs() + delay < byMs;
    if (fits) waits += 1;
    if (!(await pause(fits ? delay : Math.max(0, byMs - nowMs()), waitSignal))) return 'stopped';
    return fits ? 'waited' : 'deadline';
  };
  const end = async (outcome: FollowOutcome, lease: LeaseEnd, error?: string): Promise<FollowResult> => {
    const written = await endLease(deps, request, options.holder, lease);
    const last = written ?? record;
    return { outcome, ...(last !== undefined ? { record: last } : {}), steps, ...(error !== undefined ? { error } : {}) };
  };
  const atDeadline = (): Promise<FollowResult> => end('continue', { kind: options.atDeadline ?? 'release' });
  const failed = (error: unknown, doing: string): Promise<FollowResult> => {
    const { message } = stepFailure(error);
    deps.logger.error({ ...where, error: message }, `follow-through stopped: ${doing} failed for good`);
    return end('failed', { kind: 'release', error: message }, message);
  };

  // Read the record and take the lease; a failure that may pass is tried again after a wait.
  for (;;) {
    if (stopped()) return { outcome: 'stopped', steps };
    try {
      const first = await readFollowed(deps, request);
      if (first.kind !== 'record') return endedWithout(first, steps);
      record = first.record;
      if (nextFollowStep(record, situation(record)).kind === 'done' && record.follower?.holder !== options.holder) return { outcome: 'done', record, steps };
      if (!leaseAvailable(record, options.holder, request.hop, nowMs())) return { outcome: 'held-elsewhere', record, steps };
      const claimed = await claimLease(deps, request, record, { ...options, ...(waitSignal !== undefined ? { signal: waitSignal } : {}) });
      if ('kind' in claimed) return claimed.kind === 'record' ? { outcome: 'held-elsewhere', record: claimed.record, steps } : endedWithout(claimed, steps);
      record = claimed;
      break;
    } catch (error) {
      if (stopped()) return end('stopped', { kind: 'release' });
      if (!stepFailure(error).retryable || overdue(record)) {
        // Nothing may be writable (the bucket is gone, the key may not read or write): said in the log and the result.
        const { message } = stepFailure(error);
        deps.logger.error({ ...where, error: message }, 'follow-through stopped: the status record cannot be read or claimed');
        return { outcome: 'failed', ...(record !== undefined ? { record } : {}), steps, error: message };
      }
      deps.logger.warn({ ...where, error: stepFailure(error).message }, 'status record not read or claimed; trying again after a wait');
      const waited = await wait(options.deadlineMs);
      if (waited === 'stopped') return end('stopped', { kind: 'release' });
      if (waited === 'deadline') return atDeadline();
    }
  }

  try {
    options.onProgress?.(record);
    let gaveUp = false;
    let polled = false;
    let retryAfterWait = false;
    for (;;) {
      if (stopped()) return end('stopped', { kind: 'release' });
      const step = nextFollowStep(record, situation(record));
      if (step.kind === 'done') return end('done', { kind: 'release', finished: gaveUp ? 'gave-up' : 'done' });
      const isPoll = step.kind === 'poll-import' || step.kind === 'poll-copies';
      if ((isPoll && polled) || retryAfterWait) {
        const waited = await wait(latestStartMs(step.kind));
        if (waited === 'stopped') return end('stopped', { kind: 'release' });
        if (waited === 'deadline') return atDeadline();
      } else if (steps > 0 && nowMs() >= latestStartMs(step.kind)) {
        return atDeadline();
      }
      let result: StepResult;
      try {
        result = await runStep(step, deps, request, options.holder, record);
      } catch (error) {
        if (stopped()) return end('stopped', { kind: 'release' });
        if (!stepFailure(error).retryable || overdue(record)) return failed(error, step.kind);
        deps.logger.warn({ ...where, step: step.kind, error: stepFailure(error).message }, 'follower step failed; trying again after a wait');
        result = { updated: { kind: 'unchanged', record }, moved: false };
      }
      steps += 1;
      polled ||= isPoll;
      gaveUp ||= step.kind === 'give-up' && result.updated.kind === 'written';
      retryAfterWait = !isPoll && !result.moved;
      if (result.updated.kind === 'lost') {
        const lost = result.updated.followed;
        return lost.kind === 'record' ? { outcome: 'held-elsewhere', record: lost.record, steps } : endedWithout(lost, steps);
      }
      record = result.updated.record;
      options.onProgress?.(record);
    }
  } catch (error) {
    // Not a step's failure (handled above) but the follower's own: recorded, and the lease let go.
    return failed(error, 'the follower');
  }
}
