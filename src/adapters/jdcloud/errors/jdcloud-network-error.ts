import { describeAttempts, JdCloudError } from './jdcloud-error.js';

/** The request did not get an HTTP response: refused, reset or dropped connection, DNS failure. */
export class JdCloudNetworkError extends JdCloudError {
  override name = 'JdCloudNetworkError';
  readonly method: string;
  readonly url: string;

  constructor(details: { method: string; url: string; reason: string; attempts: number; cause?: unknown }) {
    super(`${details.method} ${details.url} failed: network error: ${details.reason} (${describeAttempts(details.attempts)})`, {
      attempts: details.attempts,
      retryable: true,
      cause: details.cause,
    });
    this.method = details.method;
    this.url = details.url;
  }
}
