export interface JdCloudErrorOptions {
  /** How many HTTP attempts were made before this error (0 when nothing was sent). */
  attempts: number;
  /** True when the same request may succeed later: 429, 5xx, network failures, timeouts. */
  retryable: boolean;
  cause?: unknown;
}

/** Base class of every error from the JD Cloud client; never carries a secret. */
export class JdCloudError extends Error {
  override name = 'JdCloudError';
  readonly attempts: number;
  readonly retryable: boolean;

  constructor(message: string, options: JdCloudErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.attempts = options.attempts;
    this.retryable = options.retryable;
  }
}

/** `1 attempt`, `3 attempts`: the suffix every request error message ends with. */
export function describeAttempts(attempts: number): string {
  return `${attempts} attempt${attempts === 1 ? '' : 's'}`;
}
