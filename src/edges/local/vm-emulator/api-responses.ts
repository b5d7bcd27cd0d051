import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** `{ status, code, message }` of a JD Cloud error envelope. */
export interface ApiFailure {
  httpStatus: number;
  status: string;
  message: string;
}

const requestIdAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
// A random prefix per process and a counter: unique like the gateway's ids, without paying for
// crypto randomness on every request.
const requestIdPrefix = [...randomBytes(20)].map((byte) => requestIdAlphabet[byte % requestIdAlphabet.length]).join('');
let requestCounter = 0;

/** 32 lower-case letters and digits, like the gateway's request ids. */
export function newRequestId(): string {
  requestCounter += 1;
  return `${requestIdPrefix}${requestCounter.toString(36).padStart(12, '0')}`;
}

/** Writes one JSON response with the request id in the body and the `x-jdcloud-request-id` header. */
export function sendJson(response: ServerResponse, httpStatus: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendResult(response: ServerResponse, requestId: string, result: unknown): void {
  sendJson(response, 200, { requestId, result }, { 'x-jdcloud-request-id': requestId });
}

/** The gateway's error shape: `{"error":{"message":…,"status":…,"code":…},"requestId":…}` (docs §1.11). */
export function sendFailure(response: ServerResponse, requestId: string, failure: ApiFailure, headers: Record<string, string> = {}): void {
  sendJson(
    response,
    failure.httpStatus,
    { error: { message: failure.message, status: failure.status, code: failure.httpStatus }, requestId },
    { 'x-jdcloud-request-id': requestId, ...headers },
  );
}
