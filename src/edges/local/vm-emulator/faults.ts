/** The operations the emulator serves. */
export type VmOperation = 'importImage' | 'describeImageTasks' | 'describeImage' | 'describeImages' | 'unknown';

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
