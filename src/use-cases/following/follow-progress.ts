import type { StatusRecord } from '../../domain/status/index.js';
import { formatDuration } from '../operations/index.js';

/**
 * One line of a follow-through's progress, for stderr: the state with JD's percent, then the
 * copies, the share and the notifications once there are any, and the time since following began.
 * `100% ready · copies cn-east-2 ready, cn-south-1 40% · shared · notified ready · 3m10s`.
 */
export function followProgressLine(record: StatusRecord, elapsedMs: number): string {
  const percent = record.state === 'ready' ? 100 : (record.task?.progress ?? 0);
  const parts = [`${percent}% ${record.state}`];
  if (record.copies !== undefined && record.copies.length > 0) {
    const copies = record.copies.map((copy) => `${copy.region} ${copy.state === 'copying' && copy.progress !== undefined ? `${copy.progress}%` : copy.state}`);
    parts.push(`copies ${copies.join(', ')}`);
  }
  if (record.shares !== undefined) parts.push(record.shares.state === 'pending' ? 'share pending' : record.shares.state);
  const notified = (record.notifications ?? []).map((delivery) => `${delivery.event}${delivery.delivered ? '' : ' (not delivered)'}`);
  if (notified.length > 0) parts.push(`notified ${notified.join(', ')}`);
  parts.push(formatDuration(elapsedMs / 1000));
  return parts.join(' · ');
}
