import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { notificationRequestHeaders, type NotificationDocument, type NotificationEvent } from '../../domain/notification/index.js';

/** Where notifications go. The URL may carry a receiver's token in its query: it is never logged or recorded. */
export interface WebhookTarget {
  url: URL;
  secret?: string;
}

/** What one notification's delivery came to; it goes into the status record as it is. */
export interface NotificationDelivery {
  event: NotificationEvent;
  id: string;
  delivered: boolean;
  attempts: number;
  /** When the last attempt ended, ISO 8601 UTC. */
  at: string;
  /** The receiver's last HTTP status, when it answered. */
  httpStatus?: number;
  /** Why the last attempt failed (never the URL's query, never the secret). */
  error?: string;
}

export interface DeliveryOptions {
  /** Attempts in all (default 4): a receiver that is down for a minute still gets the notification. */
  maxAttempts?: number;
  /** The waits before the 2nd, 3rd, … attempts (default 1 s, 5 s, 20 s), each with ±25 % jitter. */
  delaysMs?: readonly number[];
  /** Per attempt: connect, send and answer (default 10 s). */
  timeoutMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultDelaysMs = [1_000, 5_000, 20_000];

/** The URL as it may be shown: scheme, host and path, never the query (it may hold a token). */
export function describeWebhookUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** A receiver's answer worth another try: throttled, timed out or failing on its side. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

interface AttemptResult {
  httpStatus?: number;
  error?: string;
  retryable: boolean;
}

async function postOnce(target: WebhookTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<AttemptResult> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    const req = send(target.url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs }, (response: IncomingMessage) => {
      // The answer's body says nothing we need; drain it so the socket is freed.
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ httpStatus: status, retryable: false });
        else resolve({ httpStatus: status, error: `${describeWebhookUrl(target.url)} answered HTTP ${status}`, retryable: retryableStatus(status) });
      });
      response.on('error', (error) => resolve({ httpStatus: response.statusCode ?? 0, error: `reading the answer failed: ${error.message}`, retryable: true }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const cause = error.code !== undefined && !error.message.includes(error.code) ? `${error.code} ${error.message}` : error.message;
      resolve({ error: `POST ${describeWebhookUrl(target.url)} failed: ${cause}`, retryable: true });
    });
    req.end(body);
  });
}

/**
 * POSTs one notification, retrying a network failure, a timeout, 408, 429 and 5xx with backoff;
 * a 3xx or other 4xx is final (the receiver refused it, and redirects are not followed: the
 * signature was made for this URL). Never throws: the result is recorded, and a notification
 * that cannot be delivered never blocks or fails the import.
 */
export async function deliverNotification(target: WebhookTarget, document: NotificationDocument, options: DeliveryOptions = {}): Promise<NotificationDelivery> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const delaysMs = options.delaysMs ?? defaultDelaysMs;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const random = options.random ?? Math.random;
  const body = JSON.stringify(document);
  // The same id, timestamp and signature on every attempt: a receiver that got an earlier one drops the repeat.
  const headers = notificationRequestHeaders(body, document, target.secret);
  let attempts = 0;
  let last: AttemptResult = { retryable: true };
  while (attempts < maxAttempts) {
    if (attempts > 0) {
      const base = delaysMs[Math.min(attempts - 1, delaysMs.length - 1)] ?? 0;
      await sleep(Math.round(base * (0.75 + random() * 0.5)));
    }
    attempts += 1;
    last = await postOnce(target, body, headers, options.timeoutMs ?? 10_000);
    if (last.error === undefined || !last.retryable) break;
  }
  return {
    event: document.event,
    id: document.id,
    delivered: last.error === undefined,
    attempts,
    at: now().toISOString(),
    ...(last.httpStatus !== undefined ? { httpStatus: last.httpStatus } : {}),
    ...(last.error !== undefined ? { error: last.error } : {}),
  };
}
