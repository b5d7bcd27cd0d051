import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import type { JdCloudError } from '../errors/jdcloud-error.js';
import { JdCloudNetworkError } from '../errors/jdcloud-network-error.js';
import { JdCloudResponseError } from '../errors/jdcloud-response-error.js';
import { JdCloudTimeoutError } from '../errors/jdcloud-timeout-error.js';
import { isRetryableStatus, readResponse, type AttemptOutcome } from './read-response.js';

export interface ClientTimeouts {
  /** Opening the TCP/TLS connection (applies to the client's own pool). */
  connectMs: number;
  /** From sending the request to the end of the response headers. */
  headersMs: number;
  /** The longest pause between two chunks of the response body. */
  bodyMs: number;
  /** The whole attempt, so a response that trickles forever still ends. */
  attemptMs: number;
}

export interface AttemptRequest {
  dispatcher: Dispatcher;
  origin: string;
  method: string;
  /** Canonical path and query: sent exactly as signed. */
  pathAndQuery: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** For messages. */
  url: string;
  attempt: number;
  timeouts: ClientTimeouts;
  maxResponseBytes: number;
  signal: AbortSignal | undefined;
}

class ResponseTooLarge extends Error {
  override name = 'ResponseTooLarge';
}

async function readText(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new ResponseTooLarge(`the body is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  return code === undefined || message.includes(code) ? message : `${code} ${message}`;
}

/** Sends one signed attempt and reads the whole response; never throws except for the caller's abort. */
export async function sendAttempt<T>(request: AttemptRequest, schema: ZodType<T>): Promise<AttemptOutcome<T>> {
  const { method, url, attempt, timeouts } = request;
  const controller = new AbortController();
  let attemptTimedOut = false;
  const timer = setTimeout(() => {
    attemptTimedOut = true;
    controller.abort();
  }, timeouts.attemptMs);
  const forwardAbort = () => controller.abort(request.signal?.reason);
  request.signal?.addEventListener('abort', forwardAbort, { once: true });

  const timeoutError = (phase: JdCloudTimeoutError['phase'], timeoutMs: number, cause: unknown): JdCloudError =>
    new JdCloudTimeoutError({ method, url, phase, timeoutMs, attempts: attempt, cause });
  // Sorts a transport failure into timeout or network error; the caller's own abort is rethrown.
  const transportError = (error: unknown): JdCloudError => {
    if (request.signal?.aborted === true) throw request.signal.reason;
    if (attemptTimedOut) return timeoutError('attempt', timeouts.attemptMs, error);
    switch (errorCode(error)) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return timeoutError('connect', timeouts.connectMs, error);
      case 'UND_ERR_HEADERS_TIMEOUT':
        return timeoutError('headers', timeouts.headersMs, error);
      case 'UND_ERR_BODY_TIMEOUT':
        return timeoutError('body', timeouts.bodyMs, error);
      default:
        return new JdCloudNetworkError({ method, url, reason: describeCause(error), attempts: attempt, cause: error });
    }
  };

  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await request.dispatcher.request({
        origin: request.origin,
        path: request.pathAndQuery,
        method: method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body ?? null,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
        signal: controller.signal,
      });
    } catch (error) {
      return { ok: false, error: transportError(error) };
    }

    let text: string;
    try {
      text = await readText(response.body, request.maxResponseBytes);
    } catch (error) {
      const httpStatus = response.statusCode;
      const requestId = response.headers['x-jdcloud-request-id'];
      const cutOff = !(error instanceof ResponseTooLarge) && errorCode(error) !== 'UND_ERR_BODY_TIMEOUT' && !attemptTimedOut;
      if (!cutOff && !(error instanceof ResponseTooLarge)) return { ok: false, error: transportError(error) };
      if (request.signal?.aborted === true) throw request.signal.reason;
      return {
        ok: false,
        error: new JdCloudResponseError({
          method,
          url,
          httpStatus,
          requestId: typeof requestId === 'string' ? requestId : '',
          problem: error instanceof ResponseTooLarge ? error.message : `the body was cut off (${describeCause(error)})`,
          attempts: attempt,
          retryable: isRetryableStatus(httpStatus),
          cause: error,
        }),
      };
    }
    return readResponse(
      { method, url, attempt, httpStatus: response.statusCode, headers: response.headers, body: text, nowMs: Date.now() },
      schema,
    );
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', forwardAbort);
  }
}
