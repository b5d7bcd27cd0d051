// Every error the JD Cloud client throws: one base class, one subclass per way a call can fail,
// each with its `name` set and the `cause` passed on. None ever carries a secret.
import { redactSecretsInText } from '../../kernel/index.js';

export interface JdCloudErrorOptions {
  /** How many HTTP attempts were made before this error (0 when nothing was sent). */
  attempts: number;
  /** True when the same request may succeed later: 429, 5xx, network failures, timeouts. */
  retryable: boolean;
  cause?: unknown;
}

/** Base class of every error from the JD Cloud client. */
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

export interface JdCloudApiErrorDetails {
  method: string;
  /** The URL called, without credentials or signature. */
  url: string;
  httpStatus: number;
  /** `error.status` of the envelope, e.g. `OUT_OF_RANGE`, `ACCESS_ERROR`. */
  status: string;
  /** `error.code` of the envelope (usually the HTTP status). */
  code: number;
  /** `error.message` of the envelope, as the API sent it. */
  apiMessage: string;
  requestId: string;
  attempts: number;
  retryable: boolean;
  /** A sentence appended to the message saying what to check, e.g. the credentials on a 401. */
  hint?: string;
}

/**
 * The API answered with an error envelope `{ requestId, error: { status, code, message } }`.
 * `message` names the call, the HTTP status, the API status and the API's own message.
 */
export class JdCloudApiError extends JdCloudError {
  override name = 'JdCloudApiError';
  readonly method: string;
  readonly url: string;
  readonly httpStatus: number;
  readonly status: string;
  readonly code: number;
  readonly apiMessage: string;
  readonly requestId: string;

  constructor(input: JdCloudApiErrorDetails) {
    // The API may echo a presigned URL it was given; its signature must not travel on.
    const details = { ...input, apiMessage: redactSecretsInText(input.apiMessage) };
    super(
      `${details.method} ${details.url} failed with HTTP ${details.httpStatus} ${details.status}: ${details.apiMessage} ` +
        `(code ${details.code}, request id ${details.requestId || 'none'}, ${describeAttempts(details.attempts)})` +
        (details.hint === undefined ? '' : `. ${details.hint}`),
      { attempts: details.attempts, retryable: details.retryable },
    );
    this.method = details.method;
    this.url = details.url;
    this.httpStatus = details.httpStatus;
    this.status = details.status;
    this.code = details.code;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
  }
}

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
      `${details.method} ${details.url} timed out: ${timeoutPhases[details.phase]} took longer than ${details.timeoutMs} ms ` +
        `(${describeAttempts(details.attempts)})`,
      { attempts: details.attempts, retryable: true, cause: details.cause },
    );
    this.method = details.method;
    this.url = details.url;
    this.phase = details.phase;
    this.timeoutMs = details.timeoutMs;
  }
}

const timeoutPhases: Record<JdCloudTimeoutError['phase'], string> = {
  connect: 'connecting',
  headers: 'waiting for the response headers',
  body: 'waiting for more of the response body',
  attempt: 'the whole request',
};

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

/** No usable access key: nothing was sent. The message names the variables to set, never a value. */
export class MissingCredentialsError extends JdCloudError {
  override name = 'MissingCredentialsError';
  /** The variables or fields that were missing, empty or malformed. */
  readonly fields: string[];

  constructor(message: string, fields: string[]) {
    super(message, { attempts: 0, retryable: false });
    this.fields = fields;
  }
}

/** The client was set up wrongly (endpoint, region, options); nothing was sent. */
export class JdCloudConfigError extends JdCloudError {
  override name = 'JdCloudConfigError';
  /** The option or variable at fault, e.g. `endpoint`, `regionId`, `JDCLOUD_VM_ENDPOINT`. */
  readonly field: string;

  constructor(field: string, message: string, cause?: unknown) {
    super(message, { attempts: 0, retryable: false, cause });
    this.field = field;
  }
}

/** One rule an API input broke, e.g. `{ path: 'systemDiskSizeGB', message: 'must be a multiple of 10, got 45' }`. */
export interface InputIssue {
  path: string;
  message: string;
}

/** An API input failed its schema before anything was sent; lists every issue. */
export class JdCloudInputError extends JdCloudError {
  override name = 'JdCloudInputError';
  readonly operation: string;
  readonly issues: InputIssue[];

  constructor(operation: string, issues: InputIssue[]) {
    super(`${operation}: invalid input: ${issues.map((issue) => `${issue.path || '(input)'}: ${issue.message}`).join('; ')}`, {
      attempts: 0,
      retryable: false,
    });
    this.operation = operation;
    this.issues = issues;
  }
}
