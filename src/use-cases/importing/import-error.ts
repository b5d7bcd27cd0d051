import { JdCloudApiError, JdCloudError, JdCloudResponseError } from '../../adapters/jdcloud/index.js';
import { redactSecretsInText } from '../../kernel/index.js';
import { ObjectStoreError } from '../../adapters/oss/index.js';
import type { StatusApiError } from '../../domain/status/index.js';

/** What the record says of a failed call: its HTTP status and the store's or JD's request id always, null when unknown. */
export type FailureDescription = StatusApiError & { httpStatus: number | null; requestId: string | null; attempts?: number };

/**
 * What the status record says about a failure: never a secret (JD may echo the presigned
 * URL), always whether trying again may help.
 */
export function describeFailure(error: unknown): FailureDescription {
  if (error instanceof JdCloudApiError) {
    return {
      message: error.apiMessage,
      httpStatus: error.httpStatus,
      status: error.status,
      code: error.code,
      requestId: error.requestId || null,
      retryable: error.retryable,
      attempts: error.attempts,
    };
  }
  if (error instanceof JdCloudResponseError) {
    // A 2xx we could not read may still have started an import; asking again with the same
    // clientToken is safe and tells us which. A proxy's 403 page will not change by retrying.
    const unreadableSuccess = error.httpStatus >= 200 && error.httpStatus < 300;
    return {
      message: redactSecretsInText(error.message),
      httpStatus: error.httpStatus,
      requestId: error.requestId || null,
      retryable: error.retryable || unreadableSuccess,
      attempts: error.attempts,
    };
  }
  if (error instanceof JdCloudError) {
    return { message: redactSecretsInText(error.message), httpStatus: null, requestId: null, retryable: error.retryable, attempts: error.attempts };
  }
  if (error instanceof ObjectStoreError) {
    return { message: error.message, httpStatus: error.httpStatus ?? null, requestId: error.requestId ?? null, retryable: error.retryable };
  }
  // Anything else is a bug of ours: a redelivery would fail the same way.
  return { message: redactSecretsInText(error instanceof Error ? error.message : String(error)), httpStatus: null, requestId: null, retryable: false };
}
