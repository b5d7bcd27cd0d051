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

/**
 * The progress lines of the follow-throughs shown in one terminal (import --wait, status
 * --follow, npm start): a line only when an import's news changed, not when only its elapsed
 * time did. The time counts from `startedAtMs`, or from an import's first line.
 */
export class FollowProgressLines {
  readonly #startedAtMs: number | undefined;
  readonly #started = new Map<string, number>();
  readonly #news = new Map<string, string>();

  constructor(startedAtMs?: number) {
    this.#startedAtMs = startedAtMs;
  }

  /** The line for the import at `where` as its record stands, or undefined when it says nothing new. */
  lineFor(where: string, record: StatusRecord, nowMs: number = Date.now()): string | undefined {
    const started = this.#started.get(where) ?? this.#startedAtMs ?? nowMs;
    this.#started.set(where, started);
    const line = followProgressLine(record, nowMs - started);
    const news = line.slice(0, line.lastIndexOf(' · '));
    if (this.#news.get(where) === news) return undefined;
    this.#news.set(where, news);
    return line;
  }
}
