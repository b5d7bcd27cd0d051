import { deliverNotification } from '../../adapters/webhook/index.js';
import { type FollowRequest, holdsLease, notified } from '../../domain/following/index.js';
import { notificationDocument, notificationIdFor, type NotificationEvent } from '../../domain/notification/index.js';
import type { FollowDeps } from './follow-deps.js';
import type { StepResult } from './import-steps.js';
import { readFollowed, updateFollowed } from './followed-record.js';

/**
 * POSTs one notification of the record as it stands (it holds no secret) and records the
 * delivery, delivered or not: a receiver that is down never blocks or fails the import. The
 * record is read fresh first, and nothing is sent unless the lease is still held and the event
 * not yet notified; the id is the same for every follower (notificationIdFor), so should two
 * ever send it, the receiver keeps one.
 */
export async function notify(deps: FollowDeps, request: FollowRequest, holder: string, event: NotificationEvent): Promise<StepResult> {
  const followed = await readFollowed(deps, request);
  if (followed.kind !== 'record' || !holdsLease(followed.record, holder, deps.now().getTime())) return { updated: { kind: 'lost', followed }, moved: false };
  if (deps.notify === undefined || notified(followed.record, event)) return { updated: { kind: 'unchanged', record: followed.record }, moved: false };
  const document = notificationDocument(event, followed.record, notificationIdFor(followed.record, event), deps.now());
  const delivery = await deliverNotification(deps.notify, document, { now: deps.now, ...deps.deliveryOptions, ...(deps.signal !== undefined ? { signal: deps.signal } : {}) });
  // Cut short by the process stopping: not recorded, so the next follower sends it (the same id).
  if (!delivery.delivered && deps.signal?.aborted === true) return { updated: { kind: 'unchanged', record: followed.record }, moved: false };
  if (!delivery.delivered) deps.logger.warn({ bucket: request.bucket, key: request.key, event, attempts: delivery.attempts, error: delivery.error }, 'notification not delivered');
  const updated = await updateFollowed(deps, request, holder, (current) =>
    notified(current, event) ? undefined : { ...current, notifications: [...(current.notifications ?? []), delivery] },
  );
  return { updated, moved: true };
}
