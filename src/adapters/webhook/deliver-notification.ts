import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { notificationRequestHeaders, type NotificationDocument, type NotificationEvent, shownWebhookUrl } from '../../domain/notification/index.js';

/** Where notifications go. The URL may carry a receiver's token in its path or query: only its origin is ever shown (shownWebhookUrl). */
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
  /** Why the last attempt failed (the URL's origin only, never its path, query or the secret). */
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
  /**
   * Stops the delivery (a process shutting down): the POST under way is cut off and no other
   * attempt is made. The result then says `delivered: false`; whether the receiver got it is unknown.
   */
  signal?: AbortSignal;
}

const defaultDelaysMs = [1_000, 5_000, 20_000];
const defaultMaxAttempts = 4;
const defaultTimeoutMs = 10_000;
/** Each wait is its delay ± 25 %. */
const jitter = 0.25;

/**
 * The longest one delivery can take with these options: every attempt running to its timeout,
 * and every wait between them at its largest jitter (by default 4 × 10 s + (1 + 5 + 20) s × 1.25
 * = 72.5 s). The deployed follower starts a notification only if that much time is left.
 */
export function deliveryWorstCaseMs(options: DeliveryOptions = {}): number {
  const attempts = Math.max(1, options.maxAttempts ?? defaultMaxAttempts);
  const delaysMs = options.delaysMs ?? defaultDelaysMs;
  let total = attempts * (options.timeoutMs ?? defaultTimeoutMs);
  for (let retry = 1; retry < attempts; retry += 1) total += (delaysMs[Math.min(retry - 1, delaysMs.length - 1)] ?? 0) * (1 + jitter);
  return total;
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

async function postOnce(target: WebhookTarget, body: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal | undefined): Promise<AttemptResult> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    const req = send(target.url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs, ...(signal !== undefined ? { signal } : {}) }, (response: IncomingMessage) => {
      // The answer's body says nothing we need; drain it so the socket is freed.
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ httpStatus: status, retryable: false });
        else resolve({ httpStatus: status, error: `${shownWebhookUrl(target.url)} answered HTTP ${status}`, retryable: retryableStatus(status) });
      });
      response.on('error', (error) => resolve({ httpStatus: response.statusCode ?? 0, error: `reading the answer failed: ${error.message}`, retryable: true }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const cause = error.code !== undefined && !error.message.includes(error.code) ? `${error.code} ${error.message}` : error.message;
      resolve({ error: `POST ${shownWebhookUrl(target.url)} failed: ${cause}`, retryable: true });
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
  const maxAttempts = Math.max(1, options.maxAttempts ?? defaultMaxAttempts);
  const delaysMs = options.delaysMs ?? defaultDelaysMs;
  const now = options.now ?? (() => new Date());
  const { signal } = options;
  const aborted = () => signal?.aborted === true;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms, undefined, signal === undefined ? undefined : { signal }).catch(() => undefined));
  const random = options.random ?? Math.random;
  const body = JSON.stringify(document);
  // The same id, timestamp and signature on every attempt: a receiver that got an earlier one drops the repeat.
  const headers = notificationRequestHeaders(body, document, target.secret);
  let attempts = 0;
  let last: AttemptResult = { error: 'stopped before it was sent', retryable: true };
  while (attempts < maxAttempts && !aborted()) {
    if (attempts > 0) {
      const base = delaysMs[Math.min(attempts - 1, delaysMs.length - 1)] ?? 0;
      await sleep(Math.round(base * (1 + jitter * (2 * random() - 1))));
      if (aborted()) break;
    }
    attempts += 1;
    last = await postOnce(target, body, headers, options.timeoutMs ?? defaultTimeoutMs, signal);
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
