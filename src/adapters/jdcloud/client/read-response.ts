import * as z from '../../../kernel/zod.js';
import { accessKeyIdVariable, secretAccessKeyVariable } from '../credentials.js';
import { JdCloudApiError, JdCloudResponseError, type JdCloudError } from '../errors.js';
import { describeIssues, envelopeSchema, reportsFailure } from './envelope.js';
import { parseRetryAfterMs } from './retry-policy.js';

/** What one attempt came to: a parsed result, or an error plus the server's Retry-After. */
export type AttemptOutcome<T> =
  | { ok: true; result: T; requestId: string }
  | { ok: false; error: JdCloudError; retryAfterMs?: number | undefined };

export interface ReceivedResponse {
  method: string;
  /** For messages: the URL called, without signature. */
  url: string;
  attempt: number;
  httpStatus: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
  nowMs: number;
}

/**
 * What a 401 means for the user (the gateway's wrong key, disabled key or signature mismatch,
 * docs §1.11): the same hint the OSS side gives for its 403 (src/adapters/oss/object-store-error.ts).
 */
const credentialsHint = `Access denied or a bad signature: check ${accessKeyIdVariable} / ${secretAccessKeyVariable} and that the keys may call this API.`;

/** 429 and 5xx may succeed later; every other status will not. */
export function isRetryableStatus(httpStatus: number): boolean {
  return httpStatus === 429 || httpStatus >= 500;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// A short, single-line excerpt of a body that is not JSON (an HTML page from a proxy, say).
function describeNonJson(body: string, parseMessage: string): string {
  if (body.trim() === '') return 'the body is empty, expected a JSON envelope';
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim().replace(/\s+/g, ' ');
  if (/^\s*</.test(body)) {
    return `the body is an HTML page, not JSON${title ? ` (title "${title.slice(0, 80)}")` : ''}`;
  }
  const excerpt = body.replace(/\s+/g, ' ').trim();
  return `the body is not valid JSON (${parseMessage}); it starts ${JSON.stringify(excerpt.slice(0, 60))}`;
}

/**
 * Turns one HTTP response into a result or an error (docs/reference/jdcloud-api.md §1.11). Pure.
 * A call failed when the status is not 2xx or the envelope's `error` reports a failure; the
 * request id comes from the body, else from the `x-jdcloud-request-id` header.
 */
export function readResponse<T>(response: ReceivedResponse, schema: z.core.$ZodType<T>): AttemptOutcome<T> {
  const { method, url, attempt, httpStatus } = response;
  const retryable = isRetryableStatus(httpStatus);
  const retryAfterMs = retryable ? parseRetryAfterMs(firstHeader(response.headers['retry-after']), response.nowMs) : undefined;
  const headerRequestId = firstHeader(response.headers['x-jdcloud-request-id']) ?? '';
  const responseError = (problem: string, requestId: string, cause?: unknown): AttemptOutcome<T> => ({
    ok: false,
    retryAfterMs,
    error: new JdCloudResponseError({ method, url, httpStatus, requestId, problem, attempts: attempt, retryable, cause }),
  });

  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch (error) {
    return responseError(describeNonJson(response.body, error instanceof Error ? error.message : String(error)), headerRequestId, error);
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    return responseError(`the body is JSON but not a JD Cloud envelope: ${describeIssues(parsed.error.issues)}`, headerRequestId);
  }
  const envelope = parsed.data;
  const requestId = envelope.requestId ?? headerRequestId;
  if (reportsFailure(envelope.error)) {
    const code = Number(envelope.error.code);
    return {
      ok: false,
      retryAfterMs,
      error: new JdCloudApiError({
        method,
        url,
        httpStatus,
        status: envelope.error.status ?? '',
        code: Number.isFinite(code) ? code : httpStatus,
        apiMessage: envelope.error.message ?? '',
        requestId,
        attempts: attempt,
        retryable,
        ...(httpStatus === 401 ? { hint: credentialsHint } : {}),
      }),
    };
  }
  if (httpStatus < 200 || httpStatus > 299) {
    return responseError('the body has no "error" object to say what failed', requestId);
  }
  const result = z.safeParse(schema, envelope.result);
  // An absent `result` is an error unless the call expects nothing (fc's async invoke answers only a request id).
  if (envelope.result === undefined && !result.success) {
    return responseError('the body has no "result"', requestId);
  }
  if (!result.success) {
    return responseError(`"result" does not have the expected shape: ${describeIssues(result.error.issues)}`, requestId);
  }
  return { ok: true, result: result.data, requestId };
}
