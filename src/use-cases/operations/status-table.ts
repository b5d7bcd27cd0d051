import { followThroughParts } from '../../domain/following/index.js';
import type { ListedStatus } from './status-records.js';

function age(from: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 1000));
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

export interface StatusRow {
  key: string;
  state: string;
  imageId: string;
  progress: string;
  message: string;
  age: string;
}

/** One row per record; an unreadable record shows why instead of crashing the listing. */
export function statusRow(listed: ListedStatus, now: Date): StatusRow {
  if (listed.stored.kind !== 'record') {
    return { key: listed.key, state: 'unreadable', imageId: '', progress: '', message: listed.stored.kind === 'unreadable' ? listed.stored.reason : 'missing', age: '' };
  }
  const record = listed.stored.record;
  const said =
    record.task?.message ??
    record.error?.message ??
    record.problems?.map((problem) => problem.message).join(' ') ??
    '';
  // What followed the import (copies, share, notifications) goes after JD's own message.
  const message = [said, ...followThroughParts(record)].filter((part) => part !== '').join(' · ');
  return {
    key: listed.key,
    state: record.state,
    imageId: record.imageId ?? '',
    progress: record.task?.progress !== undefined ? `${record.task.progress}%` : '',
    message,
    age: age(record.updatedAt, now),
  };
}
