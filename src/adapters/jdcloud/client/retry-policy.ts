/** How hard the client tries: bounded by attempts and by total time, whichever ends first. */
export interface RetryOptions {
  /** Attempts in all, including the first (1 = no retry). */
  maxAttempts: number;
  /** No retry starts once this much time has passed since the call began (a Retry-After beyond it ends the call). */
  maxElapsedMs: number;
  /** The first backoff ceiling; it doubles each attempt. */
  baseDelayMs: number;
  /** The largest backoff ceiling. */
  maxDelayMs?: number;
}

export const defaultRetryOptions: Required<RetryOptions> = {
  maxAttempts: 4,
  maxElapsedMs: 30_000,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
};

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base * 2^(n-1))] after
 * the n-th failed attempt, so many clients hitting one limit spread out.
 */
export function backoffDelayMs(failedAttempt: number, options: Required<RetryOptions>, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as milliseconds: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The wait before the next attempt, or undefined to stop: out of attempts, or the wait (the
 * server's Retry-After when it sent one, else the jittered backoff) would end past the time budget.
 */
export function nextRetryDelayMs(input: {
  failedAttempt: number;
  elapsedMs: number;
  retryAfterMs: number | undefined;
  options: Required<RetryOptions>;
  random: () => number;
}): number | undefined {
  if (input.failedAttempt >= input.options.maxAttempts) return undefined;
  const delay = input.retryAfterMs ?? backoffDelayMs(input.failedAttempt, input.options, input.random);
  if (input.elapsedMs + delay >= input.options.maxElapsedMs) return undefined;
  return delay;
}
