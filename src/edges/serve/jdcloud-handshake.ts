import type { IncomingHttpHeaders } from 'node:http';

/**
 * JD OSS verifies a callback URL when the bucket's notification is configured: it POSTs with
 * `x-jdcloud-message-type` set and expects the base64 of the body back. The docs' prose says
 * `SubscriptionConfiguration`, their sample server compares with `SubscriptionConfirmation`;
 * both are accepted (docs/reference/jdcloud-api.md §4.5.2). Real notifications carry `Notification`.
 */
const handshakeTypes = new Set(['subscriptionconfirmation', 'subscriptionconfiguration']);

export function isJdCloudHandshake(headers: IncomingHttpHeaders): boolean {
  const type = headers['x-jdcloud-message-type'];
  return typeof type === 'string' && handshakeTypes.has(type.trim().toLowerCase());
}

export function jdCloudHandshakeAnswer(body: Buffer): string {
  return body.toString('base64');
}
