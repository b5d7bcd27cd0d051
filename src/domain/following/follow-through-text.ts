import type { StatusRecord } from '../status/index.js';

/**
 * What followed the import, in words for a terminal: the copies (each region's state, or its
 * percent while copying), the share, the notifications. Empty when nothing follows it.
 * `["copies cn-east-2 ready, cn-south-1 copying 40%", "shared", "notified ready"]`.
 */
export function followThroughParts(record: StatusRecord): string[] {
  const parts: string[] = [];
  if (record.copies !== undefined && record.copies.length > 0) {
    parts.push(`copies ${record.copies.map((copy) => `${copy.region} ${copy.state}${copy.state === 'copying' && copy.progress !== undefined ? ` ${copy.progress}%` : ''}`).join(', ')}`);
  }
  if (record.shares !== undefined) parts.push(record.shares.state === 'pending' ? 'share pending' : record.shares.state);
  const notified = (record.notifications ?? []).map((delivery) => `${delivery.event}${delivery.delivered ? '' : ' (not delivered)'}`);
  if (notified.length > 0) parts.push(`notified ${notified.join(', ')}`);
  return parts;
}
