import { randomBytes } from 'node:crypto';
import type { FollowRequest } from '../../../domain/following/index.js';
import type { StatusRecord } from '../../../domain/status/index.js';
import type { ReceivedNotification, WebhookReceiver } from '../../local/index.js';
import { FollowProgressLines } from '../../../use-cases/following/index.js';

/**
 * What `npm start` shows after the import (issue 13): a `[follow]` line whenever a follow-through
 * moves (percent, state, copies, share, notifications), and a `[notify]` line per notification the
 * local receiver gets, with whether its signature holds.
 */
export class DevFollowLines {
  readonly #print: (text: string) => void;
  readonly #lines = new FollowProgressLines();

  constructor(print: (text: string) => void) {
    this.#print = print;
  }

  progress(request: FollowRequest, record: StatusRecord): void {
    const where = `s3://${request.bucket}/${request.key}`;
    const line = this.#lines.lineFor(where, record);
    if (line !== undefined) this.#print(`[follow] ${where}: ${line}\n`);
  }

  notification(received: ReceivedNotification, signatureOk: boolean | undefined): void {
    let what = '';
    try {
      const document = JSON.parse(received.body) as { event?: string; record?: { source?: { bucket?: string; key?: string } } };
      what = ` s3://${document.record?.source?.bucket ?? '?'}/${document.record?.source?.key ?? '?'}`;
    } catch {
      what = ' (a body that is not JSON)';
    }
    const signature = signatureOk === undefined ? 'unsigned' : signatureOk ? 'signature ok' : 'SIGNATURE DOES NOT MATCH';
    this.#print(`[notify] ${String(received.headers['x-oss-image-import-event'] ?? '?')}${what} (${signature}, id ${String(received.headers['x-oss-image-import-id'] ?? '?')})\n`);
  }
}

/**
 * Where the local stack's notifications go when IMAGE_NOTIFY_URL is not set: a receiver on
 * loopback and a fresh secret, so the demo shows signed notifications arriving.
 */
export async function devNotifyTarget(
  env: NodeJS.ProcessEnv,
  lines: DevFollowLines,
): Promise<{ env: NodeJS.ProcessEnv; receiver?: WebhookReceiver }> {
  if (env['IMAGE_NOTIFY_URL'] !== undefined && env['IMAGE_NOTIFY_URL'] !== '') return { env };
  const { signatureHolds, startWebhookReceiver } = await import('../../local/index.js');
  const secret = randomBytes(24).toString('hex');
  const receiver = await startWebhookReceiver({
    onReceive: (received) => lines.notification(received, signatureHolds(received.body, received.headers['x-oss-image-import-signature'] as string | undefined, secret)),
  });
  return { env: { ...env, IMAGE_NOTIFY_URL: `${receiver.url}/notifications`, IMAGE_NOTIFY_SECRET: secret }, receiver };
}
