import { describeAttempts, JdCloudError } from './jdcloud-error.js';

/**
 * A response arrived but is not a usable JD Cloud envelope: not JSON (an HTML page from a
 * proxy), cut off, a 2xx without `result`, or a `result` of the wrong shape.
 */
export class JdCloudResponseError extends JdCloudError {
  override name = 'JdCloudResponseError';
  readonly method: string;
  readonly url: string;
  readonly httpStatus: number;
  /** From the body or the `x-jdcloud-request-id` header; `''` when neither had one. */
  readonly requestId: string;
  /** What was wrong, e.g. `body is not JSON`. */
  readonly problem: string;

  constructor(details: {
    method: string;
    url: string;
    httpStatus: number;
    requestId: string;
    problem: string;
    attempts: number;
    retryable: boolean;
    cause?: unknown;
  }) {
    super(
      `${details.method} ${details.url} returned an unusable HTTP ${details.httpStatus} response: ${details.problem} ` +
        `(request id ${details.requestId || 'none'}, ${describeAttempts(details.attempts)})`,
      { attempts: details.attempts, retryable: details.retryable, cause: details.cause },
    );
    this.method = details.method;
    this.url = details.url;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.problem = details.problem;
  }
}
