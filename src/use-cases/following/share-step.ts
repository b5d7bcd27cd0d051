import type { FollowRequest } from '../../domain/following/index.js';
import type { FollowDeps } from './follow-deps.js';
import type { StepResult } from './import-steps.js';
import { updateFollowed } from './followed-record.js';
import { stepFailure } from './step-failure.js';

/**
 * Shares the ready image with every `share-with` pin in one shareImage call. It is marked
 * `sharing` in a fresh read first (lease held); sharing the same pins twice changes nothing, so
 * a transient failure leaves it `pending` to be asked again, and a follower that stopped midway
 * is simply repeated. A refusal is final: `error` with JD's message.
 */
export async function shareImage(deps: FollowDeps, request: FollowRequest, holder: string): Promise<StepResult> {
  const claimed = await updateFollowed(deps, request, holder, (current) =>
    current.shares !== undefined && (current.shares.state === 'pending' || current.shares.state === 'sharing') && current.imageId !== undefined
      ? { ...current, shares: { pins: current.shares.pins, state: 'sharing' } }
      : undefined,
  );
  if (claimed.kind !== 'written' || claimed.record.imageId === undefined || claimed.record.shares === undefined) return { updated: claimed, moved: false };
  const { pins } = claimed.record.shares;
  let shares: NonNullable<typeof claimed.record.shares>;
  try {
    await deps.vm.shareImage(request.region, claimed.record.imageId, { pins });
    shares = { pins, state: 'shared', at: deps.now().toISOString() };
  } catch (error) {
    const { message, retryable } = stepFailure(error);
    deps.logger.warn({ bucket: request.bucket, key: request.key, error: message }, 'shareImage failed');
    shares = retryable ? { pins, state: 'pending', message } : { pins, state: 'error', message: `JD refused to share the image: ${message}`, at: deps.now().toISOString() };
  }
  const updated = await updateFollowed(deps, request, holder, (current) => ({ ...current, shares }));
  return { updated, moved: shares.state !== 'pending' };
}
