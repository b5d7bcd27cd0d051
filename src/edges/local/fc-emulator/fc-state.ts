import type { ApiFailure } from '../vm-emulator/api-responses.js';

/** What an operation answers: a `result`, or the error envelope to send. */
export type FcReply = { ok: true; result: unknown } | { ok: false; failure: ApiFailure };

export const invalid = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 400, status: 'INVALID_ARGUMENT', message } });
export const notFound = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 404, status: 'NOT_FOUND', message } });
export const exists = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 409, status: 'ALREADY_EXISTS', message } });
export const precondition = (message: string): FcReply => ({ ok: false, failure: { httpStatus: 400, status: 'FAILED_PRECONDITION', message } });
export const ok = (result: unknown): FcReply => ({ ok: true, result });

export interface StoredTrigger {
  triggerName: string;
  triggerType: string;
  triggerConfig: string;
  description: string;
  sourceJrn: string;
  status: 'Enable' | 'Disable';
  createTime: string;
  updateTime: string;
}

export interface StoredFunction {
  functionId: string;
  functionName: string;
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  cpu: number;
  diskSize: number;
  description: string;
  envs: Array<{ name: string; value: string }>;
  /** The deployed zip. */
  code: Buffer;
  checkSum: string;
  invocationCount: number;
  createTime: string;
  updateTime: string;
  triggers: Map<string, StoredTrigger>;
}

export interface StoredService {
  serviceId: string;
  serviceName: string;
  description: string;
  createTime: string;
  updateTime: string;
  functions: Map<string, StoredFunction>;
}

/** How an asynchronous invocation ended, as the function's process reported it. */
export interface InvocationOutcome {
  /** `timed-out`: still running at the function's timeout, and killed. */
  status: 'succeeded' | 'failed' | 'timed-out';
  /** What the handler returned (JSON), when it succeeded. */
  result?: unknown;
  /** The error the handler threw or the process died of. */
  error?: string;
  exitCode: number | null;
  signal: string | null;
  /** The Node.js version that ran it. */
  node?: string;
  /** The last 64 KB of the process's stdout and stderr (its logs). */
  output: string;
  durationMs: number;
}

/** One asynchronous invocation as received; `outcome` is set once its process has ended. */
export interface RecordedInvocation {
  requestId: string;
  region: string;
  serviceName: string;
  functionName: string;
  /** `body` of the request: the event as JSON text. */
  event: string;
  invocationType: string;
  outcome?: InvocationOutcome;
  /** Resolves when the function's process has ended. */
  settled: Promise<InvocationOutcome>;
}
