/** S3 error codes that a later attempt may get past, whatever their HTTP status (S3 sends RequestTimeout as 400). */
const retryableCodes = new Set(['RequestTimeout', 'SlowDown', 'OperationAborted', 'InternalError', 'ServiceUnavailable', 'Throttling', 'ThrottlingException', 'TimeoutError']);

/**
 * Operations that write (PutObject, PutObjectTagging, DeleteObject, a multipart upload's calls):
 * their 403 means the key may not write, not that it may not read. A pattern, not a list: the
 * Node 16 index.js has no bytes to spare under 600 KiB (docs/deploy.md).
 */
const writes = /^(Put|Delete)Object|^(Create|Complete|Abort)Multipart|^UploadPart/;

/** An object store call failed in a way that is not "the object is not there". */
export class ObjectStoreError extends Error {
  override name = 'ObjectStoreError';
  readonly operation: string;
  /** Undefined when no HTTP answer arrived (refused, reset, DNS, timeout). */
  readonly httpStatus: number | undefined;
  /** The S3 error code (`NoSuchBucket`, `AccessDenied`), or the transport's (`ECONNREFUSED`). */
  readonly code: string;
  /** The store's request id, when it answered with one. */
  readonly requestId: string | undefined;
  /**
   * True for throttling, 5xx and network failures: trying again later may work. A missing
   * bucket, a denied call or a bad request stay what they are, however often they are sent.
   */
  readonly retryable: boolean;

  /** `retryable` overrides the guess from the status and code. */
  constructor(operation: string, target: string, cause: unknown, options: { retryable?: boolean } = {}) {
    const status = httpStatusOf(cause);
    const code = codeOf(cause);
    super(`${operation} ${target} failed: ${describeCause(operation, target, cause, status)}`, { cause });
    this.operation = operation;
    this.httpStatus = status;
    this.code = code;
    this.requestId = requestIdOf(cause);
    this.retryable = options.retryable ?? (status === undefined || status === 429 || status >= 500 || retryableCodes.has(code));
  }
}

/** What went wrong, in the words a user can act on: the S3 code and status, or the transport's own message. */
function describeCause(operation: string, target: string, cause: unknown, status: number | undefined): string {
  if (status === undefined) return `${transportMessage(cause)}.`;
  const code = codeOf(cause);
  if (code === 'NoSuchBucket') {
    const bucket = /^s3:\/\/([^/]+)/.exec(target)?.[1] ?? target;
    return `the bucket "${bucket}" does not exist (NoSuchBucket, HTTP ${status}). Check the bucket name, and that OSS_ENDPOINT or JDCLOUD_REGION is the bucket's region.`;
  }
  // RGW and S3 answer a HEAD with no body, so a 403 has no error code: say what it means.
  const hint =
    status === 403
      ? ` Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may ${writes.test(operation) ? 'write to' : 'read'} the bucket.`
      : '';
  return `${code} (HTTP ${status}).${hint}`;
}

/**
 * A transport failure's own words, e.g. `connect ECONNREFUSED 127.0.0.1:4569`. Node reports a
 * failed dual-stack connect as an AggregateError with an empty message: its errors say it.
 */
function transportMessage(cause: unknown): string {
  if (cause instanceof AggregateError && cause.message === '') {
    const messages = cause.errors.map((error: unknown) => (error instanceof Error ? error.message : String(error)));
    return [...new Set(messages)].join('; ') || cause.name;
  }
  if (cause instanceof Error) return cause.message !== '' ? cause.message : cause.name;
  return String(cause);
}

function codeOf(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const transportCode = (cause as { code?: unknown }).code;
  return httpStatusOf(cause) === undefined && typeof transportCode === 'string' ? transportCode : cause.name;
}

function requestIdOf(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null || !('$metadata' in cause)) return undefined;
  const requestId = (cause as { $metadata?: { requestId?: unknown } }).$metadata?.requestId;
  return typeof requestId === 'string' && requestId !== '' ? requestId : undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

/**
 * The key is not there: HeadObject answers NotFound, GetObject and tagging NoSuchKey. A
 * missing bucket is also a 404, but it is not a missing object: no delivery will find it.
 */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'NoSuchBucket') return false;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || httpStatusOf(error) === 404;
}
