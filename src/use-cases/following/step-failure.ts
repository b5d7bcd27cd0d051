import { JdCloudError } from '../../adapters/jdcloud/index.js';
import { ObjectStoreError } from '../../adapters/oss/index.js';
import { redactSecretsInText } from '../../kernel/index.js';

/** What a failed step means for the follower, with its message (secrets redacted). */
export interface StepFailure {
  /** Throttled, 5xx, a network failure or a timeout, from JD or the store: the step is tried again after a wait. */
  retryable: boolean;
  message: string;
}

/**
 * Reads a step's error. JD's and the store's errors say whether a later attempt may get past
 * them; anything else (a fault no wait mends) is taken as permanent: recorded, not repeated.
 */
export function stepFailure(error: unknown): StepFailure {
  const message = redactSecretsInText(error instanceof Error ? error.message : String(error));
  if (error instanceof JdCloudError || error instanceof ObjectStoreError) return { retryable: error.retryable, message };
  return { retryable: false, message };
}
