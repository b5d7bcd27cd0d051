import { redactSecretsInText } from '../../../kernel/index.js';
import { describeAttempts, JdCloudError } from './jdcloud-error.js';

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
        `(code ${details.code}, request id ${details.requestId || 'none'}, ${describeAttempts(details.attempts)})`,
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
