import type { S3Client } from '@aws-sdk/client-s3';
import { loadCredentials } from '../../../adapters/jdcloud/index.js';
import { type FollowRequest, followRequestFor, nextFollowStep } from '../../../domain/following/index.js';
import type { StatusRecord } from '../../../domain/status/index.js';
import type { Logger } from '../../../kernel/index.js';
import { boundedMap } from '../../../kernel/index.js';
import type { Config } from '../../../use-cases/config/index.js';
import { createFollowDeps, followImport, FollowProgressLines, type FollowResult } from '../../../use-cases/following/index.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { EnvironmentName } from '../environment-help.js';

/** What following reads besides the pipeline's variables, for `--help`. */
export const followEnvironment: EnvironmentName[] = ['IMAGE_NOTIFY_URL', 'IMAGE_NOTIFY_SECRET', 'IMAGE_FOLLOW_MAX_HOURS'];

/**
 * Follows imports to their end in this process for `import --wait` and `status --follow`: while
 * another follower holds one (the deployed function), it watches that one and takes over if its
 * lease runs out. A line of progress goes to stderr whenever something changes (percent, state,
 * copies, share, notifications), with the time since following began. Ctrl-C stops following
 * and lets go of the leases.
 */
export async function followInCli(
  requests: readonly FollowRequest[],
  context: { config: Config; env: NodeJS.ProcessEnv; s3: S3Client; logger: Logger; io: CliIo },
): Promise<FollowResult[]> {
  if (requests.length === 0) return [];
  const deps = createFollowDeps(context.config, loadCredentials(context.env), { logger: context.logger, s3: context.s3, signal: context.io.signal });
  const lines = new FollowProgressLines(Date.now());
  try {
    // followImport never throws (boundedMap's mapper must not).
    return await boundedMap(requests, 8, (request) => {
      const where = `s3://${request.bucket}/${request.key}`;
      const onProgress = (record: StatusRecord) => {
        const line = lines.lineFor(where, record);
        if (line !== undefined) context.io.err(`${where}: ${line}\n`);
      };
      return followImport(request, deps, { signal: context.io.signal, whileHeldElsewhere: 'watch', onProgress });
    });
  } finally {
    await deps.close();
  }
}

/** One line saying how a follow-through ended, for the terminal (not with --json). */
export function followSummaryLine(record: StatusRecord): string {
  const where = `s3://${record.source.bucket}/${record.source.key}`;
  const state = `${record.state.charAt(0).toUpperCase()}${record.state.slice(1)}`;
  const parts = [`${state}: ${where}${record.imageId !== undefined ? ` (image ${record.imageId})` : ''}`];
  if (record.state === 'error') parts.push(record.error?.message ?? record.task?.message ?? '');
  for (const copy of record.copies ?? []) parts.push(`copy ${copy.region} ${copy.state}${copy.destinationImageId !== undefined ? ` ${copy.destinationImageId}` : ''}${copy.message !== undefined ? ` (${copy.message})` : ''}`);
  if (record.shares !== undefined) parts.push(`${record.shares.state === 'shared' ? 'shared with' : `share ${record.shares.state}:`} ${record.shares.pins.join(', ')}${record.shares.message !== undefined ? ` (${record.shares.message})` : ''}`);
  for (const delivery of record.notifications ?? []) parts.push(`notified ${delivery.event}${delivery.delivered ? '' : ` — not delivered: ${delivery.error ?? ''}`}`);
  return `${parts.filter((part) => part !== '').join('; ')}.`;
}

/**
 * The exit code `import --wait` ends with: 0 when the image is ready and every copy and the
 * share it asked for are done; 3 when it was rejected; 1 otherwise — the import, a copy or the
 * share ended in error (given up after IMAGE_FOLLOW_MAX_HOURS included), the upload failed, or
 * following stopped before the end (Ctrl-C, an error no wait mends, the key uploaded again). A
 * notification that was not delivered changes nothing: it is recorded, and never fails the import.
 */
export function followExitCode(result: FollowResult | undefined): number {
  const record = result?.record;
  if (result?.outcome !== 'done' || record === undefined) return exitCodes.failed;
  if (record.state === 'rejected') return exitCodes.rejected;
  const followThroughFailed = (record.copies ?? []).some((copy) => copy.state === 'error') || record.shares?.state === 'error';
  return record.state === 'ready' && !followThroughFailed ? exitCodes.done : exitCodes.failed;
}

/** The records whose follow-through is not over (an import under way, copies, a share or a notification to come). */
export function unfinishedFollowRequests(records: readonly StatusRecord[], config: Config, now: Date): FollowRequest[] {
  return records
    .filter((record) => {
      const startedAtMs = record.follower?.startedAt !== undefined ? Date.parse(record.follower.startedAt) : now.getTime();
      return nextFollowStep(record, { nowMs: now.getTime(), startedAtMs, maxFollowMs: config.follow.maxFollowMs, notify: config.follow.notify !== undefined }).kind !== 'done';
    })
    .map((record) => followRequestFor(record, now))
    // A packed upload and its sibling are one import, followed once (followedObject).
    .filter((request, index, all) => all.findIndex((other) => other.bucket === request.bucket && other.key === request.key) === index);
}
