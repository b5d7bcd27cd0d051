import { randomUUID } from 'node:crypto';
import { type FollowRequest, processHolderPrefix } from '../../domain/following/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import { type FollowDeps, followTiming } from './follow-deps.js';
import { followSlice, type FollowResult } from './follow-slice.js';
import { pause } from './pause.js';

export interface FollowImportOptions {
  /** Who follows (the lease names it); default a fresh id for this follower. */
  holder?: string;
  signal?: AbortSignal;
  onProgress?: (record: StatusRecord) => void;
  /**
   * What to do while another follower holds the lease (the deployed one, say): `watch` reads the
   * record between polls, shows its progress and takes over once that lease has run out (a lease
   * the deployed chain passed on to its next hop runs out only if that hop never comes), until
   * the follow-through is done (the CLI's --wait and --follow); `stop` leaves it to that follower
   * (serve, which follows what it imported itself).
   */
  whileHeldElsewhere?: 'watch' | 'stop';
}

/** How long an in-process follower takes its lease for, renewed slice after slice. */
const inProcessSliceMs = 5 * 60_000;

/** A holder id for one follower in this process: its own, even beside another of the same import. */
export function processHolder(): string {
  return `${processHolderPrefix}${process.pid}-${randomUUID()}`;
}

/**
 * Follows an import to its end in this process (serve, the CLI): slice after slice of
 * followSlice, each renewing the lease, so a process that dies lets another follower take over
 * within a slice. Ends when the follow-through is done or cannot go on (see FollowOutcome).
 */
export async function followImport(request: FollowRequest, deps: FollowDeps, options: FollowImportOptions = {}): Promise<FollowResult> {
  const holder = options.holder ?? processHolder();
  const { pollDelaysMs } = followTiming(deps);
  let watches = 0;
  let steps = 0;
  for (;;) {
    const result = await followSlice(request, deps, {
      holder,
      deadlineMs: deps.now().getTime() + inProcessSliceMs,
      atDeadline: 'keep',
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    });
    steps += result.steps;
    if (result.outcome === 'continue') continue;
    if (result.outcome !== 'held-elsewhere' || options.whileHeldElsewhere !== 'watch') return { ...result, steps };
    if (result.record !== undefined) options.onProgress?.(result.record);
    const delay = pollDelaysMs[Math.min(watches, pollDelaysMs.length - 1)] ?? 0;
    watches += 1;
    if (!(await pause(delay, options.signal))) return { ...result, outcome: 'stopped', steps };
  }
}
