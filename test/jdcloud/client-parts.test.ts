// The pure parts of the client: endpoint and region checks, query flattening, retry timing,
// and reading a response into a result or an error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as z from '../../src/kernel/zod.js';
import { parseEndpoint } from '../../src/adapters/jdcloud/client/endpoint.js';
import { checkRegionId } from '../../src/adapters/jdcloud/region.js';
import { queryPairs } from '../../src/adapters/jdcloud/client/query-params.js';
import {
  backoffDelayMs,
  defaultRetryOptions,
  nextRetryDelayMs,
  parseRetryAfterMs,
} from '../../src/adapters/jdcloud/client/retry-policy.js';
import { readResponse, type ReceivedResponse } from '../../src/adapters/jdcloud/client/read-response.js';
import { JdCloudApiError, JdCloudResponseError, JdCloudConfigError } from '../../src/adapters/jdcloud/errors.js';

describe('endpoint', () => {
  test('https anywhere, http only on loopback, a base path kept without trailing slash', () => {
    assert.deepEqual(parseEndpoint('https://vm.jdcloud-api.com'), { origin: 'https://vm.jdcloud-api.com', basePath: '' });
    assert.deepEqual(parseEndpoint('http://127.0.0.1:9000/'), { origin: 'http://127.0.0.1:9000', basePath: '' });
    assert.deepEqual(parseEndpoint('http://localhost:9000/api/'), { origin: 'http://localhost:9000', basePath: '/api' });
    assert.deepEqual(parseEndpoint('http://[::1]:9000'), { origin: 'http://[::1]:9000', basePath: '' });
  });

  test('rejections name the field, the value and what is allowed', () => {
    const cases: Array<[string, string]> = [
      ['vm.jdcloud-api.com', 'endpoint "vm.jdcloud-api.com" is not a URL; expected a base URL such as https://vm.jdcloud-api.com.'],
      ['', 'endpoint "" is not a URL; expected a base URL such as https://vm.jdcloud-api.com.'],
      ['ftp://vm.jdcloud-api.com', 'endpoint "ftp://vm.jdcloud-api.com" uses ftp; expected a base URL such as https://vm.jdcloud-api.com.'],
      [
        'http://vm.jdcloud-api.com',
        'endpoint "http://vm.jdcloud-api.com" uses plain http for a host that is not loopback; use https (http is allowed only for localhost and 127.0.0.1).',
      ],
      ['https://user:pw@vm.jdcloud-api.com', 'endpoint must not contain a user name or password; expected a base URL such as https://vm.jdcloud-api.com.'],
      ['https://vm.jdcloud-api.com/?a=1', 'endpoint "https://vm.jdcloud-api.com/?a=1" has a query or fragment; expected a base URL such as https://vm.jdcloud-api.com.'],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => parseEndpoint(value), (error: unknown) => {
        assert.ok(error instanceof JdCloudConfigError);
        assert.equal(error.message, message);
        assert.equal(error.field, 'endpoint');
        assert.equal(error.retryable, false);
        assert.equal(error.attempts, 0);
        return true;
      });
    }
  });
});

describe('region', () => {
  test('JD region ids pass, anything else is refused with the documented list', () => {
    for (const region of ['cn-north-1', 'cn-east-2', 'cn-south-1', 'cn-func-2']) assert.equal(checkRegionId(region), region);
    for (const region of ['Beijing', 'CN-NORTH-1', 'cn-north', 'cn-north-1 ', '', 'cn_north_1', '../x']) {
      assert.throws(() => checkRegionId(region), {
        name: 'JdCloudConfigError',
        message: `regionId ${JSON.stringify(region)} is not a JD Cloud region id; expected the form cn-north-1 (documented regions: cn-north-1, cn-east-1, cn-east-2, cn-south-1).`,
      });
    }
  });
});

describe('query parameters', () => {
  test('arrays become name.N from 1; undefined is left out', () => {
    assert.deepEqual(queryPairs({ taskAction: 'ImportImage', taskIds: [709, '794'], taskStatus: undefined, pageSize: 10, flag: true }), [
      ['taskAction', 'ImportImage'],
      ['taskIds.1', '709'],
      ['taskIds.2', '794'],
      ['pageSize', '10'],
      ['flag', 'true'],
    ]);
  });
});

describe('retry policy', () => {
  const options = { ...defaultRetryOptions, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5, maxElapsedMs: 10_000 };

  test('full jitter: uniform below a ceiling that doubles and is capped', () => {
    assert.equal(backoffDelayMs(1, options, () => 0.999), 99);
    assert.equal(backoffDelayMs(2, options, () => 0.5), 100);
    assert.equal(backoffDelayMs(3, options, () => 0.5), 200);
    assert.equal(backoffDelayMs(10, options, () => 0.5), 500);
    assert.equal(backoffDelayMs(3, options, () => 0), 0);
  });

  test('Retry-After: seconds or an HTTP date', () => {
    assert.equal(parseRetryAfterMs('2', 0), 2000);
    assert.equal(parseRetryAfterMs(' 0 ', 0), 0);
    assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 5000);
    assert.equal(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT')), 0);
    assert.equal(parseRetryAfterMs('soon', 0), undefined);
    assert.equal(parseRetryAfterMs(undefined, 0), undefined);
  });

  test('stops at the attempt limit and when the wait would pass the time budget', () => {
    const base = { elapsedMs: 0, retryAfterMs: undefined, options, random: () => 0.5 };
    assert.equal(nextRetryDelayMs({ ...base, failedAttempt: 1 }), 50);
    assert.equal(nextRetryDelayMs({ ...base, failedAttempt: 5 }), undefined);
    assert.equal(nextRetryDelayMs({ ...base, failedAttempt: 1, retryAfterMs: 3000 }), 3000);
    assert.equal(nextRetryDelayMs({ ...base, failedAttempt: 1, retryAfterMs: 20_000 }), undefined);
    assert.equal(nextRetryDelayMs({ ...base, failedAttempt: 1, elapsedMs: 9_990 }), undefined);
  });
});

describe('reading a response', () => {
  const schema = z.object({ imageId: z.string() });
  const response = (overrides: Partial<ReceivedResponse>): ReceivedResponse => ({
    method: 'POST',
    url: 'https://vm.jdcloud-api.com/v1/regions/cn-north-1/images:import',
    attempt: 1,
    httpStatus: 200,
    headers: {},
    body: '',
    nowMs: 0,
    ...overrides,
  });
  const failure = (overrides: Partial<ReceivedResponse>) => {
    const outcome = readResponse(response(overrides), schema);
    assert.equal(outcome.ok, false);
    return outcome.ok ? undefined : outcome;
  };

  test('success: result parsed, request id from the body or else the header', () => {
    assert.deepEqual(readResponse(response({ body: '{"requestId":"r1","result":{"imageId":"img-1"}}' }), schema), {
      ok: true,
      result: { imageId: 'img-1' },
      requestId: 'r1',
    });
    assert.deepEqual(
      readResponse(response({ body: '{"result":{"imageId":"img-1"},"error":{"code":0,"status":"","message":""}}', headers: { 'x-jdcloud-request-id': 'h1' } }), schema),
      { ok: true, result: { imageId: 'img-1' }, requestId: 'h1' },
    );
  });

  test('an error envelope becomes JdCloudApiError with every field', () => {
    const outcome = failure({
      httpStatus: 400,
      body: '{"requestId":"r2","error":{"status":"OUT_OF_RANGE","code":400,"message":"SystemDiskSizeGB must be multiple of 10"}}',
    });
    const error = outcome?.error;
    assert.ok(error instanceof JdCloudApiError);
    assert.equal(
      error.message,
      'POST https://vm.jdcloud-api.com/v1/regions/cn-north-1/images:import failed with HTTP 400 OUT_OF_RANGE: SystemDiskSizeGB must be multiple of 10 (code 400, request id r2, 1 attempt)',
    );
    assert.deepEqual(
      { httpStatus: error.httpStatus, status: error.status, code: error.code, apiMessage: error.apiMessage, requestId: error.requestId, retryable: error.retryable },
      { httpStatus: 400, status: 'OUT_OF_RANGE', code: 400, apiMessage: 'SystemDiskSizeGB must be multiple of 10', requestId: 'r2', retryable: false },
    );
  });

  test('a 2xx without result is a success only for a call that expects nothing (fc async invoke)', () => {
    assert.deepEqual(readResponse(response({ body: '{"requestId":"r8"}' }), z.unknown()), { ok: true, result: undefined, requestId: 'r8' });
    assert.deepEqual(readResponse(response({ body: '', headers: { 'x-jdcloud-request-id': 'h8' } }), z.unknown()).ok, false);
  });

  test('a 401 ends its message with the credentials hint; other statuses do not', () => {
    const body = '{"requestId":"r9","error":{"status":"ACCESS_ERROR","code":401,"message":"accessKey not exist[gw]"}}';
    assert.equal(
      failure({ httpStatus: 401, body })?.error.message,
      'POST https://vm.jdcloud-api.com/v1/regions/cn-north-1/images:import failed with HTTP 401 ACCESS_ERROR: accessKey not exist[gw] (code 401, request id r9, 1 attempt). ' +
        'Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may call this API.',
    );
    assert.equal(
      failure({ httpStatus: 403, body: body.replace(/401/g, '403') })?.error.message,
      'POST https://vm.jdcloud-api.com/v1/regions/cn-north-1/images:import failed with HTTP 403 ACCESS_ERROR: accessKey not exist[gw] (code 403, request id r9, 1 attempt)',
    );
  });

  test('429 is retryable and carries Retry-After', () => {
    const outcome = failure({
      httpStatus: 429,
      headers: { 'retry-after': '1' },
      body: '{"requestId":"r3","error":{"status":"RATE_LIMIT","code":429,"message":"too many"}}',
    });
    assert.equal(outcome?.error.retryable, true);
    assert.equal(outcome?.retryAfterMs, 1000);
  });

  test('unusable bodies become JdCloudResponseError with a precise problem', () => {
    // V8's wording differs between Node versions, so take it from JSON.parse itself.
    const truncatedMessage = (() => {
      try {
        JSON.parse('{"requestId":"r4","res');
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    const cases: Array<[Partial<ReceivedResponse>, string, boolean]> = [
      [{ body: '' }, 'the body is empty, expected a JSON envelope', false],
      [{ httpStatus: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' }, 'the body is an HTML page, not JSON (title "502 Bad Gateway")', true],
      [{ body: '{"requestId":"r4","res' }, `the body is not valid JSON (${truncatedMessage}); it starts "{\\"requestId\\":\\"r4\\",\\"res"`, false],
      [{ body: '[1,2]' }, 'the body is JSON but not a JD Cloud envelope: (root): Invalid input: expected object, received array', false],
      [{ body: '{"requestId":"r5"}' }, 'the body has no "result"', false],
      [{ body: '{"requestId":"r6","result":{"imageId":7}}' }, '"result" does not have the expected shape: imageId: Invalid input: expected string, received number', false],
      [{ httpStatus: 500, body: '{"requestId":"r7"}' }, 'the body has no "error" object to say what failed', true],
    ];
    for (const [overrides, problem, retryable] of cases) {
      const error = failure(overrides)?.error;
      assert.ok(error instanceof JdCloudResponseError, problem);
      assert.equal(error.problem, problem);
      assert.equal(error.retryable, retryable, problem);
    }
    const error = failure({ body: '{"requestId":"r5"}' })?.error;
    assert.equal(
      error?.message,
      'POST https://vm.jdcloud-api.com/v1/regions/cn-north-1/images:import returned an unusable HTTP 200 response: the body has no "result" (request id r5, 1 attempt)',
    );
  });
});
