import type { S3Client } from '@aws-sdk/client-s3';
import { loadCredentials } from '../../../adapters/jdcloud/index.js';
import { type FollowRequest, followRequestFor, nextFollowStep } from '../../../domain/following/index.js';
import type { StatusRecord } from '../../../domain/status/index.js';
import type { Logger } from '../../../kernel/index.js';
import { boundedMap } from '../../../kernel/index.js';
import type { Config } from '../../../use-cases/config/index.js';
import { createFollowDeps, followImport, followProgressLine, type FollowResult } from '../../../use-cases/following/index.js';
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
  const deps = createFollowDeps(context.config, loadCredentials(context.env), { logger: context.logger, s3: context.s3 });
  const started = Date.now();
  try {
    return await boundedMap(requests, 8, (request) => {
      let last = '';
      const onProgress = (record: StatusRecord) => {
        const line = followProgressLine(record, Date.now() - started);
        // The elapsed time alone is no news.
        const news = line.slice(0, line.lastIndexOf(' · '));
        if (news === last) return;
        last = news;
        context.io.err(`s3://${request.bucket}/${request.key}: ${line}\n`);
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

/** The exit code a follow-through ends with: 0 ready, 3 rejected, 1 anything else (error, failed, or not finished). */
export function followExitCode(record: StatusRecord | undefined): number {
  if (record?.state === 'ready') return exitCodes.done;
  if (record?.state === 'rejected') return exitCodes.rejected;
  return exitCodes.failed;
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
