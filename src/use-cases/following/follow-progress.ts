import { followThroughParts } from '../../domain/following/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import { formatDuration } from '../operations/index.js';

/**
 * One line of a follow-through's progress, for stderr: JD's percent and the state, then the
 * copies, the share and the notifications once there are any, and the time since following began.
 * `100% ready · copies cn-east-2 ready, cn-south-1 copying 40% · shared · notified ready · 3m10s`.
 */
export function followProgressLine(record: StatusRecord, elapsedMs: number): string {
  const percent = record.state === 'ready' ? 100 : (record.task?.progress ?? 0);
  return [`${percent}% ${record.state}`, ...followThroughParts(record), formatDuration(elapsedMs / 1000)].join(' · ');
}
