import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type * as z from '../../../kernel/zod.js';
import { JdCloudNetworkError, JdCloudResponseError, JdCloudTimeoutError, type JdCloudError } from '../errors.js';
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

// Reasons this code gives undici when it aborts an attempt itself.
class AttemptTimedOut extends Error {
  override name = 'AttemptTimedOut';
}
class ResponseTooLarge extends Error {
  override name = 'ResponseTooLarge';
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

function firstHeader(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * Sends one signed attempt through undici's dispatch API and collects the whole response. A
 * raw handler instead of `request()` skips the body stream, the abort signal and the promise
 * per chunk: the lean path the benchmark measures. Resolves with a result or an error; rejects
 * only with the caller's abort reason.
 */
export function sendAttempt<T>(request: AttemptRequest, schema: z.core.$ZodType<T>): Promise<AttemptOutcome<T>> {
  const { method, url, attempt, timeouts, signal } = request;
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let abortReason: Error | undefined;
    let httpStatus = 0;
    let responseHeaders: IncomingHttpHeaders = {};
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const abort = (reason: Error) => {
      abortReason ??= reason;
      controller?.abort(reason);
    };
    const timer = setTimeout(() => abort(new AttemptTimedOut()), timeouts.attemptMs);
    const onCallerAbort = () => abort(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    const finish = (outcome: AttemptOutcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      resolve(outcome);
    };
    const fail = (error: JdCloudError) => finish({ ok: false, error });

    const onError = (error: Error) => {
      if (settled) return;
      if (signal?.aborted === true) {
        settled = true;
        clearTimeout(timer);
        reject(signal.reason);
        return;
      }
      const cause = abortReason ?? error;
      const timeout = (phase: JdCloudTimeoutError['phase'], timeoutMs: number) =>
        fail(new JdCloudTimeoutError({ method, url, phase, timeoutMs, attempts: attempt, cause }));
      if (cause instanceof AttemptTimedOut) return timeout('attempt', timeouts.attemptMs);
      switch (errorCode(cause)) {
        case 'UND_ERR_CONNECT_TIMEOUT':
          return timeout('connect', timeouts.connectMs);
        case 'UND_ERR_HEADERS_TIMEOUT':
          return timeout('headers', timeouts.headersMs);
        case 'UND_ERR_BODY_TIMEOUT':
          return timeout('body', timeouts.bodyMs);
      }
      if (httpStatus === 0) {
        return fail(new JdCloudNetworkError({ method, url, reason: describeCause(cause), attempts: attempt, cause }));
      }
      // Headers arrived, then the body broke off or grew too large.
      fail(
        new JdCloudResponseError({
          method,
          url,
          httpStatus,
          requestId: firstHeader(responseHeaders['x-jdcloud-request-id']),
          problem: cause instanceof ResponseTooLarge ? cause.message : `the body was cut off (${describeCause(cause)})`,
          attempts: attempt,
          retryable: isRetryableStatus(httpStatus),
          cause,
        }),
      );
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (abortReason !== undefined) started.abort(abortReason);
      },
      onResponseStart(_controller, statusCode, headers) {
        // A 1xx is followed by the real response; start over.
        httpStatus = statusCode;
        responseHeaders = headers;
        chunks = [];
        size = 0;
      },
      onResponseData(_controller, chunk) {
        size += chunk.length;
        if (size > request.maxResponseBytes) {
          abort(new ResponseTooLarge(`the body is larger than ${request.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        finish(
          readResponse(
            {
              method,
              url,
              attempt,
              httpStatus,
              headers: responseHeaders,
              body: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8'),
              nowMs: Date.now(),
            },
            schema,
          ),
        );
      },
      onResponseError(_controller, error) {
        onError(error);
      },
    };

    if (signal?.aborted === true) {
      onError(new Error('aborted'));
      return;
    }
    try {
      request.dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.pathAndQuery,
          method: method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: timeouts.headersMs,
          bodyTimeout: timeouts.bodyMs,
        },
        handler,
      );
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
