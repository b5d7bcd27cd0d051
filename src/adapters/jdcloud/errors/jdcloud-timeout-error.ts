import { describeAttempts, JdCloudError } from './jdcloud-error.js';

/** Connecting, waiting for the response headers, or reading the body took longer than allowed. */
export class JdCloudTimeoutError extends JdCloudError {
  override name = 'JdCloudTimeoutError';
  readonly method: string;
  readonly url: string;
  /** Which limit ran out: `connect`, `headers`, `body` or `attempt` (the whole attempt). */
  readonly phase: 'connect' | 'headers' | 'body' | 'attempt';
  readonly timeoutMs: number;

  constructor(details: {
    method: string;
    url: string;
    phase: JdCloudTimeoutError['phase'];
    timeoutMs: number;
    attempts: number;
    cause?: unknown;
  }) {
    super(
      `${details.method} ${details.url} timed out: ${describePhase(details.phase)} took longer than ${details.timeoutMs} ms ` +
        `(${describeAttempts(details.attempts)})`,
      { attempts: details.attempts, retryable: true, cause: details.cause },
    );
    this.method = details.method;
    this.url = details.url;
    this.phase = details.phase;
    this.timeoutMs = details.timeoutMs;
  }
}

function describePhase(phase: JdCloudTimeoutError['phase']): string {
  switch (phase) {
    case 'connect':
      return 'connecting';
    case 'headers':
      return 'waiting for the response headers';
    case 'body':
      return 'waiting for more of the response body';
    case 'attempt':
      return 'the whole request';
  }
}
