// The VM API emulator over real HTTP, driven with hand-signed requests: its gateway must be as
// strict as JD's, its operations must answer with the documented errors, and its tasks must
// move on with its clock.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { signRequest } from '../../src/adapters/jdcloud/signing/sign-request.js';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { createSender } from './vm-emulator-send.js';
import { ubuntuImportRequest } from '../../harness/import-request.js';

const credentials = { accessKeyId: 'EMULATOR-AK', secretAccessKey: 'EMULATOR-SK' };
const ubuntu = ubuntuImportRequest('ubuntu-2204');

// The emulator's clock, moved by hand so task progress needs no waiting.
let clockMs = Date.parse('2024-05-06T07:08:09Z');

const send = createSender({ credentials, now: () => clockMs });

describe('VM API emulator', () => {
  let emulator: VmEmulator;
  before(async () => {
    emulator = await startVmEmulator({ credentials: [credentials], taskStepMs: 1000, runningSteps: 4, now: () => clockMs });
  });
  after(() => emulator.stop());
  beforeEach(() => emulator.clearFaults());

  describe('gateway', () => {
    test('a signed request passes; the request id is in the body and the header', async () => {
      const response = await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage');
      assert.equal(response.status, 200);
      assert.match(response.json.requestId, /^[a-z0-9]{32}$/);
      assert.equal(response.headers['x-jdcloud-request-id'], response.json.requestId);
      assert.deepEqual(response.json.result, { taskSet: [], totalCount: 0 });
    });

    test('no Authorization header: 401 ACCESS_ERROR "lack of header authorization[gw]"', async () => {
      const response = await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage', { sign: false });
      assert.equal(response.status, 401);
      assert.deepEqual(response.json.error, { message: 'lack of header authorization[gw]', status: 'ACCESS_ERROR', code: 401 });
    });

    test('a wrong secret, a changed body, query or signed header: 401 "sign result is not same [gw]"', async () => {
      const mismatch = { message: 'sign result is not same [gw]', status: 'ACCESS_ERROR', code: 401 };
      const wrongSecret = await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage', {
        keys: { ...credentials, secretAccessKey: 'other' },
      });
      assert.equal(wrongSecret.status, 401);
      assert.deepEqual(wrongSecret.json.error, mismatch);

      const url = `${emulator.url}/v1/regions/cn-north-1/images:import`;
      const signed = signRequest({ method: 'POST', url, body: JSON.stringify(ubuntu), credentials, region: 'cn-north-1', service: 'vm', date: new Date(clockMs) });
      const tampered = await request(url, { method: 'POST', headers: signed, body: JSON.stringify({ ...ubuntu, systemDiskSizeGB: 50 }) });
      assert.equal(tampered.statusCode, 401);
      assert.deepEqual(((await tampered.body.json()) as any).error, mismatch);

      const query = await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage', {
        headers: {},
      });
      assert.equal(query.status, 200);
      const taskUrl = `${emulator.url}/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage`;
      const taskHeaders = signRequest({ method: 'GET', url: taskUrl, credentials, region: 'cn-north-1', service: 'vm', date: new Date(clockMs) });
      const otherQuery = await request(`${taskUrl}&taskStatus=running`, { method: 'GET', headers: taskHeaders });
      assert.equal(otherQuery.statusCode, 401);
      assert.deepEqual(((await otherQuery.body.json()) as any).error, mismatch);

      const otherHeader = await request(taskUrl, { method: 'GET', headers: { ...signRequest({ method: 'GET', url: taskUrl, credentials, region: 'cn-north-1', service: 'vm', date: new Date(clockMs) }), 'content-type': 'text/plain' } });
      assert.equal(otherHeader.statusCode, 401);
      assert.deepEqual(((await otherHeader.body.json()) as any).error, mismatch);
    });

    test('a scope naming another region or service does not verify', async () => {
      const response = await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage', { region: 'cn-east-2' });
      assert.equal(response.status, 401);
      assert.equal(response.json.error.message, 'sign result is not same [gw]');
    });

    test('the colon of images:import may be sent raw or as %3A', async () => {
      for (const path of ['/v1/regions/cn-north-1/images:import', '/v1/regions/cn-north-1/images%3Aimport']) {
        const response = await send(emulator, 'POST', path, { body: { ...ubuntu, clientToken: 'colon-test' } });
        assert.equal(response.status, 200, path);
      }
    });

    test('an unknown access key is refused', async () => {
      const response = await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage', { keys: { accessKeyId: 'NOBODY', secretAccessKey: 'x' } });
      assert.equal(response.status, 401);
      assert.deepEqual(response.json.error, { message: 'accessKey not exist[gw]', status: 'ACCESS_ERROR', code: 401 });
    });

    test('a reused nonce: 403 APIGW_NONCE_CONFLICT; a new nonce passes', async () => {
      const path = '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage';
      const first = await send(emulator, 'GET', path, { nonce: 'nonce-used-twice' });
      assert.equal(first.status, 200);
      const second = await send(emulator, 'GET', path, { nonce: 'nonce-used-twice' });
      assert.equal(second.status, 403);
      assert.deepEqual(second.json.error, {
        message: "nonce 'nonce-used-twice' was already used: 重复访问[gw]",
        status: 'APIGW_NONCE_CONFLICT',
        code: 403,
      });
      assert.equal((await send(emulator, 'GET', path)).status, 200);
    });

    test('a date more than 15 minutes off is refused, either way; within the skew passes', async () => {
      const path = '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage';
      for (const offsetMs of [-16 * 60_000, 16 * 60_000]) {
        const date = new Date(clockMs + offsetMs);
        const response = await send(emulator, 'GET', path, { date });
        assert.equal(response.status, 401);
        const text = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
        assert.equal(response.json.error.message, `request time '${text}' is too far from server time[gw]`);
      }
      assert.equal((await send(emulator, 'GET', path, { date: new Date(clockMs - 14 * 60_000) })).status, 200);
    });

    test('the skew is configurable', async () => {
      const strict = await startVmEmulator({ credentials: [credentials], clockSkewMs: 1000, now: () => clockMs });
      try {
        const path = '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage';
        assert.equal((await send(strict, 'GET', path, { date: new Date(clockMs - 5000) })).status, 401);
        assert.equal((await send(strict, 'GET', path)).status, 200);
      } finally {
        await strict.stop();
      }
    });

    test('an unknown API is 404 after the signature check', async () => {
      const response = await send(emulator, 'GET', '/v1/regions/cn-north-1/instances');
      assert.equal(response.status, 404);
      assert.deepEqual(response.json.error, { message: 'GET /v1/regions/cn-north-1/instances is not an API of this emulator', status: 'NOT_FOUND', code: 404 });
    });
  });

  describe('importImage', () => {
    const expectError = async (body: unknown, httpStatus: number, status: string, message: string) => {
      const before = emulator.counters.imagesCreated;
      const response = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body });
      assert.equal(response.status, httpStatus, JSON.stringify(body));
      assert.deepEqual(response.json.error, { message, status, code: httpStatus });
      assert.equal(emulator.counters.imagesCreated, before);
    };

    test('creates an image and a task; the result carries taskId as a string', async () => {
      const before = emulator.counters.imagesCreated;
      const response = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body: ubuntu });
      assert.equal(response.status, 200);
      assert.match(response.json.result.imageId, /^img-[a-z0-9]{10}$/);
      assert.match(response.json.result.taskId, /^\d+$/);
      assert.equal(emulator.counters.imagesCreated, before + 1);
    });

    test('OUT_OF_RANGE for a disk size that is off the 10 GB step or outside 40–500', async () => {
      await expectError({ ...ubuntu, systemDiskSizeGB: 45 }, 400, 'OUT_OF_RANGE', 'SystemDiskSizeGB must be multiple of 10');
      await expectError({ ...ubuntu, systemDiskSizeGB: 30 }, 400, 'OUT_OF_RANGE', 'SystemDiskSizeGB must be between 40 and 500');
      await expectError({ ...ubuntu, systemDiskSizeGB: 510 }, 400, 'OUT_OF_RANGE', 'SystemDiskSizeGB must be between 40 and 500');
    });

    test('400 CONFLICT when the OSS object is in another region', async () => {
      await expectError(
        { ...ubuntu, imageUrl: 'https://images.s3-internal.cn-east-2.jdcloud-oss.com/ubuntu.qcow2' },
        400,
        'CONFLICT',
        "OssRegion 'cn-east-2' not match current region 'cn-north-1'",
      );
    });

    test('INVALID_ARGUMENT for missing fields, bad enums, names and bodies', async () => {
      const { imageUrl: _imageUrl, ...noUrl } = ubuntu;
      await expectError(noUrl, 400, 'INVALID_ARGUMENT', 'imageUrl is required');
      await expectError({ ...ubuntu, architecture: 'amd64' }, 400, 'INVALID_ARGUMENT', "Invalid architecture 'amd64', must be one of: x86_64, arm64, i386");
      await expectError({ ...ubuntu, platform: 'ubuntu' }, 400, 'INVALID_ARGUMENT', "Invalid platform 'ubuntu', must be one of: Ubuntu, CentOS, Windows Server, OpenEuler, Rocky Linux, Other Linux, Other Windows");
      await expectError({ ...ubuntu, diskFormat: 'vdi' }, 400, 'INVALID_ARGUMENT', "Invalid diskFormat 'vdi', must be one of: qcow2, vhd, vmdk, raw");
      await expectError({ ...ubuntu, systemDiskSizeGB: '40' }, 400, 'INVALID_ARGUMENT', "Invalid systemDiskSizeGB '40', must be an integer");
      await expectError({ ...ubuntu, imageName: 'has space' }, 400, 'INVALID_ARGUMENT', "Invalid imageName 'has space': 1 to 32 Chinese characters, letters, digits, '_' or '-'");
      await expectError({ ...ubuntu, clientToken: 'x'.repeat(65) }, 400, 'INVALID_ARGUMENT', 'Invalid clientToken: must be a string of at most 64 characters');
      await expectError('{"architecture":', 400, 'INVALID_ARGUMENT', 'request body is not valid JSON');
      await expectError([ubuntu], 400, 'INVALID_ARGUMENT', 'request body must be a JSON object');
    });

    test('the same clientToken returns the same imageId and taskId and makes no new image', async () => {
      const body = { ...ubuntu, clientToken: 'same-token-1' };
      const before = emulator.counters.imagesCreated;
      const first = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body });
      const second = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body });
      assert.deepEqual(second.json.result, first.json.result);
      assert.equal(emulator.counters.imagesCreated, before + 1);
      const other = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body: { ...body, clientToken: 'same-token-2' } });
      assert.notEqual(other.json.result.imageId, first.json.result.imageId);
      assert.equal(emulator.counters.imagesCreated, before + 2);
    });

    test('a legacy emulator answers importTaskId as an integer', async () => {
      const legacy = await startVmEmulator({ credentials: [credentials], legacyTaskIds: true, now: () => clockMs });
      try {
        const response = await send(legacy, 'POST', '/v1/regions/cn-north-1/images:import', { body: ubuntu });
        assert.deepEqual(Object.keys(response.json.result), ['imageId', 'importTaskId']);
        assert.equal(typeof response.json.result.importTaskId, 'number');
      } finally {
        await legacy.stop();
      }
    });
  });

  describe('tasks and images over time', () => {
    test('pending → running with progress → finished; the image goes pending → ready', async () => {
      const created = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body: { ...ubuntu, imageName: 'lifecycle' } });
      const { imageId, taskId } = created.json.result;
      const task = async () => {
        const response = await send(emulator, 'GET', `/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage&taskIds.1=${taskId}`);
        assert.equal(response.json.result.totalCount, 1);
        return response.json.result.taskSet[0];
      };
      const image = async () => (await send(emulator, 'GET', `/v1/regions/cn-north-1/images/${imageId}`)).json.result.image;

      const pending = await task();
      assert.deepEqual(
        { taskId: pending.taskId, action: pending.action, taskStatus: pending.taskStatus, progress: pending.progress, imageId: pending.imageId, imageName: pending.imageName, finishedTime: pending.finishedTime },
        { taskId: Number(taskId), action: 'ImportImage', taskStatus: 'pending', progress: 0, imageId, imageName: 'lifecycle', finishedTime: '' },
      );
      assert.match(pending.createdTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal((await image()).status, 'pending');

      clockMs += 1000;
      assert.deepEqual([(await task()).taskStatus, (await task()).progress], ['running', 1]);
      clockMs += 2000;
      assert.deepEqual([(await task()).taskStatus, (await task()).progress], ['running', 50]);
      clockMs += 2000;
      const finished = await task();
      assert.deepEqual([finished.taskStatus, finished.progress, finished.message], ['finished', 100, '']);
      assert.match(finished.finishedTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const ready = await image();
      assert.deepEqual(
        { imageId: ready.imageId, name: ready.name, status: ready.status, platform: ready.platform, imageSource: ready.imageSource, imported: ready.imported },
        { imageId, name: 'lifecycle', status: 'ready', platform: 'Ubuntu', imageSource: 'private', imported: true },
      );
    });

    test('a task made to fail reports failed with the message; its image is error', async () => {
      const created = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body: { ...ubuntu, imageName: 'doomed' } });
      const { imageId, taskId } = created.json.result;
      emulator.failTask(taskId, 'Image file format is not supported');
      const response = await send(emulator, 'GET', `/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage&taskIds.1=${taskId}`);
      const task = response.json.result.taskSet[0];
      assert.deepEqual([task.taskStatus, task.message, task.errorInfo], ['failed', 'Image file format is not supported', 'Image file format is not supported']);
      assert.equal((await send(emulator, 'GET', `/v1/regions/cn-north-1/images/${imageId}`)).json.result.image.status, 'error');
      assert.throws(() => emulator.failTask(taskId, 'again'), { message: `Task ${taskId} is already failed.` });
    });

    test('failNextImport fails the next import when it would finish; a non-OSS URL fails too', async () => {
      emulator.failNextImport('The image is not a valid qcow2 file');
      const doomed = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body: { ...ubuntu, imageName: 'doomed-later' } });
      const elsewhere = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', {
        body: { ...ubuntu, imageName: 'elsewhere', imageUrl: 'https://example.com/disk.qcow2' },
      });
      clockMs += 10_000;
      const byId = (taskId: string) => emulator.tasks('cn-north-1').find((task) => String(task.taskId) === taskId);
      assert.deepEqual([byId(doomed.json.result.taskId)?.taskStatus, byId(doomed.json.result.taskId)?.message], ['failed', 'The image is not a valid qcow2 file']);
      assert.deepEqual(
        [byId(elsewhere.json.result.taskId)?.taskStatus, byId(elsewhere.json.result.taskId)?.message],
        ['failed', "Download image failed: 'example.com' is not an OSS address of region cn-north-1"],
      );
    });

    test('imageTasks filters by status and region, pages by 10, and checks its query', async () => {
      for (let index = 0; index < 12; index += 1) emulator.seedTask({ region: 'cn-east-2', status: 'running', progress: 30 + index });
      const finished = emulator.seedTask({ region: 'cn-east-2', status: 'finished' });
      const path = '/v1/regions/cn-east-2/imageTasks?taskAction=ImportImage';
      const page1 = await send(emulator, 'GET', `${path}&taskStatus=running`, { region: 'cn-east-2' });
      assert.equal(page1.json.result.totalCount, 12);
      assert.equal(page1.json.result.taskSet.length, 10);
      const page2 = await send(emulator, 'GET', `${path}&taskStatus=running&pageNumber=2&pageSize=10`, { region: 'cn-east-2' });
      assert.equal(page2.json.result.taskSet.length, 2);
      const one = await send(emulator, 'GET', `${path}&taskIds.1=${finished.taskId}`, { region: 'cn-east-2' });
      assert.deepEqual(
        one.json.result.taskSet.map((task: any) => [String(task.taskId), task.taskStatus, task.progress]),
        [[finished.taskId, 'finished', 100]],
      );
      // Tasks of cn-east-2 are not listed in cn-north-1.
      const north = await send(emulator, 'GET', `/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage&taskIds.1=${finished.taskId}`);
      assert.equal(north.json.result.totalCount, 0);

      const bad = async (query: string, status: string, message: string) => {
        const response = await send(emulator, 'GET', `/v1/regions/cn-east-2/imageTasks${query}`, { region: 'cn-east-2' });
        assert.equal(response.status, 400);
        assert.deepEqual(response.json.error, { message, status, code: 400 });
      };
      await bad('?taskAction=ImportImage&pageSize=20', 'OUT_OF_RANGE', 'PageSize out of range');
      await bad('', 'INVALID_ARGUMENT', 'taskAction is required');
      await bad('?taskAction=ImportImage&taskStatus=done', 'INVALID_ARGUMENT', "Invalid taskStatus 'done', must be one of: pending, running, failed, finished");
    });

    test('describeImage of an unknown image is 404 NOT_FOUND', async () => {
      const response = await send(emulator, 'GET', '/v1/regions/cn-north-1/images/img-nothere');
      assert.equal(response.status, 404);
      assert.deepEqual(response.json.error, { message: "Image 'img-nothere' not found", status: 'NOT_FOUND', code: 404 });
    });
  });

  describe('faults and counters', () => {
    test('status faults answer a JSON envelope, with Retry-After when asked, then normal answers resume', async () => {
      emulator.injectFault({ kind: 'status', status: 429, retryAfter: 3 });
      emulator.injectFault({ kind: 'status', status: 500 });
      const path = '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage';
      const limited = await send(emulator, 'GET', path);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers['retry-after'], '3');
      assert.deepEqual(limited.json.error, { message: 'Request rate limit exceeded, please retry later', status: 'RATE_LIMIT_EXCEEDED', code: 429 });
      const internal = await send(emulator, 'GET', path);
      assert.deepEqual([internal.status, internal.json.error.status, internal.json.error.message], [500, 'INTERNAL', 'Internal server error']);
      assert.equal((await send(emulator, 'GET', path)).status, 200);
    });

    test('a fault scoped to one operation leaves the others alone', async () => {
      emulator.injectFault({ kind: 'status', status: 503, operation: 'importImage' });
      assert.equal((await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage')).status, 200);
      assert.equal((await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body: ubuntu })).status, 503);
    });

    test('html, raw, drop, truncate and hang', async () => {
      const url = `${emulator.url}/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage`;
      emulator.injectFault({ kind: 'html' });
      const html = await request(url);
      assert.equal(html.statusCode, 502);
      assert.match(await html.body.text(), /<title>502 Bad Gateway<\/title>/);

      emulator.injectFault({ kind: 'raw', status: 200, body: 'not json', headers: { 'content-type': 'text/plain' } });
      const raw = await request(url);
      assert.deepEqual([raw.statusCode, await raw.body.text()], [200, 'not json']);

      emulator.injectFault({ kind: 'drop' });
      await assert.rejects(request(url), { code: 'UND_ERR_SOCKET' });

      emulator.injectFault({ kind: 'truncate' });
      const truncated = await request(url);
      await assert.rejects(truncated.body.text());

      emulator.injectFault({ kind: 'hang' });
      const hung = await request(url, { bodyTimeout: 200 });
      assert.equal(hung.statusCode, 200);
      await assert.rejects(hung.body.text(), { code: 'UND_ERR_BODY_TIMEOUT' });
    });

    test('drop after processing: the import happens, the answer is lost, the clientToken recovers it', async () => {
      const before = emulator.counters.imagesCreated;
      emulator.injectFault({ kind: 'drop', afterProcessing: true, operation: 'importImage' });
      const body = { ...ubuntu, clientToken: 'lost-answer' };
      await assert.rejects(send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body }));
      assert.equal(emulator.counters.imagesCreated, before + 1);
      const again = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body });
      assert.equal(again.status, 200);
      assert.equal(emulator.counters.imagesCreated, before + 1);
    });

    test('counters by operation and a log of nonces, no secrets', async () => {
      const counts = { ...emulator.counters.requestsByOperation };
      const total = emulator.counters.requests;
      await send(emulator, 'GET', '/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage', { nonce: 'logged-nonce' });
      await send(emulator, 'GET', '/v1/regions/cn-north-1/images/img-x');
      assert.equal(emulator.counters.requests, total + 2);
      assert.equal(emulator.counters.requestsByOperation.describeImageTasks, counts.describeImageTasks + 1);
      assert.equal(emulator.counters.requestsByOperation.describeImage, counts.describeImage + 1);
      const logged = emulator.requests.at(-2);
      assert.deepEqual(
        { operation: logged?.operation, nonce: logged?.nonce, outcome: logged?.outcome, region: logged?.region },
        { operation: 'describeImageTasks', nonce: 'logged-nonce', outcome: 200, region: 'cn-north-1' },
      );
      assert.doesNotMatch(JSON.stringify(emulator.requests), /EMULATOR-SK/);
    });
  });
});

test('stop() ends even with a hung response and idle keep-alive connections open', async () => {
  const emulator = await startVmEmulator({ credentials: [credentials] });
  emulator.injectFault({ kind: 'hang' });
  const hung = await request(`${emulator.url}/v1/regions/cn-north-1/imageTasks`);
  assert.equal(hung.statusCode, 200);
  const reading = hung.body.text().catch((error: unknown) => error);
  await emulator.stop();
  assert.ok((await reading) instanceof Error);
});
