import type { FollowRequest } from '../../domain/following/index.js';
import type { FollowHandOff } from './fc-hand-off.js';
import type { FollowDeps } from './follow-deps.js';
import { type FollowOutcome, followSlice } from './follow-slice.js';

/** What one invocation of the deployed follower did (its result, in fc's logs). */
export interface FollowInvocationSummary {
  follow: {
    bucket: string;
    key: string;
    hop: number;
    outcome: FollowOutcome;
    state?: string;
    steps: number;
    /** fc's request id of the next invocation, when this one handed over. */
    handedOffTo?: string;
  };
}

/**
 * One fc invocation of the follower: a slice until shortly before the function's timeout, then,
 * if the work is not final, the same follow request (one hop further) to the next invocation of
 * this function. A hand-off that fails throws, so fc retries this invocation (the lease is let go
 * of already, so the retry takes it). Without a way to hand off (the plugin's variables missing),
 * the chain ends here and says so.
 */
export async function followInvocation(
  request: FollowRequest,
  deps: FollowDeps,
  handOff: FollowHandOff | undefined,
  options: { holder: string; deadlineMs: number },
): Promise<FollowInvocationSummary> {
  const result = await followSlice(request, deps, options);
  const summary: FollowInvocationSummary = {
    follow: { bucket: request.bucket, key: request.key, hop: request.hop, outcome: result.outcome, ...(result.record !== undefined ? { state: result.record.state } : {}), steps: result.steps },
  };
  if (result.outcome !== 'continue') return summary;
  if (handOff === undefined) {
    deps.logger.error(
      { bucket: request.bucket, key: request.key, hop: request.hop },
      'the follow-through is not done and cannot be handed on: OSS_IMAGE_IMPORT_FC_SERVICE, OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION and OSS_IMAGE_IMPORT_FC_REGION are not all set (the plugin sets them on deploy); run `oss-image-import status --follow` to finish it',
    );
    return summary;
  }
  const { requestId } = await handOff.handOff({ ...request, hop: request.hop + 1 });
  deps.logger.info({ bucket: request.bucket, key: request.key, hop: request.hop + 1, requestId }, 'follow-through handed to the next invocation');
  return { follow: { ...summary.follow, handedOffTo: requestId } };
}
