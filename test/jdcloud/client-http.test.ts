// The client against the VM API emulator over real HTTP: retries and what is never retried,
// every fault kind, the error classes with their whole messages, and a fresh nonce per attempt.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import * as z from '../../src/kernel/zod.js';
import { createJdCloudClient, type JdCloudClientOptions, type RetryNotice } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import { JdCloudApiError, JdCloudConfigError, JdCloudNetworkError, JdCloudResponseError, JdCloudTimeoutError, MissingCredentialsError } from '../../src/adapters/jdcloud/errors.js';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { ubuntuImportRequest } from '../../harness/import-request.js';

const credentials = { accessKeyId: 'CLIENT-TEST-AK', secretAccessKey: 'CLIENT-TEST-SK' };
const tasksSchema = z.object({ taskSet: z.array(z.unknown()), totalCount: z.number() });
const importSchema = z.object({ imageId: z.string(), taskId: z.string() });
const ubuntu = ubuntuImportRequest('ubuntu');

describe('JD Cloud client over HTTP', () => {
  let emulator: VmEmulator;
  let tasksUrl: string;
  let importUrl: string;
  const clients: Array<{ close(): Promise<void> }> = [];
  let notices: RetryNotice[];

  // Small backoff so retries cost milliseconds; jitter fixed at half the ceiling.
  function client(options: Partial<JdCloudClientOptions> = {}) {
    const created = createJdCloudClient({
      endpoint: emulator.url,
      service: 'vm',
      credentials,
      retry: { maxAttempts: 4, baseDelayMs: 2, maxElapsedMs: 10_000 },
      timeouts: { connectMs: 2000, headersMs: 2000, bodyMs: 2000, attemptMs: 8000 },
      random: () => 0.5,
      onRetry: (notice) => notices.push(notice),
      ...options,
    });
    clients.push(created);
    return created;
  }
  const listTasks = (target = client()) =>
    target.call({ method: 'GET', regionId: 'cn-north-1', path: '/imageTasks', query: { taskAction: 'ImportImage' }, schema: tasksSchema });
  const lastRequestId = () => emulator.requests.at(-1)?.requestId ?? '';

  before(async () => {
    emulator = await startVmEmulator({ credentials: [credentials] });
    tasksUrl = `${emulator.url}/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage`;
    importUrl = `${emulator.url}/v1/regions/cn-north-1/images:import`;
  });
  after(async () => {
    for (const created of clients) await created.close();
    await emulator.stop();
  });
  beforeEach(() => {
    emulator.clearFaults();
    notices = [];
  });

  test('a call succeeds in one attempt with the request id of the response', async () => {
    const response = await listTasks();
    assert.equal(response.attempts, 1);
    assert.equal(response.requestId, lastRequestId());
    assert.deepEqual(response.result, { taskSet: [], totalCount: 0 });
  });

  test('500 twice, then success: 3 attempts, each signed with its own nonce', async () => {
    emulator.injectFault({ kind: 'status', status: 500, count: 2 });
    const before = emulator.requests.length;
    const response = await listTasks();
    assert.equal(response.attempts, 3);
    const attempts = emulator.requests.slice(before);
    assert.equal(attempts.length, 3);
    assert.equal(new Set(attempts.map((attempt) => attempt.nonce)).size, 3);
    for (const attempt of attempts) assert.match(attempt.jdCloudDate ?? '', /^\d{8}T\d{6}Z$/);
    assert.deepEqual(
      notices.map((notice) => [notice.attempt, notice.delayMs, notice.error.name]),
      [
        [1, 1, 'JdCloudApiError'],
        [2, 2, 'JdCloudApiError'],
      ],
    );
    assert.equal(
      notices[0]?.error.message,
      `GET ${tasksUrl} failed with HTTP 500 INTERNAL: Internal server error (code 500, request id ${attempts[0]?.requestId}, 1 attempt)`,
    );
  });

  test('a 5xx that outlasts maxAttempts ends in JdCloudApiError carrying every field', async () => {
    emulator.injectFault({ kind: 'status', status: 503, count: 3 });
    const error = await listTasks(client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxElapsedMs: 10_000 } })).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    const requestId = lastRequestId();
    assert.equal(
      error.message,
      `GET ${tasksUrl} failed with HTTP 503 UNAVAILABLE: Service unavailable, please retry later (code 503, request id ${requestId}, 3 attempts)`,
    );
    assert.deepEqual(
      { httpStatus: error.httpStatus, status: error.status, code: error.code, apiMessage: error.apiMessage, requestId: error.requestId, attempts: error.attempts, retryable: error.retryable },
      { httpStatus: 503, status: 'UNAVAILABLE', code: 503, apiMessage: 'Service unavailable, please retry later', requestId, attempts: 3, retryable: true },
    );
  });

  test('429 with Retry-After waits what the server asked', async () => {
    emulator.injectFault({ kind: 'status', status: 429, retryAfter: 1 });
    const response = await listTasks();
    assert.equal(response.attempts, 2);
    assert.deepEqual(notices.map((notice) => [notice.delayMs, (notice.error as JdCloudApiError).status]), [[1000, 'RATE_LIMIT_EXCEEDED']]);
  });

  test('429 without Retry-After backs off with jitter', async () => {
    emulator.injectFault({ kind: 'status', status: 429, count: 2 });
    const response = await listTasks(client({ retry: { maxAttempts: 4, baseDelayMs: 20, maxElapsedMs: 10_000 } }));
    assert.equal(response.attempts, 3);
    assert.deepEqual(notices.map((notice) => notice.delayMs), [10, 20]);
  });

  test('a Retry-After beyond the time budget ends the call at once', async () => {
    emulator.injectFault({ kind: 'status', status: 429, retryAfter: 60 });
    const error = await listTasks().catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.deepEqual([error.httpStatus, error.attempts, error.retryable], [429, 1, true]);
    assert.equal(notices.length, 0);
  });

  test('retries stop when the total time budget is spent', async () => {
    emulator.injectFault({ kind: 'status', status: 500, count: 50 });
    const error = await listTasks(client({ retry: { maxAttempts: 50, baseDelayMs: 40, maxDelayMs: 40, maxElapsedMs: 150 } })).catch(
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof JdCloudApiError);
    assert.ok(error.attempts > 1 && error.attempts < 50, `attempts ${error.attempts}`);
  });

  test('400 is never retried: one request reaches the server', async () => {
    const before = emulator.counters.requests;
    const error = await client()
      .call({ method: 'POST', regionId: 'cn-north-1', path: '/images:import', body: { ...ubuntu, systemDiskSizeGB: 45 }, schema: importSchema })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.equal(
      error.message,
      `POST ${importUrl} failed with HTTP 400 OUT_OF_RANGE: SystemDiskSizeGB must be multiple of 10 (code 400, request id ${lastRequestId()}, 1 attempt)`,
    );
    assert.equal(error.retryable, false);
    assert.equal(emulator.counters.requests, before + 1);
  });

  test('a wrong secret: 401 ACCESS_ERROR with the credentials hint, not retried', async () => {
    const before = emulator.counters.requests;
    const error = await listTasks(client({ credentials: { ...credentials, secretAccessKey: 'wrong' } })).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.equal(
      error.message,
      `GET ${tasksUrl} failed with HTTP 401 ACCESS_ERROR: sign result is not same [gw] (code 401, request id ${lastRequestId()}, 1 attempt). ` +
        'Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may call this API.',
    );
    assert.equal(error.apiMessage, 'sign result is not same [gw]');
    assert.doesNotMatch(error.message, /wrong|CLIENT-TEST-SK/);
    assert.equal(emulator.counters.requests, before + 1);
  });

  test('each attempt takes its date from now() and its nonce from nonce()', async () => {
    let made = 0;
    const signedAt = new Date(Date.now() - 60_000);
    const two = (value: number) => String(value).padStart(2, '0');
    const expectedDate = `${signedAt.getUTCFullYear()}${two(signedAt.getUTCMonth() + 1)}${two(signedAt.getUTCDate())}T${two(signedAt.getUTCHours())}${two(signedAt.getUTCMinutes())}${two(signedAt.getUTCSeconds())}Z`;
    emulator.injectFault({ kind: 'status', status: 500 });
    const before = emulator.requests.length;
    const response = await listTasks(client({ now: () => signedAt, nonce: () => `client-http-nonce-${++made}` }));
    assert.equal(response.attempts, 2);
    assert.deepEqual(
      emulator.requests.slice(before).map((attempt) => [attempt.nonce, attempt.jdCloudDate, attempt.outcome]),
      [
        ['client-http-nonce-1', expectedDate, 500],
        ['client-http-nonce-2', expectedDate, 200],
      ],
    );
  });

  test('a clock 20 minutes slow (the deprecated clock option) is refused by the gateway, not retried', async () => {
    const slow = client({ clock: () => new Date(Date.now() - 20 * 60_000) });
    const error = await listTasks(slow).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.equal(error.httpStatus, 401);
    assert.match(error.apiMessage, /^request time '\d{8}T\d{6}Z' is too far from server time\[gw\]$/);
    assert.equal(error.attempts, 1);
  });

  test('a dropped connection is a network error and is retried', async () => {
    emulator.injectFault({ kind: 'drop' });
    assert.equal((await listTasks()).attempts, 2);
    emulator.injectFault({ kind: 'drop', count: 2 });
    const error = await listTasks(client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxElapsedMs: 10_000 } })).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudNetworkError);
    assert.equal(error.message, `GET ${tasksUrl} failed: network error: UND_ERR_SOCKET other side closed (2 attempts)`);
    assert.equal(error.retryable, true);
  });

  test('a connection refused is a network error', async () => {
    const closed = await startVmEmulator({ credentials: [credentials] });
    await closed.stop();
    const error = await listTasks(client({ endpoint: closed.url, retry: { maxAttempts: 2, baseDelayMs: 1, maxElapsedMs: 10_000 } })).catch(
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof JdCloudNetworkError);
    assert.equal(
      error.message,
      `GET ${closed.url}/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage failed: network error: connect ECONNREFUSED ${closed.url.slice('http://'.length)} (2 attempts)`,
    );
  });

  test('an import whose answer was lost is retried with the same clientToken: one image', async () => {
    const before = emulator.counters.imagesCreated;
    emulator.injectFault({ kind: 'drop', afterProcessing: true, operation: 'importImage' });
    const response = await client().call({
      method: 'POST',
      regionId: 'cn-north-1',
      path: '/images:import',
      body: { ...ubuntu, clientToken: 'client-http-lost-answer' },
      schema: importSchema,
    });
    assert.equal(response.attempts, 2);
    assert.equal(emulator.counters.imagesCreated, before + 1);
  });

  test('a response that never ends times out (body), and is retried', async () => {
    emulator.injectFault({ kind: 'hang', count: 2 });
    const error = await listTasks(
      client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxElapsedMs: 10_000 }, timeouts: { bodyMs: 200, attemptMs: 8000 } }),
    ).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudTimeoutError);
    assert.equal(error.message, `GET ${tasksUrl} timed out: waiting for more of the response body took longer than 200 ms (2 attempts)`);
    assert.deepEqual([error.phase, error.retryable, error.attempts], ['body', true, 2]);
  });

  test('the whole-attempt limit ends a response that never ends', async () => {
    emulator.injectFault({ kind: 'hang' });
    const error = await listTasks(
      client({ retry: { maxAttempts: 1, baseDelayMs: 1, maxElapsedMs: 10_000 }, timeouts: { bodyMs: 60_000, attemptMs: 300 } }),
    ).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudTimeoutError);
    assert.equal(error.message, `GET ${tasksUrl} timed out: the whole request took longer than 300 ms (1 attempt)`);
  });

  test('no response headers in time: a headers timeout', async () => {
    emulator.injectFault({ kind: 'delay', ms: 3000 });
    const error = await listTasks(client({ retry: { maxAttempts: 1, baseDelayMs: 1, maxElapsedMs: 10_000 }, timeouts: { headersMs: 200 } })).catch(
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof JdCloudTimeoutError);
    assert.equal(error.phase, 'headers');
    assert.equal(error.message, `GET ${tasksUrl} timed out: waiting for the response headers took longer than 200 ms (1 attempt)`);
  });

  test('a short delay is just slow, not an error', async () => {
    emulator.injectFault({ kind: 'delay', ms: 50 });
    assert.equal((await listTasks()).attempts, 1);
  });

  test('an HTML page from a proxy: JdCloudResponseError, retried as a 502', async () => {
    emulator.injectFault({ kind: 'html', count: 2 });
    const error = await listTasks(client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxElapsedMs: 10_000 } })).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudResponseError);
    assert.equal(
      error.message,
      `GET ${tasksUrl} returned an unusable HTTP 502 response: the body is an HTML page, not JSON (title "502 Bad Gateway") (request id none, 2 attempts)`,
    );
    assert.deepEqual([error.httpStatus, error.retryable], [502, true]);
  });

  test('a 200 HTML page is not retried', async () => {
    emulator.injectFault({ kind: 'html', status: 200 });
    const error = await listTasks().catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudResponseError);
    assert.deepEqual([error.attempts, error.retryable], [1, false]);
  });

  test('a non-JSON 200: JdCloudResponseError, not retried', async () => {
    emulator.injectFault({ kind: 'raw', status: 200, body: 'OK', headers: { 'x-jdcloud-request-id': 'raw-request-1' } });
    const before = emulator.counters.requests;
    const error = await listTasks().catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudResponseError);
    const parseMessage = (() => {
      try {
        JSON.parse('OK');
      } catch (caught) {
        return (caught as Error).message;
      }
      return '';
    })();
    assert.equal(
      error.message,
      `GET ${tasksUrl} returned an unusable HTTP 200 response: the body is not valid JSON (${parseMessage}); it starts "OK" (request id raw-request-1, 1 attempt)`,
    );
    assert.equal(emulator.counters.requests, before + 1);
  });

  test('a truncated response: JdCloudResponseError, not retried', async () => {
    emulator.injectFault({ kind: 'truncate' });
    const error = await listTasks().catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudResponseError);
    assert.equal(
      error.message,
      `GET ${tasksUrl} returned an unusable HTTP 200 response: the body was cut off (UND_ERR_SOCKET other side closed) (request id none, 1 attempt)`,
    );
    assert.equal(error.retryable, false);
  });

  test('a 200 without "result": JdCloudResponseError naming the request id', async () => {
    emulator.injectFault({ kind: 'raw', status: 200, body: '{"requestId":"no-result-1"}', headers: { 'content-type': 'application/json' } });
    const error = await listTasks().catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudResponseError);
    assert.equal(error.message, `GET ${tasksUrl} returned an unusable HTTP 200 response: the body has no "result" (request id no-result-1, 1 attempt)`);
  });

  test('a result of the wrong shape: JdCloudResponseError saying where', async () => {
    emulator.injectFault({ kind: 'raw', status: 200, body: '{"requestId":"shape-1","result":{"taskSet":"none"}}' });
    const error = await listTasks().catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudResponseError);
    assert.equal(
      error.problem,
      '"result" does not have the expected shape: taskSet: Invalid input: expected array, received string; totalCount: Invalid input: expected number, received undefined',
    );
  });

  test('missing or empty credentials, a bad endpoint and a bad region are refused before anything is sent', async () => {
    const before = emulator.counters.requests;
    assert.throws(() => client({ credentials: { accessKeyId: '', secretAccessKey: '' } }), (error: unknown) => {
      assert.ok(error instanceof MissingCredentialsError);
      assert.equal(
        error.message,
        'JD Cloud credentials are missing: credentials.accessKeyId is empty, credentials.secretAccessKey is empty. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.',
      );
      return true;
    });
    assert.throws(() => client({ credentials: { accessKeyId: 'AK' } as never }), { name: 'MissingCredentialsError' });
    assert.throws(() => client({ endpoint: 'vm.jdcloud-api.com' }), {
      name: 'JdCloudConfigError',
      message: 'endpoint "vm.jdcloud-api.com" is not a URL; expected a base URL such as https://vm.jdcloud-api.com.',
    });
    assert.throws(() => client({ endpoint: 'http://vm.jdcloud-api.com' }), { name: 'JdCloudConfigError' });
    await assert.rejects(
      client().call({ method: 'GET', regionId: 'beijing', path: '/imageTasks', schema: tasksSchema }),
      (error: unknown) => {
        assert.ok(error instanceof JdCloudConfigError);
        assert.equal(
          error.message,
          'regionId "beijing" is not a JD Cloud region id; expected the form cn-north-1 (documented regions: cn-north-1, cn-east-1, cn-east-2, cn-south-1).',
        );
        return true;
      },
    );
    for (const path of ['/images/..', '/images/./x']) {
      await assert.rejects(client().call({ method: 'GET', regionId: 'cn-north-1', path, schema: tasksSchema }), {
        name: 'JdCloudConfigError',
        message: `path "${path}" has a "." or ".." segment, which would reach another path.`,
      });
    }
    assert.equal(emulator.counters.requests, before);
  });

  test('an injected dispatcher is used and left open by close()', async () => {
    const agent = new Agent({ connections: 2 });
    try {
      const withAgent = client({ dispatcher: agent });
      assert.equal((await listTasks(withAgent)).attempts, 1);
      await withAgent.close();
      assert.equal(agent.closed, false);
      assert.equal((await listTasks(client({ dispatcher: agent }))).attempts, 1);
    } finally {
      await agent.close();
    }
  });

  test('the caller can abort during a backoff', async () => {
    emulator.injectFault({ kind: 'status', status: 503, count: 5 });
    const controller = new AbortController();
    const slow = client({ retry: { maxAttempts: 5, baseDelayMs: 5000, maxDelayMs: 5000, maxElapsedMs: 60_000 }, onRetry: () => controller.abort() });
    await assert.rejects(
      slow.call({ method: 'GET', regionId: 'cn-north-1', path: '/imageTasks', query: { taskAction: 'ImportImage' }, schema: tasksSchema, signal: controller.signal }),
      { name: 'AbortError' },
    );
  });
});

describe('JD Cloud client response limits', () => {
  test('a response larger than maxResponseBytes is refused, not read to the end', async () => {
    const emulator = await startVmEmulator({ credentials: [credentials] });
    const small = createJdCloudClient({ endpoint: emulator.url, service: 'vm', credentials, maxResponseBytes: 1024 });
    try {
      emulator.injectFault({ kind: 'raw', status: 200, body: `{"requestId":"big-1","result":"${'x'.repeat(4096)}"}` });
      const error = await small
        .call({ method: 'GET', regionId: 'cn-north-1', path: '/imageTasks', query: { taskAction: 'ImportImage' }, schema: tasksSchema })
        .catch((caught: unknown) => caught);
      assert.ok(error instanceof JdCloudResponseError);
      assert.equal(
        error.message,
        `GET ${emulator.url}/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage returned an unusable HTTP 200 response: the body is larger than 1024 bytes (request id none, 1 attempt)`,
      );
      // The connection is usable again afterwards.
      const response = await small.call({ method: 'GET', regionId: 'cn-north-1', path: '/imageTasks', query: { taskAction: 'ImportImage' }, schema: tasksSchema });
      assert.equal(response.attempts, 1);
    } finally {
      await small.close();
      await emulator.stop();
    }
  });
});
