import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendFailure } from './api-responses.js';

/** The operations the emulator serves. */
export type VmOperation = 'importImage' | 'describeImageTasks' | 'describeImage' | 'describeImages' | 'copyImages' | 'shareImage' | 'unknown';

interface FaultScope {
  /** How many responses it affects; default 1. */
  count?: number;
  /** Only requests for this operation; default any. */
  operation?: VmOperation;
}

/**
 * What the next responses do instead of (or before) the normal answer, so retries and error
 * handling can be tested over real HTTP.
 */
export type VmEmulatorFault = FaultScope &
  (
    | {
        /** A JSON error envelope with this HTTP status (500 INTERNAL, 503 UNAVAILABLE, 429 RATE_LIMIT_EXCEEDED, …). */
        kind: 'status';
        status: number;
        /** Sent as the Retry-After header (seconds or an HTTP date). */
        retryAfter?: number | string;
        apiStatus?: string;
        message?: string;
      }
    /** An HTML error page, as a proxy or load balancer sends (default 502). */
    | { kind: 'html'; status?: number }
    /** Exactly this response. */
    | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
    /** Wait, then answer normally. */
    | { kind: 'delay'; ms: number }
    /** Close the connection without a response; with afterProcessing the request takes effect first. */
    | { kind: 'drop'; afterProcessing?: boolean }
    /** Send headers and part of a body, then nothing more until the client gives up. */
    | { kind: 'hang' }
    /** Announce a longer body than is sent, then close the connection. */
    | { kind: 'truncate' }
  );

/** Faults served in the order they were injected, each for its count of matching requests. */
export class FaultQueue {
  #faults: Array<{ fault: VmEmulatorFault; remaining: number }> = [];

  add(fault: VmEmulatorFault): void {
    const remaining = fault.count ?? 1;
    if (!Number.isInteger(remaining) || remaining < 1) throw new Error(`Fault count must be a whole number of 1 or more, got ${remaining}.`);
    this.#faults.push({ fault, remaining });
  }

  clear(): void {
    this.#faults = [];
  }

  get pending(): number {
    return this.#faults.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** The fault for this request, if any, counting it as served. */
  take(operation: VmOperation): VmEmulatorFault | undefined {
    const index = this.#faults.findIndex((entry) => entry.fault.operation === undefined || entry.fault.operation === operation);
    const entry = this.#faults[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#faults.splice(index, 1);
    return entry.fault;
  }
}

/** The API status a gateway or service sends with each HTTP status (docs §1.11, table 2). */
export function apiStatusFor(httpStatus: number): { status: string; message: string } {
  switch (httpStatus) {
    case 429:
      return { status: 'RATE_LIMIT_EXCEEDED', message: 'Request rate limit exceeded, please retry later' };
    case 500:
      return { status: 'INTERNAL', message: 'Internal server error' };
    case 501:
      return { status: 'NOT_IMPLEMENTED', message: 'Not implemented' };
    case 502:
      return { status: 'SOURCE_UNAVAILABLE', message: 'Bad gateway' };
    case 503:
      return { status: 'UNAVAILABLE', message: 'Service unavailable, please retry later' };
    case 504:
      return { status: 'DEADLINE_EXCEEDED', message: 'Gateway timeout' };
    default:
      return httpStatus >= 500
        ? { status: 'UNKNOWN', message: 'Unknown server error' }
        : { status: 'INVALID_ARGUMENT', message: 'Invalid argument' };
  }
}

/** How a request ended when it did not end in a JSON answer: what the request log records. */
export type FaultOutcome = number | 'dropped' | 'hung' | 'truncated';

const htmlErrorPage = (status: number) =>
  `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/**
 * Serves a fault in place of the answer. Resolves with how the request ended, or with
 * `'continue'` when the request goes on to be answered (after a delay, or to be dropped once
 * processed).
 */
export async function serveFault(
  fault: VmEmulatorFault,
  exchange: { request: IncomingMessage; response: ServerResponse; requestId: string; delay(ms: number): Promise<void> },
): Promise<FaultOutcome | 'continue'> {
  const { request, response, requestId } = exchange;
  switch (fault.kind) {
    case 'status': {
      const defaults = apiStatusFor(fault.status);
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      sendFailure(response, requestId, { httpStatus: fault.status, status: fault.apiStatus ?? defaults.status, message: fault.message ?? defaults.message }, headers);
      return fault.status;
    }
    case 'html': {
      const status = fault.status ?? 502;
      response.writeHead(status, { 'content-type': 'text/html', server: 'nginx' });
      response.end(htmlErrorPage(status));
      return status;
    }
    case 'raw':
      response.writeHead(fault.status, fault.headers ?? {});
      response.end(fault.body);
      return fault.status;
    case 'delay':
      await exchange.delay(fault.ms);
      return 'continue';
    case 'drop':
      if (fault.afterProcessing === true) return 'continue';
      request.socket.destroy();
      return 'dropped';
    case 'hang':
      response.writeHead(200, { 'content-type': 'application/json', 'x-jdcloud-request-id': requestId });
      response.write(`{"requestId":"${requestId}","result":`);
      return 'hung';
    case 'truncate': {
      const text = JSON.stringify({ requestId, result: { imageId: 'img-truncated', taskId: '1' } });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      response.write(text.slice(0, 20), () => request.socket.destroy());
      return 'truncated';
    }
  }
}
