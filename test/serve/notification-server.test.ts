import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { NotifyTokenError } from '../../src/edges/serve/notify-token-error.js';
import { notifyTokenFromEnv } from '../../src/edges/serve/notify-token.js';
import type { NotificationOutcome, ServeLog } from '../../src/edges/serve/notification-handler.js';
import { startNotificationServer, type NotificationServer, type NotificationServerOptions } from '../../src/edges/serve/notification-server.js';

const token = 'test-token-0123456789abcdef';
const rgwFixture = JSON.parse(
  await readFile(new URL('../fixtures/events/ceph-rgw-put-notification.json', import.meta.url), 'utf8'),
) as unknown;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain node:http request, so tests control the exact bytes, headers and chunking. */
function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'POST', headers: init.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.chunks !== undefined) {
      for (const chunk of init.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(init.body);
    }
  });
}

const json = (body: unknown) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}`, body: JSON.stringify(body) });

function post(server: NotificationServer, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { body: text, ...jsonHeaders } = json(body);
  return send(server.notificationUrl, { headers: { ...jsonHeaders, ...headers }, body: text });
}

/** A handler the test releases by hand, to hold notifications in flight. */
function gatedHandler() {
  const calls: unknown[] = [];
  const releases: Array<(outcome: NotificationOutcome) => void> = [];
  let active = 0;
  let maxActive = 0;
  const waiters: Array<() => void> = [];
  const handler = async (event: unknown): Promise<NotificationOutcome> => {
    calls.push(event);
    active += 1;
    maxActive = Math.max(maxActive, active);
    for (const wake of waiters.splice(0)) wake();
    try {
      return await new Promise<NotificationOutcome>((resolve) => releases.push(resolve));
    } finally {
      active -= 1;
    }
  };
  return {
    handler,
    calls,
    get maxActive() {
      return maxActive;
    },
    async waitForCalls(count: number): Promise<void> {
      while (calls.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    releaseAll(outcome: NotificationOutcome = { transientFailure: false }): void {
      for (const release of releases.splice(0)) release(outcome);
    },
  };
}

function capturingLog(): ServeLog & { lines: string[] } {
  const lines: string[] = [];
  const write = (fields: Record<string, unknown>, message: string) => lines.push(JSON.stringify({ ...fields, message }));
  return { lines, info: write, warn: write, error: write };
}

async function withServer(
  options: Partial<NotificationServerOptions>,
  body: (server: NotificationServer) => Promise<void>,
): Promise<void> {
  const server = await startNotificationServer({
    token,
    handleNotification: async () => ({ transientFailure: false }),
    ...options,
  });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

/** A handler that keeps every event it is given and always succeeds. */
function recordingHandler() {
  const received: unknown[] = [];
  return {
    received,
    handleNotification: async (event: unknown) => {
      received.push(event);
      return { transientFailure: false };
    },
  };
}

describe('serve: routing and health', () => {
  let server: NotificationServer;
  before(async () => {
    server = await startNotificationServer({ token, handleNotification: async () => ({ transientFailure: false }) });
  });
  after(() => server.stop());

  it('listens on loopback by default and answers GET /healthz without a token', async () => {
    assert.equal(server.host, '127.0.0.1');
    assert.equal(server.notificationUrl, `${server.url}/events`);
    const res = await send(`${server.url}/healthz`, { method: 'GET' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok', active: 0, queued: 0 });
  });

  it('answers HEAD /healthz with no body', async () => {
    const res = await send(`${server.url}/healthz`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.body, '');
  });

  it('refuses other methods on /healthz with 405 and Allow', async () => {
    const res = await send(`${server.url}/healthz`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 405);
    assert.equal(res.headers['allow'], 'GET, HEAD');
    assert.deepEqual(JSON.parse(res.body), { error: 'POST is not allowed on /healthz; use GET.' });
  });

  it('answers 404 on other paths, naming where notifications go', async () => {
    const res = await send(`${server.url}/events/extra?token=${token}`, { body: '{}' });
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.body), { error: 'No such path /events/extra; notifications go to POST /events.' });
  });

  it('answers 405 with Allow: POST for GET, PUT and DELETE on the notification path', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await send(`${server.url}/events?token=${token}`, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers['allow'], 'POST');
      assert.deepEqual(JSON.parse(res.body), { error: `${method} is not allowed on /events; use POST.` });
    }
  });
});

describe('serve: token', () => {
  it('refuses a request with no token (401), without calling the handler', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler }, async (server) => {
      const res = await send(server.notificationUrl, { body: JSON.stringify(rgwFixture) });
      assert.equal(res.status, 401);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.deepEqual(JSON.parse(res.body), {
        error: 'Missing token: send Authorization: Bearer <NOTIFY_TOKEN> or add ?token=<NOTIFY_TOKEN> to the URL.',
      });
      assert.equal(gate.calls.length, 0);
      assert.equal(server.counters.refused, 1);
    });
  });

  it('refuses a wrong token as bearer and as query parameter (401)', async () => {
    const gate = gatedHandler();
    const log = capturingLog();
    await withServer({ handleNotification: gate.handler, log }, async (server) => {
      const wrong = 'test-token-0123456789abcdeX';
      const viaHeader = await send(server.notificationUrl, { headers: { authorization: `Bearer ${wrong}` }, body: '{}' });
      const viaQuery = await send(`${server.notificationUrl}?token=${wrong}`, { body: '{}' });
      const prefix = await send(`${server.notificationUrl}?token=${token.slice(0, -1)}`, { body: '{}' });
      for (const res of [viaHeader, viaQuery, prefix]) {
        assert.equal(res.status, 401);
        assert.deepEqual(JSON.parse(res.body), { error: 'Wrong token: it does not match NOTIFY_TOKEN.' });
      }
      assert.equal(gate.calls.length, 0);
      assert.ok(log.lines.length > 0);
      for (const line of log.lines) assert.ok(!line.includes(wrong) && !line.includes(token.slice(0, -1)), line);
    });
  });

  it('accepts the token as a bearer token or as ?token= (what RGW and JD OSS can send)', async () => {
    const { received, handleNotification } = recordingHandler();
    await withServer(
      { handleNotification },
      async (server) => {
        const viaHeader = await post(server, rgwFixture);
        const viaQuery = await send(`${server.notificationUrl}?token=${encodeURIComponent(token)}`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(rgwFixture),
        });
        assert.equal(viaHeader.status, 200);
        assert.equal(viaQuery.status, 200);
        assert.deepEqual(received, [rgwFixture, rgwFixture]);
      },
    );
  });

  it('reads NOTIFY_TOKEN from the environment and refuses a missing or short one', () => {
    assert.equal(notifyTokenFromEnv({ NOTIFY_TOKEN: token }), token);
    assert.throws(() => notifyTokenFromEnv({}), {
      name: 'NotifyTokenError',
      message:
        'NOTIFY_TOKEN is not set: set it to a random secret of at least 16 characters (e.g. `openssl rand -hex 24`) ' +
        'and give the same value to the sender as a bearer token or as ?token= in the notification URL.',
    });
    assert.throws(() => notifyTokenFromEnv({ NOTIFY_TOKEN: 'short' }), {
      name: 'NotifyTokenError',
      message:
        'NOTIFY_TOKEN is not allowed: it has 5 characters; use at least 16 characters without surrounding whitespace (e.g. `openssl rand -hex 24`).',
    });
    assert.throws(() => notifyTokenFromEnv({ NOTIFY_TOKEN: ` ${token}` }), NotifyTokenError);
  });
});

describe('serve: bodies', () => {
  it('answers 413 for a body over the limit, declared by Content-Length', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler, maxBodyBytes: 1024 }, async (server) => {
      const res = await send(server.notificationUrl, {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: Buffer.alloc(5000, 0x20),
      });
      assert.equal(res.status, 413);
      assert.deepEqual(JSON.parse(res.body), { error: 'Request body is too large: 5000 bytes; the limit is 1024 bytes.' });
      assert.equal(gate.calls.length, 0);
    });
  });

  it('answers 413 for a chunked body that grows over the limit', async () => {
    await withServer({ maxBodyBytes: 1024 }, async (server) => {
      const res = await send(server.notificationUrl, {
        headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' },
        chunks: [Buffer.alloc(700, 0x20), Buffer.alloc(700, 0x20)],
      });
      assert.equal(res.status, 413);
      assert.deepEqual(JSON.parse(res.body), { error: 'Request body is too large: 1400 bytes; the limit is 1024 bytes.' });
    });
  });

  it('answers 413 for a 2 MiB body at the default 1 MiB limit', async () => {
    await withServer({}, async (server) => {
      const res = await send(server.notificationUrl, { headers: { authorization: `Bearer ${token}` }, body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
      assert.equal(res.status, 413);
      assert.deepEqual(JSON.parse(res.body), { error: 'Request body is too large: 2097152 bytes; the limit is 1048576 bytes.' });
    });
  });

  it('accepts a body of exactly the limit', async () => {
    await withServer({ maxBodyBytes: 1024 }, async (server) => {
      const text = JSON.stringify({ Records: [], pad: '' });
      const padded = JSON.stringify({ Records: [], pad: 'x'.repeat(1024 - text.length) });
      assert.equal(padded.length, 1024);
      const res = await send(server.notificationUrl, { headers: { authorization: `Bearer ${token}` }, body: padded });
      assert.equal(res.status, 200);
    });
  });

  it('answers 400 for a body that is not JSON, or not a JSON object', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler }, async (server) => {
      const notJson = await send(server.notificationUrl, { headers: { authorization: `Bearer ${token}` }, body: 'Records=1' });
      assert.equal(notJson.status, 400);
      const message = (JSON.parse(notJson.body) as { error: string }).error;
      assert.match(message, /^Body is not JSON: .+\.$/);
      for (const body of ['[1,2]', 'null', '"text"', '42']) {
        const res = await send(server.notificationUrl, { headers: { authorization: `Bearer ${token}` }, body });
        assert.equal(res.status, 400, body);
        assert.deepEqual(JSON.parse(res.body), { error: 'Body must be a JSON object, e.g. {"Records":[…]}.' });
      }
      assert.equal(gate.calls.length, 0);
    });
  });

  it('answers 400 for a JSON object that is no notification, naming its keys, without calling the handler', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler }, async (server) => {
      const expected: Array<[unknown, string]> = [
        [{}, 'an empty object'],
        [{ foo: 1 }, 'an object with key "foo"'],
        [{ Records: 'x', Bucket: 'images' }, 'an object with keys "Records", "Bucket"'],
        [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, 'an object with keys "a", "b", "c", "d", "e", …'],
      ];
      for (const [body, got] of expected) {
        const res = await post(server, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.deepEqual(JSON.parse(res.body), {
          error: `Body is not a bucket notification: expected {"Records":[…]} as S3, Ceph RGW, MinIO and JD OSS send; got ${got}.`,
        });
      }
      assert.equal(gate.calls.length, 0);
      assert.equal(server.counters.refused, expected.length);
    });
  });

  it('answers 400 with the handler\'s reason when it understands none of the records', async () => {
    const unrecognised = 'None of the 1 record is an upload record (S3, Ceph RGW, MinIO or JD Cloud shape): record 0: s3: required.';
    await withServer({ handleNotification: async () => ({ transientFailure: false, unrecognised }) }, async (server) => {
      const res = await post(server, { Records: [{ foo: 1 }] });
      assert.equal(res.status, 400);
      assert.deepEqual(JSON.parse(res.body), { error: unrecognised, outcome: { transientFailure: false, unrecognised } });
    });
  });

  it('answers 413 to a 17 MiB chunked body at the default limits, keeps serving, and finishes the notification in flight', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler }, async (server) => {
      const inFlight = post(server, rgwFixture);
      await gate.waitForCalls(1);
      const huge = await send(server.notificationUrl, {
        headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' },
        chunks: Array.from({ length: 17 }, () => Buffer.alloc(1024 * 1024, 0x20)),
      });
      assert.equal(huge.status, 413);
      assert.match(JSON.parse(huge.body).error, /^Request body is too large: at least \d+ bytes; the limit is 1048576 bytes\.$/);
      const health = await send(`${server.url}/healthz`, { method: 'GET' });
      assert.deepEqual(JSON.parse(health.body), { status: 'ok', active: 1, queued: 0 });
      gate.releaseAll();
      assert.equal((await inFlight).status, 200);
      const after = post(server, rgwFixture);
      await gate.waitForCalls(2);
      gate.releaseAll();
      assert.equal((await after).status, 200);
    });
  });
});

describe('serve: JD OSS verification handshake and S3 test events', () => {
  for (const messageType of ['SubscriptionConfirmation', 'SubscriptionConfiguration']) {
    it(`answers x-jdcloud-message-type: ${messageType} with the base64 of the body`, async () => {
      const gate = gatedHandler();
      await withServer({ handleNotification: gate.handler }, async (server) => {
        const body = 'verify-me: 随机 challenge 12345';
        const res = await send(`${server.notificationUrl}?token=${token}`, {
          headers: { 'x-jdcloud-message-type': messageType },
          body,
        });
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(res.body, Buffer.from(body, 'utf8').toString('base64'));
        assert.equal(gate.calls.length, 0);
      });
    });
  }

  it('still requires the token for the handshake', async () => {
    await withServer({}, async (server) => {
      const res = await send(server.notificationUrl, { headers: { 'x-jdcloud-message-type': 'SubscriptionConfirmation' }, body: 'x' });
      assert.equal(res.status, 401);
    });
  });

  it('treats x-jdcloud-message-type: Notification as a notification', async () => {
    const { received, handleNotification } = recordingHandler();
    await withServer(
      { handleNotification },
      async (server) => {
        const res = await post(server, rgwFixture, { 'x-jdcloud-message-type': 'Notification' });
        assert.equal(res.status, 200);
        assert.deepEqual(received, [rgwFixture]);
      },
    );
  });

  it('answers s3:TestEvent with 200 and does not run the pipeline', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler }, async (server) => {
      const res = await post(server, {
        Service: 'Amazon S3',
        Event: 's3:TestEvent',
        Time: '2026-11-28T04:53:35.000Z',
        Bucket: 'images',
        RequestId: '5582815E1AEA5ADF',
        HostId: 'x',
      });
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { status: 'ignored', reason: 's3:TestEvent is not an upload' });
      assert.equal(gate.calls.length, 0);
    });
  });
});

describe('serve: outcomes', () => {
  it('answers 200 only after the handler has finished, with its outcome', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler }, async (server) => {
      let answered = false;
      const pending = post(server, rgwFixture).then((res) => {
        answered = true;
        return res;
      });
      await gate.waitForCalls(1);
      // Give the server every chance to answer early; it must not.
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(answered, false);
      gate.releaseAll({ transientFailure: false, imported: 1 } as NotificationOutcome);
      const res = await pending;
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { status: 'recorded', outcome: { transientFailure: false, imported: 1 } });
      assert.deepEqual(gate.calls, [rgwFixture]);
      assert.equal(server.counters.recorded, 1);
    });
  });

  it('answers 503 with Retry-After when the handler reports a transient failure', async () => {
    await withServer({ handleNotification: async () => ({ transientFailure: true }) }, async (server) => {
      const res = await post(server, rgwFixture);
      assert.equal(res.status, 503);
      assert.equal(res.headers['retry-after'], '5');
      assert.deepEqual(JSON.parse(res.body), { status: 'retry', outcome: { transientFailure: true } });
      assert.equal(server.counters.retryable, 1);
    });
  });

  it('answers 500 when the handler throws, and logs the error without the token', async () => {
    const log = capturingLog();
    await withServer(
      {
        log,
        handleNotification: async () => {
          throw new Error('status record write failed: ECONNRESET');
        },
      },
      async (server) => {
        const res = await send(`${server.notificationUrl}?token=${token}`, { body: JSON.stringify(rgwFixture) });
        assert.equal(res.status, 500);
        const body = JSON.parse(res.body) as { error: string; requestId: string };
        assert.equal(body.error, 'Handling the notification failed; the sender should retry.');
        assert.equal(res.headers['x-request-id'], body.requestId);
        const failure = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['message'] === 'notification failed');
        assert.deepEqual(failure, {
          requestId: body.requestId,
          path: '/events',
          error: 'status record write failed: ECONNRESET',
          errorName: 'Error',
          message: 'notification failed',
        });
        for (const line of log.lines) assert.ok(!line.includes(token), line);
      },
    );
  });
});

describe('serve: bounded concurrency', () => {
  it('runs at most maxConcurrency handlers at once, queues maxQueued, refuses the rest with 503', async () => {
    const gate = gatedHandler();
    await withServer({ handleNotification: gate.handler, maxConcurrency: 2, maxQueued: 1 }, async (server) => {
      const first = [post(server, { Records: [1] }), post(server, { Records: [2] })];
      await gate.waitForCalls(2);
      const queued = post(server, { Records: [3] });
      // Wait until the third is queued (healthz reports it) before the fourth arrives.
      for (;;) {
        const health = JSON.parse((await send(`${server.url}/healthz`, { method: 'GET' })).body) as { queued: number };
        if (health.queued === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const refused = await post(server, { Records: [4] });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.deepEqual(JSON.parse(refused.body), { error: 'Too many notifications waiting; try again shortly.' });

      gate.releaseAll();
      await gate.waitForCalls(3);
      gate.releaseAll();
      const statuses = (await Promise.all([...first, queued])).map((res) => res.status);
      assert.deepEqual(statuses, [200, 200, 200]);
      assert.equal(gate.maxActive, 2);
      assert.equal(gate.calls.length, 3);
    });
  });

  it('answers events that import nothing while every slot is busy (no deadlock with synchronous senders)', async () => {
    const gate = gatedHandler();
    const light: unknown[] = [];
    await withServer(
      {
        maxConcurrency: 1,
        maxQueued: 0,
        importsNothing: (event) => (event as { Records?: unknown[] }).Records?.[0] === 'status-record',
        handleNotification: async (event) => {
          if ((event as { Records: unknown[] }).Records[0] === 'status-record') {
            light.push(event);
            return { transientFailure: false };
          }
          return gate.handler(event);
        },
      },
      async (server) => {
        const busy = post(server, { Records: ['image'] });
        await gate.waitForCalls(1);
        const statusRecord = await post(server, { Records: ['status-record'] });
        assert.equal(statusRecord.status, 200);
        assert.deepEqual(light, [{ Records: ['status-record'] }]);
        const refused = await post(server, { Records: ['another image'] });
        assert.equal(refused.status, 503);
        gate.releaseAll();
        assert.equal((await busy).status, 200);
      },
    );
  });
});

describe('serve: graceful shutdown', () => {
  it('finishes in-flight notifications, answers queued ones with 503, and stops listening', async () => {
    const gate = gatedHandler();
    const server = await startNotificationServer({ token, handleNotification: gate.handler, maxConcurrency: 1, maxQueued: 4 });
    const inFlight = post(server, { Records: ['in-flight'] });
    await gate.waitForCalls(1);
    const queued = post(server, { Records: ['queued'] });
    for (;;) {
      const health = JSON.parse((await send(`${server.url}/healthz`, { method: 'GET' })).body) as { queued: number };
      if (health.queued === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    const queuedRes = await queued;
    assert.equal(queuedRes.status, 503);
    assert.equal(queuedRes.headers['connection'], 'close');
    assert.deepEqual(JSON.parse(queuedRes.body), { error: 'The endpoint is shutting down; try again shortly.' });
    await assert.rejects(send(`${server.url}/healthz`, { method: 'GET' }), { code: 'ECONNREFUSED' });
    assert.equal(stopped, false);

    gate.releaseAll();
    const inFlightRes = await inFlight;
    assert.equal(inFlightRes.status, 200);
    await stopping;
    assert.equal(stopped, true);
    assert.deepEqual(gate.calls, [{ Records: ['in-flight'] }]);
  });

  it('stop() is safe to call twice and with nothing in flight', async () => {
    const server = await startNotificationServer({ token, handleNotification: async () => ({ transientFailure: false }) });
    assert.equal((await post(server, rgwFixture)).status, 200);
    const stops = await Promise.allSettled([server.stop(), server.stop()]);
    assert.deepEqual(stops.map((stop) => stop.status), ['fulfilled', 'fulfilled']);
    await server.stop();
    // Stopped for good: nothing listens any more, and the one notification it took was recorded.
    await assert.rejects(post(server, rgwFixture), /ECONNREFUSED/);
    assert.deepEqual({ received: server.counters.received, recorded: server.counters.recorded }, { received: 1, recorded: 1 });
  });
});
