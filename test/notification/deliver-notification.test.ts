// Notifications POSTed to a real HTTP server on loopback: the signature a receiver checks, the
// retries, and what is recorded when delivery fails (never the URL's token, never the secret).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, it, type TestContext } from 'node:test';
import { deliverNotification } from '../../src/adapters/webhook/index.js';
import { notificationDocument, type NotificationDocument } from '../../src/domain/notification/index.js';
import type { StatusRecord } from '../../src/domain/status/index.js';
import { listenHttp } from '../../src/kernel/index.js';

const record: StatusRecord = {
  version: 1,
  state: 'ready',
  source: { region: 'cn-north-1', bucket: 'disk-images', key: 'u/ubuntu.qcow2', etag: 'e1', size: 1024 },
  imageId: 'img-abc123',
  taskId: '42',
  createdAt: '2026-12-05T10:00:00.000Z',
  updatedAt: '2026-12-05T10:05:00.000Z',
};
const document: NotificationDocument = notificationDocument('ready', record, 'b1c0ffee-0000-4000-8000-000000000001', new Date('2026-12-05T10:05:01.000Z'));
const secret = 'a-secret-of-24-characters';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

async function receiver(t: TestContext, answer: (index: number, response: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(received.length, response);
    });
  });
  const { url } = await listenHttp(server);
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, received };
}

const noWait = { sleep: async () => {}, now: () => new Date('2026-12-05T10:05:02.000Z') };

describe('deliverNotification', () => {
  it('POSTs the document with an HMAC-SHA256 signature of the exact body, the id and the timestamp', async (t) => {
    const { url, received } = await receiver(t, (_, response) => response.writeHead(204).end());
    const delivery = await deliverNotification({ url: new URL(`${url}/hooks/images?token=receiver-token`), secret }, document, noWait);

    assert.deepEqual(delivery, { event: 'ready', id: document.id, delivered: true, attempts: 1, at: '2026-12-05T10:05:02.000Z', httpStatus: 204 });
    assert.equal(received.length, 1);
    const [first] = received;
    assert.ok(first !== undefined);
    assert.deepEqual(JSON.parse(first.body), { version: 1, event: 'ready', id: document.id, time: '2026-12-05T10:05:01.000Z', record });
    const expected = `sha256=${createHmac('sha256', secret).update(first.body).digest('hex')}`;
    assert.equal(first.headers['x-oss-image-import-signature'], expected);
    assert.equal(first.headers['x-oss-image-import-id'], document.id);
    assert.equal(first.headers['x-oss-image-import-timestamp'], '1796465101');
    assert.equal(first.headers['x-oss-image-import-event'], 'ready');
    assert.equal(first.headers['content-type'], 'application/json; charset=utf-8');
  });

  it('sends no signature header without a secret', async (t) => {
    const { url, received } = await receiver(t, (_, response) => response.writeHead(200).end('ok'));
    const delivery = await deliverNotification({ url: new URL(url) }, document, noWait);
    assert.equal(delivery.delivered, true);
    assert.equal(received[0]?.headers['x-oss-image-import-signature'], undefined);
  });

  it('retries 503 and 429 with backoff, sending the same id and signature each time', async (t) => {
    const { url, received } = await receiver(t, (index, response) => response.writeHead(index === 1 ? 503 : index === 2 ? 429 : 200).end());
    const waits: number[] = [];
    const delivery = await deliverNotification({ url: new URL(url), secret }, document, {
      ...noWait,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
    });
    assert.equal(delivery.delivered, true);
    assert.equal(delivery.attempts, 3);
    assert.deepEqual(waits, [1000, 5000]);
    assert.equal(new Set(received.map((request) => request.headers['x-oss-image-import-signature'])).size, 1);
    assert.equal(new Set(received.map((request) => request.body)).size, 1);
  });

  it('gives up on a 4xx at once and records why, with the URL\'s origin only', async (t) => {
    const { url, received } = await receiver(t, (_, response) => response.writeHead(401).end('bad signature'));
    const delivery = await deliverNotification({ url: new URL(`${url}/hook?token=receiver-token`), secret }, document, noWait);
    assert.equal(received.length, 1);
    assert.deepEqual(delivery, {
      event: 'ready',
      id: document.id,
      delivered: false,
      attempts: 1,
      at: '2026-12-05T10:05:02.000Z',
      httpStatus: 401,
      error: `${url} answered HTTP 401`,
    });
  });

  it('never records the path either: Slack, Discord and Teams webhooks carry their secret there', async (t) => {
    const { url } = await receiver(t, (_, response) => response.writeHead(500).end());
    const slackLike = new URL(`${url}/services/T0AAAAAAA/B0BBBBBBB/path-secret-XXXXXXXX`);
    const answered = await deliverNotification({ url: slackLike, secret }, document, { ...noWait, maxAttempts: 1 });
    const closed = new URL(slackLike);
    closed.port = '1';
    const refused = await deliverNotification({ url: closed, secret }, document, { ...noWait, maxAttempts: 1 });
    assert.equal(answered.error, `${url} answered HTTP 500`);
    assert.match(refused.error ?? '', /^POST http:\/\/127\.0\.0\.1:1 failed: /);
    assert.doesNotMatch(JSON.stringify([answered, refused]), /services|path-secret/);
  });

  it('does not follow a redirect', async (t) => {
    const { url, received } = await receiver(t, (_, response) => response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end());
    const delivery = await deliverNotification({ url: new URL(url), secret }, document, noWait);
    assert.equal(received.length, 1);
    assert.equal(delivery.delivered, false);
    assert.equal(delivery.error, `${url} answered HTTP 302`);
  });

  it('tries every attempt against a closed port, then records the cause and never the token or the secret', async (t) => {
    const { url } = await receiver(t, (_, response) => response.end());
    const closed = new URL(url);
    closed.port = '1';
    closed.search = '?token=receiver-token';
    const delivery = await deliverNotification({ url: closed, secret }, document, { ...noWait, maxAttempts: 3 });
    assert.equal(delivery.delivered, false);
    assert.equal(delivery.attempts, 3);
    assert.match(delivery.error ?? '', /^POST http:\/\/127\.0\.0\.1:1 failed: .*ECONNREFUSED/);
    assert.doesNotMatch(JSON.stringify(delivery), /receiver-token|a-secret-of/);
  });

  it('stops at its signal: no attempt after it, the POST under way cut off, and the result says it was not delivered', async (t) => {
    const { url, received } = await receiver(t, (index, response) => {
      // The first POST is answered 503; the next ones never.
      if (index === 1) response.writeHead(503).end();
    });
    const stopping = new AbortController();
    // Stopped while waiting to try again.
    const waiting = await deliverNotification({ url: new URL(url), secret }, document, { now: noWait.now, signal: stopping.signal, sleep: async () => stopping.abort() });
    assert.deepEqual(waiting, { event: 'ready', id: document.id, delivered: false, attempts: 1, at: '2026-12-05T10:05:02.000Z', httpStatus: 503, error: `${url} answered HTTP 503` });
    // Stopped with a POST under way.
    const inFlight = new AbortController();
    const delivering = deliverNotification({ url: new URL(url), secret }, document, { now: noWait.now, signal: inFlight.signal });
    while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight.abort();
    assert.deepEqual(await delivering, { event: 'ready', id: document.id, delivered: false, attempts: 1, at: '2026-12-05T10:05:02.000Z', error: `POST ${url} failed: ABORT_ERR The operation was aborted` });
    // Stopped before: nothing sent.
    const before = await deliverNotification({ url: new URL(url), secret }, document, { now: noWait.now, signal: stopping.signal });
    assert.deepEqual(before, { event: 'ready', id: document.id, delivered: false, attempts: 0, at: '2026-12-05T10:05:02.000Z', error: 'stopped before it was sent' });
    assert.equal(received.length, 2);
  });

  it('ends an attempt that gets no answer within the timeout', async (t) => {
    const { url } = await receiver(t, () => {
      // never answers
    });
    const delivery = await deliverNotification({ url: new URL(url), secret }, document, { ...noWait, maxAttempts: 1, timeoutMs: 200 });
    assert.deepEqual({ delivered: delivery.delivered, error: delivery.error }, { delivered: false, error: `POST ${url} failed: no answer within 200 ms` });
  });
});
