// The VM API functions against the emulator over real HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createJdCloudClient, type JdCloudClient } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import { JdCloudApiError, JdCloudInputError } from '../../src/adapters/jdcloud/errors.js';
import type { ImportImageInput } from '../../src/adapters/jdcloud/vm/import-image.js';
import { createVmApi, type VmApi } from '../../src/adapters/jdcloud/vm/vm-api.js';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';

const credentials = { accessKeyId: 'VM-API-AK', secretAccessKey: 'VM-API-SK' };
const input: ImportImageInput = {
  architecture: 'arm64',
  osType: 'linux',
  platform: 'Rocky Linux',
  diskFormat: 'raw',
  systemDiskSizeGB: 60,
  imageUrl: 'https://images.s3-internal.cn-north-1.jdcloud-oss.com/rocky%209.raw?X-Amz-Signature=abc',
  imageName: '导入-rocky9',
  osVersion: '9.4',
  description: 'imported by the vm-api test',
  forceImport: false,
};

describe('VM API', () => {
  let clockMs = Date.now();
  let emulator: VmEmulator;
  let legacy: VmEmulator;
  let client: JdCloudClient;
  let legacyClient: JdCloudClient;
  let vm: VmApi;

  before(async () => {
    emulator = await startVmEmulator({ credentials: [credentials], taskStepMs: 1000, now: () => clockMs });
    legacy = await startVmEmulator({ credentials: [credentials], legacyTaskIds: true });
    const options = { service: 'vm', credentials, now: () => new Date(clockMs), retry: { baseDelayMs: 1 } };
    client = createJdCloudClient({ ...options, endpoint: emulator.url });
    legacyClient = createJdCloudClient({ ...options, endpoint: legacy.url, now: () => new Date() });
    vm = createVmApi(client);
  });
  after(async () => {
    await client.close();
    await legacyClient.close();
    await emulator.stop();
    await legacy.stop();
  });

  test('importImage returns imageId, taskId as a string, the request id and attempts', async () => {
    const result = await vm.importImage('cn-north-1', input);
    assert.match(result.imageId, /^img-/);
    assert.match(result.taskId, /^\d+$/);
    assert.equal(result.requestId, emulator.requests.at(-1)?.requestId);
    assert.equal(result.attempts, 1);
  });

  test('the legacy importTaskId integer comes back as a string taskId', async () => {
    const result = await createVmApi(legacyClient).importImage('cn-north-1', input);
    assert.equal(typeof result.taskId, 'string');
    assert.match(result.taskId, /^\d+$/);
  });

  test('a clientToken survives retries: a 503 then success makes one image', async () => {
    const before = emulator.counters.imagesCreated;
    emulator.injectFault({ kind: 'drop', afterProcessing: true, operation: 'importImage' });
    emulator.injectFault({ kind: 'status', status: 503, operation: 'importImage' });
    const result = await vm.importImage('cn-north-1', { ...input, clientToken: 'vm-api-token-1' });
    assert.equal(result.attempts, 3);
    assert.equal(emulator.counters.imagesCreated, before + 1);
    const again = await vm.importImage('cn-north-1', { ...input, clientToken: 'vm-api-token-1' });
    assert.deepEqual([again.imageId, again.taskId], [result.imageId, result.taskId]);
    assert.equal(emulator.counters.imagesCreated, before + 1);
  });

  test('input that breaks the documented rules is refused before anything is sent', async () => {
    const before = emulator.counters.requests;
    await assert.rejects(vm.importImage('cn-north-1', { ...input, systemDiskSizeGB: 45, imageName: 'a b' }), (error: unknown) => {
      assert.ok(error instanceof JdCloudInputError);
      assert.equal(
        error.message,
        'importImage: invalid input: systemDiskSizeGB: must be a multiple of 10; got 45; imageName: may contain only Chinese characters, letters, digits, "_" and "-"; got "a b"',
      );
      assert.deepEqual(error.issues.map((issue) => issue.path), ['systemDiskSizeGB', 'imageName']);
      return true;
    });
    await assert.rejects(vm.describeImageTasks('cn-north-1', { pageSize: 101 }), { name: 'JdCloudInputError' });
    await assert.rejects(vm.describeImage('cn-north-1', ''), { name: 'JdCloudInputError', message: 'describeImage: invalid input: (input): must not be empty' });
    assert.equal(emulator.counters.requests, before);
  });

  test('the service still rejects what only it can check: an object in another region', async () => {
    const error = await vm
      .importImage('cn-north-1', { ...input, imageUrl: 'https://images.s3-internal.cn-south-1.jdcloud-oss.com/x.raw' })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.deepEqual(
      [error.httpStatus, error.status, error.apiMessage, error.retryable],
      [400, 'CONFLICT', "OssRegion 'cn-south-1' not match current region 'cn-north-1'", false],
    );
  });

  test('describeImageTasks by ids and status, with task ids as strings and the failure reason in message', async () => {
    const first = await vm.importImage('cn-north-1', { ...input, imageName: 'tasks-one' });
    const second = await vm.importImage('cn-north-1', { ...input, imageName: 'tasks-two' });
    emulator.failTask(second.taskId, 'The image file is damaged');
    clockMs += 1500;

    const both = await vm.describeImageTasks('cn-north-1', { taskIds: [first.taskId, Number(second.taskId)] });
    assert.equal(both.totalCount, 2);
    assert.deepEqual(
      both.tasks.map((task) => [task.taskId, task.taskStatus, task.imageId, task.message]),
      [
        [second.taskId, 'failed', second.imageId, 'The image file is damaged'],
        [first.taskId, 'running', first.imageId, ''],
      ],
    );
    const target = emulator.requests.at(-1)?.target ?? '';
    assert.equal(
      target,
      `/v1/regions/cn-north-1/imageTasks?pageNumber=1&pageSize=10&taskAction=ImportImage&taskIds.1=${first.taskId}&taskIds.2=${second.taskId}`,
    );

    const failed = await vm.describeImageTasks('cn-north-1', { taskStatus: 'failed' });
    assert.ok(failed.tasks.every((task) => task.taskStatus === 'failed'));
    assert.ok(failed.tasks.some((task) => task.taskId === second.taskId));
  });

  test('describeImageTasks pages by 10', async () => {
    for (let index = 0; index < 13; index += 1) emulator.seedTask({ region: 'cn-south-1', status: 'finished' });
    const page1 = await vm.describeImageTasks('cn-south-1', {});
    const page2 = await vm.describeImageTasks('cn-south-1', { pageNumber: 2 });
    assert.deepEqual([page1.tasks.length, page2.tasks.length, page1.totalCount], [10, 3, 13]);
  });

  test('describeImage follows the task; an id is one path segment whatever it contains', async () => {
    const { imageId, taskId } = await vm.importImage('cn-north-1', { ...input, imageName: 'describe-me' });
    const pending = await vm.describeImage('cn-north-1', imageId);
    assert.deepEqual(
      [pending.image.imageId, pending.image.name, pending.image.status, pending.image.platform, pending.image.architecture, pending.image.imported],
      [imageId, 'describe-me', 'pending', 'Rocky Linux', 'arm64', true],
    );
    clockMs += 10_000;
    assert.equal((await vm.describeImage('cn-north-1', imageId)).image.status, 'ready');
    assert.equal((await vm.describeImageTasks('cn-north-1', { taskIds: [taskId] })).tasks[0]?.taskStatus, 'finished');

    const error = await vm.describeImage('cn-north-1', "img-测试 a:b/../c*(d)!~'").catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.deepEqual([error.httpStatus, error.status, error.apiMessage], [404, 'NOT_FOUND', "Image 'img-测试 a:b/../c*(d)!~'' not found"]);
  });
});
