import { JdCloudApiError, JdCloudError, JdCloudInputError, JdCloudNetworkError, JdCloudTimeoutError } from '../../adapters/jdcloud/index.js';
import type { FollowRequest } from '../../domain/following/index.js';
import type { RecordedCopy, StatusRecord } from '../../domain/status/index.js';
import { redactSecretsInText } from '../../kernel/index.js';
import type { FollowDeps } from './follow-deps.js';
import type { StepResult } from './import-steps.js';
import { updateFollowed } from './followed-record.js';

/**
 * What a failed copyImages call means for the copy. It has no clientToken, so a second call
 * would make a second copy: only a failure that proves JD did nothing — throttled (429), or the
 * connection never made — is tried again later. A refusal (4xx) is final; any other failure (a
 * 5xx, a timeout after sending, a cut-off answer) may have started a copy, so it is never repeated.
 */
export function copyImagesOutcome(error: unknown): { retry: true } | { retry: false; message: string } {
  const text = redactSecretsInText(error instanceof Error ? error.message : String(error));
  if (error instanceof JdCloudApiError && error.httpStatus === 429) return { retry: true };
  if (error instanceof JdCloudTimeoutError && error.phase === 'connect') return { retry: true };
  if (error instanceof JdCloudNetworkError) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { retry: true };
  }
  if (error instanceof JdCloudInputError || (error instanceof JdCloudApiError && error.httpStatus < 500)) return { retry: false, message: `JD refused the copy: ${text}` };
  const asked = error instanceof JdCloudError ? 'copyImages may have reached JD' : 'copyImages failed';
  return { retry: false, message: `${asked} (${text}); it is not asked again, so no second copy is made: look for a copy of the image in this region.` };
}

function withCopy(record: StatusRecord, region: string, change: (copy: RecordedCopy) => RecordedCopy): StatusRecord {
  return { ...record, copies: (record.copies ?? []).map((copy) => (copy.region === region ? change(copy) : copy)) };
}

/**
 * Starts the copy to one region: marks it `copying` in a fresh read (only if it is still
 * `pending` and the lease is held), then calls copyImages once and records the destination id.
 * A follower that stops between the two writes leaves a `copying` copy without an id, which the
 * next one ends in `error` rather than copy again (pollCopies).
 */
export async function startCopy(deps: FollowDeps, request: FollowRequest, holder: string, region: string): Promise<StepResult> {
  const requestedAt = deps.now().toISOString();
  const claimed = await updateFollowed(deps, request, holder, (current) =>
    current.copies?.find((copy) => copy.region === region)?.state === 'pending' && current.imageId !== undefined
      ? withCopy(current, region, (copy) => ({ region: copy.region, state: 'copying', requestedAt }))
      : undefined,
  );
  if (claimed.kind !== 'written' || claimed.record.imageId === undefined) return { updated: claimed, moved: false };
  const sourceImageId = claimed.record.imageId;
  let change: (copy: RecordedCopy) => RecordedCopy;
  let moved = true;
  try {
    const result = await deps.copier.copyImages(request.region, { sourceImageIds: [sourceImageId], destinationRegion: region });
    const destinationImageId = result.copyImages.find((copy) => copy.sourceImageId === sourceImageId)?.destinationImageId;
    change = (copy) =>
      destinationImageId === undefined
        ? { ...copy, state: 'error', message: `copyImages answered without a copy of ${sourceImageId} (request id ${result.requestId}).` }
        : { ...copy, destinationImageId, progress: 0 };
  } catch (error) {
    const outcome = copyImagesOutcome(error);
    deps.logger.warn({ bucket: request.bucket, key: request.key, region, error: redactSecretsInText(String(error)) }, 'copyImages failed');
    moved = !outcome.retry;
    change = outcome.retry ? (copy) => ({ region: copy.region, state: 'pending' }) : (copy) => ({ ...copy, state: 'error', message: outcome.message });
  }
  const updated = await updateFollowed(deps, request, holder, (current) => withCopy(current, region, change));
  return { updated, moved };
}

type CopyAnswer = { status: string; progress?: number } | 'absent' | { refused: string };

/**
 * describeImages of the region's copies. A refusal (a permanent error) is the answer for each;
 * after a failure that may pass there is none (asked again at the next poll; the client already
 * retried what was worth retrying), so one region's outage holds up no other region's copies.
 */
async function describeCopies(deps: FollowDeps, request: FollowRequest, region: string, ids: string[]): Promise<Array<[string, CopyAnswer]>> {
  try {
    const { images } = await deps.vm.describeImages(region, ids);
    return ids.map((id): [string, CopyAnswer] => {
      const image = images.find((candidate) => candidate.imageId === id);
      return [id, image === undefined ? 'absent' : { status: image.status, ...(image.progress !== undefined && /^\d+$/.test(image.progress) ? { progress: Number(image.progress) } : {}) }];
    });
  } catch (error) {
    const message = redactSecretsInText(error instanceof Error ? error.message : String(error));
    if (error instanceof JdCloudError && !error.retryable) return ids.map((id) => [id, { refused: message }]);
    deps.logger.warn({ bucket: request.bucket, key: request.key, region, error: message }, 'describeImages of the copies failed; asked again at the next poll');
    return [];
  }
}

/**
 * Follows the copies in their own regions (describeImages there, one call per region, the regions
 * at once): `ready`, `error`, or progress. A `copying` copy without a destination id was asked for
 * by a follower that stopped before recording the answer: it ends in `error`, never copied twice.
 * JD refusing describeImages in a region (a 4xx: no permission there, say) ends that region's
 * copies in `error` with JD's message rather than ask again for a day.
 */
export async function pollCopies(deps: FollowDeps, request: FollowRequest, holder: string, record: StatusRecord): Promise<StepResult> {
  const copying = (record.copies ?? []).filter((copy) => copy.state === 'copying');
  const regions = [...new Set(copying.flatMap((copy) => (copy.destinationImageId === undefined ? [] : [copy.region])))];
  const described = await Promise.all(
    regions.map((region) => describeCopies(deps, request, region, copying.flatMap((copy) => (copy.region === region && copy.destinationImageId !== undefined ? [copy.destinationImageId] : [])))),
  );
  const answers = new Map<string, CopyAnswer>(described.flat());
  const updated = await updateFollowed(deps, request, holder, (current) => {
    const copies = (current.copies ?? []).map((copy): RecordedCopy => {
      if (copy.state !== 'copying') return copy;
      if (copy.destinationImageId === undefined) {
        return { ...copy, state: 'error', message: `copyImages to ${copy.region} was called at ${copy.requestedAt ?? 'an unknown time'} but its answer was never recorded (the follower stopped in between); it is not asked again, so no second copy is made: look for a copy of ${current.imageId ?? 'the image'} in ${copy.region}.` };
      }
      const answer = answers.get(copy.destinationImageId);
      if (answer === undefined) return copy;
      if (answer === 'absent') return { ...copy, state: 'error', message: `JD Cloud reports no image ${copy.destinationImageId} in ${copy.region}.` };
      if ('refused' in answer) return { ...copy, state: 'error', message: `The copy ${copy.destinationImageId} in ${copy.region} is no longer followed: JD refused to describe it (${answer.refused}); it may still become ready there.` };
      if (answer.status === 'ready') return { ...copy, state: 'ready', progress: 100 };
      if (answer.status === 'error' || answer.status === 'deleting') return { ...copy, state: 'error', message: `JD Cloud reports the copy ${copy.destinationImageId} in ${copy.region} as ${answer.status}.` };
      return { ...copy, ...(answer.progress !== undefined ? { progress: answer.progress } : {}) };
    });
    return JSON.stringify(copies) === JSON.stringify(current.copies) ? undefined : { ...current, copies };
  });
  const stillCopying = updated.kind === 'lost' ? copying.length : (updated.record.copies ?? []).filter((copy) => copy.state === 'copying').length;
  return { updated, moved: stillCopying < copying.length };
}
