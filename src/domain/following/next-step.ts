import type { NotificationEvent } from '../notification/index.js';
import { importInFlight, type StatusRecord } from '../status/index.js';

/**
 * What a follower does next for one record. `poll-*` asks JD and may have to wait; `copy`,
 * `share` and `notify` are the side effects, each done once (docs/architecture.md, "The
 * follower"); `give-up` ends what is still under way after the maximum follow time.
 */
export type FollowStep =
  | { kind: 'poll-import' }
  | { kind: 'copy'; region: string }
  | { kind: 'share' }
  | { kind: 'notify'; event: NotificationEvent }
  | { kind: 'poll-copies' }
  | { kind: 'give-up' }
  | { kind: 'done' };

export interface FollowSituation {
  nowMs: number;
  /** When following began. */
  startedAtMs: number;
  /** The longest a follower keeps at it (IMAGE_FOLLOW_MAX_HOURS). */
  maxFollowMs: number;
  /** Whether IMAGE_NOTIFY_URL is set. */
  notify: boolean;
}

/**
 * The notification a final record calls for: `ready`, `error`, `rejected`, or `failed` when the
 * failure is permanent. A transient failure is not final — the platform delivers the upload again.
 */
export function finalEvent(record: StatusRecord): NotificationEvent | undefined {
  switch (record.state) {
    case 'ready':
    case 'error':
    case 'rejected':
      return record.state;
    case 'failed':
      return record.error?.retryable === true ? undefined : 'failed';
    default:
      return undefined;
  }
}

/** Whether this event was notified already (delivered or not: a failed delivery is recorded, not repeated). */
export function notified(record: StatusRecord, event: NotificationEvent): boolean {
  return (record.notifications ?? []).some((delivery) => delivery.event === event);
}

function copiesUnderWay(record: StatusRecord): boolean {
  return (record.copies ?? []).some((copy) => copy.state === 'pending' || copy.state === 'copying');
}

function sharesUnderWay(record: StatusRecord): boolean {
  return record.shares !== undefined && (record.shares.state === 'pending' || record.shares.state === 'sharing');
}

/**
 * Whether the record's notifications are still news: its follow-through is under way (a follower
 * took it and has not finished), or it was written within the maximum follow time. A record older
 * than that — never followed, or followed to its end before notifications were switched on — is
 * not announced late: `status --follow` would otherwise notify every old record under the prefix.
 */
function notificationsDue(record: StatusRecord, situation: FollowSituation): boolean {
  if (record.follower !== undefined && record.follower.finished === undefined) return true;
  return situation.nowMs - Date.parse(record.updatedAt) < situation.maxFollowMs;
}

/**
 * The next step for a record as it stands. Once the image is ready: start every copy (they take
 * longest), share, notify `ready`, follow the copies, notify `copies-finished`. A share found
 * `sharing` was asked for by a follower that stopped before recording the answer: sharing the same
 * pins again changes nothing, so it is asked again.
 */
export function nextFollowStep(record: StatusRecord, situation: FollowSituation): FollowStep {
  const overdue = situation.nowMs - situation.startedAtMs >= situation.maxFollowMs;
  const notify = situation.notify && notificationsDue(record, situation);
  if (importInFlight(record)) return overdue ? { kind: 'give-up' } : { kind: 'poll-import' };
  if (record.state === 'ready') {
    if (overdue && (copiesUnderWay(record) || sharesUnderWay(record))) return { kind: 'give-up' };
    const pending = (record.copies ?? []).find((copy) => copy.state === 'pending');
    if (pending !== undefined) return { kind: 'copy', region: pending.region };
    if (sharesUnderWay(record)) return { kind: 'share' };
    if (notify && !notified(record, 'ready')) return { kind: 'notify', event: 'ready' };
    if (copiesUnderWay(record)) return { kind: 'poll-copies' };
    if (notify && (record.copies ?? []).length > 0 && !notified(record, 'copies-finished')) return { kind: 'notify', event: 'copies-finished' };
    return { kind: 'done' };
  }
  const event = finalEvent(record);
  if (event !== undefined && notify && !notified(record, event)) return { kind: 'notify', event };
  return { kind: 'done' };
}

/**
 * The record after the maximum follow time: an import still under way is `error`, and copies
 * and shares still under way are `error`, each with a message that says how long and what to do.
 */
export function gaveUpRecord(record: StatusRecord, followedHours: number, now: Date): StatusRecord {
  const hours = `${followedHours} h`;
  const since = `followed for ${hours} (IMAGE_FOLLOW_MAX_HOURS)`;
  const at = now.toISOString();
  const next: StatusRecord = { ...record, updatedAt: at };
  if (importInFlight(record)) {
    const task = record.task === undefined ? 'no answer about it yet' : `JD's task ${record.taskId ?? ''} is ${record.task.status}${record.task.progress !== undefined ? ` at ${record.task.progress}%` : ''}`;
    next.state = 'error';
    next.error = {
      message: `The import did not finish: ${since}, ${task}. Check it with \`oss-image-import tasks --task-id ${record.taskId ?? ''}\`; upload the image again (or \`backfill --force\`) to start over.`,
      retryable: false,
    };
  }
  if (record.copies !== undefined) {
    next.copies = record.copies.map((copy) =>
      copy.state === 'pending' || copy.state === 'copying'
        ? { ...copy, state: 'error', message: `The copy to ${copy.region} did not become ready: ${since}${copy.destinationImageId !== undefined ? `; JD's copy is ${copy.destinationImageId} there` : ''}.` }
        : copy,
    );
  }
  if (record.shares !== undefined && (record.shares.state === 'pending' || record.shares.state === 'sharing')) {
    next.shares = { ...record.shares, state: 'error', message: `The image was not shared: ${since}.`, at };
  }
  return next;
}

/** What the `submitted` record says is to follow the import: each copy and the share, pending. */
export function pendingFollowThrough(followThrough: { copyToRegions: readonly string[]; shareWith: readonly string[] }): Pick<StatusRecord, 'copies' | 'shares'> {
  return {
    ...(followThrough.copyToRegions.length > 0 ? { copies: followThrough.copyToRegions.map((region) => ({ region, state: 'pending' as const })) } : {}),
    ...(followThrough.shareWith.length > 0 ? { shares: { pins: [...followThrough.shareWith], state: 'pending' as const } } : {}),
  };
}

/**
 * The record of an import that ended in `error` before its image was ready: the copies and the
 * share still pending will never happen, and say so (they are final, so nothing waits on them).
 */
export function withFollowThroughCancelled(record: StatusRecord): StatusRecord {
  if (record.state !== 'error') return record;
  const reason = 'the import ended in error, so there is no image';
  return {
    ...record,
    ...(record.copies !== undefined ? { copies: record.copies.map((copy) => (copy.state === 'pending' ? { ...copy, state: 'error' as const, message: `Not copied: ${reason}.` } : copy)) } : {}),
    ...(record.shares !== undefined && record.shares.state === 'pending' ? { shares: { ...record.shares, state: 'error' as const, message: `Not shared: ${reason}.` } } : {}),
  };
}
