import { createHash, createHmac } from 'node:crypto';
import type { StatusRecord } from '../status/index.js';

/**
 * What a notification announces: a final outcome of the import (`ready`, `error`, `rejected`,
 * `failed`), or that the copies to other regions have all finished (`copies-finished`).
 */
export const notificationEvents = ['ready', 'error', 'rejected', 'failed', 'copies-finished'] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

/** The headers a receiver checks (docs/architecture.md, "Notifications"). */
export const notificationHeaders = {
  signature: 'x-oss-image-import-signature',
  id: 'x-oss-image-import-id',
  timestamp: 'x-oss-image-import-timestamp',
  event: 'x-oss-image-import-event',
} as const;

/** The body POSTed to IMAGE_NOTIFY_URL. `id` and `time` are inside the signed body too, so a replay cannot change them. */
export interface NotificationDocument {
  version: 1;
  event: NotificationEvent;
  /** Unique per notification (not per delivery attempt): receivers drop an id they have seen. */
  id: string;
  /** When the notification was made, ISO 8601 UTC. */
  time: string;
  /** The status record as stored: it never holds a secret (presigned URLs are redacted before it is written). */
  record: StatusRecord;
}

/**
 * The id of an import's notification of one event: the same for every follower and every
 * delivery of it, so a receiver that drops ids it has seen gets each event once even when two
 * followers raced (docs/architecture.md, "The follower"). The import is its clientToken (one per
 * object version), else its region, bucket, key and ETag. Shaped like a UUID.
 */
export function notificationIdFor(record: Pick<StatusRecord, 'source' | 'clientToken'>, event: NotificationEvent): string {
  const { region, bucket, key, etag } = record.source;
  const importId = record.clientToken ?? [region, bucket, key, etag ?? ''].join('\n');
  const hex = createHash('sha256').update(`${importId}\n${event}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function notificationDocument(event: NotificationEvent, record: StatusRecord, id: string, time: Date): NotificationDocument {
  return { version: 1, event, id, time: time.toISOString(), record };
}

/** The minimum length of IMAGE_NOTIFY_SECRET: shorter secrets can be guessed offline from one signed body. */
export const minNotifySecretLength = 16;

/**
 * The headers of one notification. With a secret, `sha256=<hex HMAC-SHA256(secret, exact body)>`,
 * as GitHub and Stripe webhooks sign; the id and Unix-seconds timestamp let a receiver refuse
 * replays (a seen id, or a timestamp older than its tolerance).
 */
export function notificationRequestHeaders(body: string, document: Pick<NotificationDocument, 'event' | 'id' | 'time'>, secret: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'oss-image-import',
    [notificationHeaders.id]: document.id,
    [notificationHeaders.timestamp]: String(Math.floor(Date.parse(document.time) / 1000)),
    [notificationHeaders.event]: document.event,
  };
  if (secret !== undefined) headers[notificationHeaders.signature] = `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
  return headers;
}
