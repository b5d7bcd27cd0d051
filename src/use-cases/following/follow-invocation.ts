import { type FollowRequest, heldByProcess } from '../../domain/following/index.js';
import type { FollowHandOff } from './fc-hand-off.js';
import { type FollowDeps, followTiming } from './follow-deps.js';
import { type FollowOutcome, type FollowResult, followSlice } from './follow-slice.js';
import { recallPassedLease } from './lease-writes.js';
import { pause } from './pause.js';

/** What one invocation of the deployed follower did (its result, in fc's logs). */
export interface FollowInvocationSummary {
  follow: {
    bucket: string;
    key: string;
    hop: number;
    outcome: FollowOutcome;
    state?: string;
    steps: number;
    /** With `failed`: the error that stopped the follow-through. */
    error?: string;
    /** fc's request id of the next invocation, when this one handed over. */
    handedOffTo?: string;
  };
}

/** Who follows (fc's request id) and until when (invocationWindow). */
export interface InvocationOptions {
  holder: string;
  deadlineMs: number;
  hardDeadlineMs?: number;
}

/**
 * A slice until the deadline; while a process (serve, the CLI's --wait or --follow) holds the
 * lease, the invocation watches it instead, so that the chain goes on (and takes over) should
 * that process stop. Another invocation holding it is a duplicate delivery: this one ends.
 */
async function sliceOrWatch(request: FollowRequest, deps: FollowDeps, options: InvocationOptions & { atDeadline: 'pass' | 'release' }): Promise<FollowResult> {
  const { pollDelaysMs } = followTiming(deps);
  for (let watches = 0; ; watches += 1) {
    const result = await followSlice(request, deps, options);
    if (result.outcome !== 'held-elsewhere' || !heldByProcess(result.record)) return result;
    const delay = pollDelaysMs[Math.min(watches, pollDelaysMs.length - 1)] ?? 0;
    if (deps.now().getTime() + delay >= options.deadlineMs) return { ...result, outcome: 'continue' };
    await pause(delay, undefined);
  }
}

/**
 * One fc invocation of the follower: a slice until shortly before the function's timeout, then,
 * if the work is not final, the same follow request (one hop further) to the next invocation of
 * this function, to which the lease is passed on. A hand-off that fails takes the lease back and
 * throws, so fc retries this invocation. Without a way to hand off (the plugin's variables
 * missing), the chain ends here, lets go of the lease and says so.
 */
export async function followInvocation(
  request: FollowRequest,
  deps: FollowDeps,
  handOff: FollowHandOff | undefined,
  options: InvocationOptions,
): Promise<FollowInvocationSummary> {
  const result = await sliceOrWatch(request, deps, { ...options, atDeadline: handOff === undefined ? 'release' : 'pass' });
  const summary: FollowInvocationSummary = {
    follow: {
      bucket: request.bucket,
      key: request.key,
      hop: request.hop,
      outcome: result.outcome,
      ...(result.record !== undefined ? { state: result.record.state } : {}),
      steps: result.steps,
      ...(result.error !== undefined ? { error: result.error } : {}),
    },
  };
  if (result.outcome !== 'continue') return summary;
  if (handOff === undefined) {
    deps.logger.error(
      { bucket: request.bucket, key: request.key, hop: request.hop },
      'the follow-through is not done and cannot be handed on: OSS_IMAGE_IMPORT_FC_SERVICE, OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION and OSS_IMAGE_IMPORT_FC_REGION are not all set (the plugin sets them on deploy); run `oss-image-import status --follow` to finish it',
    );
    return summary;
  }
  let requestId: string;
  try {
    ({ requestId } = await handOff.handOff({ ...request, hop: request.hop + 1 }));
  } catch (error) {
    await recallPassedLease(deps, request, options.holder);
    throw error;
  }
  deps.logger.info({ bucket: request.bucket, key: request.key, hop: request.hop + 1, requestId }, 'follow-through handed to the next invocation');
  return { follow: { ...summary.follow, handedOffTo: requestId } };
}
