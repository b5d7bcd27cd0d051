import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenHttp } from '../../kernel/index.js';

/** One POST as the receiver got it. */
export interface ReceivedNotification {
  /** Path and query, e.g. `/hooks?token=…`. */
  target: string;
  headers: IncomingHttpHeaders;
  /** The exact body: what the signature covers. */
  body: string;
}

export interface WebhookReceiver {
  /** Base URL, e.g. `http://127.0.0.1:39211`: set IMAGE_NOTIFY_URL to it (plus a path). */
  url: string;
  received: ReceivedNotification[];
  /** The HTTP status the next POSTs get, in order (then 204 again). */
  answerNext(...statuses: number[]): void;
  /** Resolves once `count` POSTs arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  stop(): Promise<void>;
}

/**
 * What a receiver does with a notification (README, "Notifications"): the signature is
 * `sha256=<hex HMAC-SHA256(secret, exact body)>`, compared in constant time. Returns whether it holds.
 */
export function signatureHolds(body: string, signatureHeader: string | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`);
  const given = Buffer.from(signatureHeader ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A webhook receiver on loopback for the local stack and tests: records every POST as it came
 * and answers 204 (or what answerNext asked for).
 */
export async function startWebhookReceiver(options: { onReceive?: (notification: ReceivedNotification) => void } = {}): Promise<WebhookReceiver> {
  const received: ReceivedNotification[] = [];
  const answers: number[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const notification = { target: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(notification);
      response.writeHead(answers.shift() ?? 204).end();
      options.onReceive?.(notification);
      for (const wake of waiters) wake();
    });
  });
  const { url } = await listenHttp(server);
  return {
    url,
    received,
    answerNext: (...statuses) => answers.push(...statuses),
    waitFor(count, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the webhook receiver got ${received.length} of ${count} notifications within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
