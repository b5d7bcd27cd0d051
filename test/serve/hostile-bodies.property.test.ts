// Random bodies, sizes, chunking and hang-ups never stop `serve`, nor the notification in flight.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { NotificationOutcome } from '../../src/edges/serve/notification-handler.js';
import { startNotificationServer } from '../../src/edges/serve/notification-server.js';

const token = 'hostile-bodies-token-0123456789';
const limit = 1024;
const discardLimit = 8 * 1024;
const notification = JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'images' }, object: { key: 'a.qcow2' } } }] });

interface HostileRequest {
  body: Uint8Array;
  framing: 'chunked' | 'content-length';
  chunkSize: number;
  /** Hang up after this many body bytes (before the end). */
  hangUpAfter: number | null;
  /** Declare a longer Content-Length than is sent (always followed by a hang-up). */
  lieAboutLength: boolean;
  token: 'right' | 'wrong' | 'none';
}

type Answer = { status: number } | { reset: true } | { hungUp: true };

const bodyArbitrary = fc.oneof(
  fc.constant(new TextEncoder().encode(notification)),
  fc.constantFrom('{}', '{"foo":1}', '{"Records":"x"}', '[]', 'null', '{"Event":"s3:TestEvent"}').map((text) => new TextEncoder().encode(text)),
  fc.json({ maxDepth: 3 }).map((text) => new TextEncoder().encode(text)),
  fc.uint8Array({ maxLength: 3 * limit }),
  fc.integer({ min: limit - 16, max: 2 * discardLimit }).map((size) => new Uint8Array(size).fill(0x20)),
);

const requestArbitrary: fc.Arbitrary<HostileRequest> = fc.record({
  body: bodyArbitrary,
  framing: fc.constantFrom('chunked' as const, 'content-length' as const),
  chunkSize: fc.integer({ min: 1, max: 4096 }),
  hangUpAfter: fc.option(fc.nat({ max: 2 * discardLimit }), { freq: 4 }),
  lieAboutLength: fc.boolean(),
  token: fc.constantFrom('right' as const, 'right' as const, 'wrong' as const, 'none' as const),
});

/** Sends one request as the case says; resolves with the answer, a reset, or the hang-up. */
function sendHostile(url: string, hostile: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (hostile.token !== 'none') headers['authorization'] = `Bearer ${hostile.token === 'right' ? token : `${token}x`}`;
    const hangUpAfter = hostile.lieAboutLength ? Math.min(hostile.hangUpAfter ?? hostile.body.length, hostile.body.length) : hostile.hangUpAfter;
    if (hostile.framing === 'chunked') headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = hostile.body.length + (hostile.lieAboutLength ? 1 : 0);
    const deadline = setTimeout(() => reject(new Error(`no answer in 20 s: ${summary(hostile)}`)), 20_000);
    const settle = (answer: Answer) => {
      clearTimeout(deadline);
      resolve(answer);
    };
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => settle({ status: res.statusCode ?? 0 }));
      res.on('error', () => settle({ status: res.statusCode ?? 0 }));
    });
    req.on('error', () => settle(hangUpAfter !== null && hangUpAfter < hostile.body.length + 1 ? { hungUp: true } : { reset: true }));
    let offset = 0;
    const write = () => {
      while (offset < hostile.body.length) {
        const end = Math.min(offset + hostile.chunkSize, hostile.body.length, hangUpAfter ?? Infinity);
        if (end <= offset) break;
        const more = req.write(hostile.body.subarray(offset, end));
        offset = end;
        if (!more) return void req.once('drain', write);
      }
      if (hangUpAfter !== null && hangUpAfter <= hostile.body.length) {
        req.destroy();
        settle({ hungUp: true });
      } else {
        req.end();
      }
    };
    req.on('socket', write);
  });
}

function summary(hostile: HostileRequest): string {
  return JSON.stringify({ ...hostile, body: `${hostile.body.length} bytes` });
}

/** What the endpoint must answer a request sent whole: from the rules in the README, case by case. */
function expectedStatus(hostile: HostileRequest): { status: number; mayReset: boolean } {
  if (hostile.token !== 'right') return { status: 401, mayReset: hostile.body.length > 0 };
  if (hostile.body.length > discardLimit) return { status: 413, mayReset: true };
  if (hostile.body.length > limit) return { status: 413, mayReset: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(hostile.body));
  } catch {
    return { status: 400, mayReset: false };
  }
  const object = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { Records?: unknown; Event?: unknown }) : undefined;
  const isTestEvent = typeof object?.Event === 'string' && object.Event.endsWith('TestEvent');
  return { status: isTestEvent || Array.isArray(object?.Records) ? 200 : 400, mayReset: false };
}

describe('serve: hostile bodies (property)', () => {
  it('answers every whole request as the rules say, survives hang-ups, and finishes the notification in flight', async () => {
    const held: Array<(outcome: NotificationOutcome) => void> = [];
    const releaseHeld = () => {
      for (const release of held.splice(0)) release({ transientFailure: false });
    };
    const server = await startNotificationServer({
      token,
      maxBodyBytes: limit,
      discardLimitBytes: discardLimit,
      handleNotification: async (event) => {
        if ((event as { hold?: boolean }).hold !== true) return { transientFailure: false };
        return new Promise<NotificationOutcome>((resolve) => held.push(resolve));
      },
    });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(requestArbitrary, { minLength: 1, maxLength: 4 }), async (requests) => {
          let holderEnded = false;
          const holder = fetch(`${server.notificationUrl}?token=${token}`, { method: 'POST', body: JSON.stringify({ Records: [], hold: true }) })
            .then(
              (res) => res.status,
              (error: unknown) => `the held notification failed: ${String(error)}`,
            )
            .finally(() => {
              holderEnded = true;
            });
          try {
            // Until the held notification is in the handler, or has ended without getting there.
            while (held.length === 0 && !holderEnded) await new Promise((resolve) => setTimeout(resolve, 1));
            if (held.length === 0) assert.fail(`the held notification never reached the handler: ${String(await holder)}`);
            const answers = await Promise.all(requests.map((hostile) => sendHostile(server.notificationUrl, hostile)));
            answers.forEach((answer, index) => {
              const hostile = requests[index]!;
              if ('hungUp' in answer) return;
              const expected = expectedStatus(hostile);
              if ('reset' in answer) assert.ok(expected.mayReset, `reset instead of ${expected.status}: ${summary(hostile)}`);
              else assert.equal(answer.status, expected.status, summary(hostile));
            });
            const health = await fetch(`${server.url}/healthz`);
            assert.deepEqual(await health.json(), { status: 'ok', active: 1, queued: 0 });
          } finally {
            releaseHeld();
          }
          assert.equal(await holder, 200);
        }),
        // Every run counts: a run cut short on a busy machine would pass after a few cases.
        { numRuns: 40 },
      );
    } finally {
      releaseHeld();
      await server.stop();
    }
  });
});
