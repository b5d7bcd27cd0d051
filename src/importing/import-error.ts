import { JdCloudApiError } from '../jdcloud/errors/jdcloud-api-error.js';
import { JdCloudError } from '../jdcloud/errors/jdcloud-error.js';
import { ObjectStoreError } from '../oss/object-store-error.js';
import type { StatusApiError } from './status-record.js';

/** What the status record says about a failure: never a secret, always whether to retry. */
export function describeFailure(error: unknown): StatusApiError & { attempts?: number } {
  if (error instanceof JdCloudApiError) {
    return {
      message: error.apiMessage,
      httpStatus: error.httpStatus,
      status: error.status,
      code: error.code,
      requestId: error.requestId,
      retryable: error.retryable,
      attempts: error.attempts,
    };
  }
  if (error instanceof JdCloudError) {
    return { message: error.message, retryable: error.retryable, attempts: error.attempts };
  }
  if (error instanceof ObjectStoreError) {
    return {
      message: error.message,
      retryable: error.retryable,
      ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    };
  }
  return { message: error instanceof Error ? error.message : String(error), retryable: true };
}
