/** An object store call failed in a way that is not "the object is not there". */
export class ObjectStoreError extends Error {
  override name = 'ObjectStoreError';
  readonly operation: string;
  readonly httpStatus: number | undefined;
  /** True for throttling, 5xx and network failures: trying again later may work. */
  readonly retryable: boolean;

  /** `retryable` overrides the guess from the status (a network error, i.e. no status, is retryable). */
  constructor(operation: string, target: string, cause: unknown, options: { retryable?: boolean } = {}) {
    const status = httpStatusOf(cause);
    const code = cause instanceof Error ? cause.name : String(cause);
    // RGW and S3 answer a HEAD with no body, so a 403 has no error code: say what it means.
    const hint =
      status === 403
        ? ' Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may read the bucket.'
        : '';
    super(`${operation} ${target} failed: ${code}${status !== undefined ? ` (HTTP ${status})` : ''}.${hint}`, { cause });
    this.operation = operation;
    this.httpStatus = status;
    this.retryable = options.retryable ?? (status === undefined || status === 429 || status >= 500);
  }
}

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

/** HeadObject answers a missing key with NotFound, GetObject and tagging with NoSuchKey. */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || httpStatusOf(error) === 404;
}
