// `oss-image-import tasks` against the VM API emulator, through the CLI dispatcher.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';

const credentials = { accessKeyId: 'TASKS-CLI-AK', secretAccessKey: 'TASKS-CLI-SK' };

async function tasks(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const { io, captured } = captureIo(env);
  const code = await runCli(['tasks', ...argv], io);
  return { code, out: captured.out, err: captured.err };
}

describe('oss-image-import tasks', () => {
  let emulator: VmEmulator;
  let env: Record<string, string>;
  let running: { taskId: string; imageId: string };
  let failed: { taskId: string; imageId: string };
  let east: { taskId: string; imageId: string };

  before(async () => {
    emulator = await startVmEmulator({ credentials: [credentials] });
    env = {
      JDCLOUD_ACCESS_KEY_ID: credentials.accessKeyId,
      JDCLOUD_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      JDCLOUD_VM_ENDPOINT: emulator.url,
    };
    const createdAtMs = Date.parse('2024-05-06T01:02:03Z');
    running = emulator.seedTask({ region: 'cn-north-1', status: 'running', progress: 42, imageName: 'ubuntu-2204', createdAtMs });
    failed = emulator.seedTask({ region: 'cn-north-1', status: 'failed', progress: 10, message: 'The image file is damaged', imageName: 'broken', createdAtMs });
    east = emulator.seedTask({ region: 'cn-east-2', status: 'finished', imageName: 'east', createdAtMs });
  });
  after(() => emulator.stop());

  test('--json prints one document with every task of the default region', async () => {
    const result = await tasks(['--json'], env);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.err, '');
    const document = JSON.parse(result.out);
    assert.equal(document.region, 'cn-north-1');
    assert.equal(document.totalCount, 2);
    assert.deepEqual(document.notFound, []);
    assert.deepEqual(
      document.tasks.map((task: Record<string, unknown>) => [task['taskId'], task['taskStatus'], task['progress'], task['message'], task['imageId']]),
      [
        [failed.taskId, 'failed', 10, 'The image file is damaged', failed.imageId],
        [running.taskId, 'running', 42, '', running.imageId],
      ],
    );
  });

  test('the table shows id, status, progress, image, created time in UTC and message', async () => {
    const result = await tasks([], env);
    assert.equal(result.code, 0, result.err);
    // JD writes 2024-05-06 09:02:03 (China time, no zone) for a task created at 01:02:03 UTC.
    assert.equal(
      result.out,
      [
        'TASK ID  STATUS   PROGRESS  IMAGE           CREATED (UTC)         MESSAGE',
        `${failed.taskId}     failed   10%       ${failed.imageId}  2024-05-06T01:02:03Z  The image file is damaged`,
        `${running.taskId}     running  42%       ${running.imageId}  2024-05-06T01:02:03Z`,
        '',
      ].join('\n'),
    );
  });

  test('on a terminal the message is cut to the width; piped it is whole', async () => {
    const { io, captured } = captureIo(env, { isTty: true, columns: 76 });
    assert.equal(await runCli(['tasks'], io), 0, captured.err);
    const line = captured.out.split('\n')[1] ?? '';
    assert.equal(line, `${failed.taskId}     failed   10%       ${failed.imageId}  2024-05-06T01:02:03Z  The image…`);
    assert.equal(line.length, 76);
  });

  test('a --task-id that is not a number is refused before any request (exit 2)', async () => {
    const before = emulator.counters.requests;
    const result = await tasks(['--task-id', '794', '--task-id', 'abc'], env);
    assert.equal(result.code, 2);
    assert.equal(result.err, '--task-id "abc" is not a task id: JD\'s task ids are whole numbers such as 794.\nUsage: oss-image-import tasks [--task-id ID]... [--region R] [--json]\n');
    assert.equal(emulator.counters.requests, before);
  });

  test('--task-id repeats; --region and JDCLOUD_REGION pick the region', async () => {
    const picked = await tasks(['--task-id', running.taskId, '--json'], env);
    assert.deepEqual(JSON.parse(picked.out).tasks.map((task: { taskId: string }) => task.taskId), [running.taskId]);
    const both = await tasks(['--task-id', running.taskId, '--task-id', failed.taskId, '--json'], env);
    assert.equal(JSON.parse(both.out).tasks.length, 2);
    const byFlag = await tasks(['--region', 'cn-east-2', '--json'], env);
    assert.deepEqual(JSON.parse(byFlag.out).tasks.map((task: { taskId: string }) => task.taskId), [east.taskId]);
    const byEnv = await tasks(['--json'], { ...env, JDCLOUD_REGION: 'cn-east-2' });
    assert.equal(JSON.parse(byEnv.out).region, 'cn-east-2');
  });

  test('an unknown task id: listed as not found, exit 1', async () => {
    const result = await tasks(['--task-id', '999999', '--json'], env);
    assert.equal(result.code, 1);
    assert.deepEqual(JSON.parse(result.out).notFound, ['999999']);
    assert.equal(result.err, 'No import task with id 999999 in cn-north-1.\n');
  });

  test('missing credentials: exit 1 naming both variables, nothing sent', async () => {
    const before = emulator.counters.requests;
    const result = await tasks(['--json'], { JDCLOUD_VM_ENDPOINT: emulator.url, JDCLOUD_ACCESS_KEY_ID: '' });
    const message = 'JD Cloud credentials are missing: JDCLOUD_ACCESS_KEY_ID is empty, JDCLOUD_SECRET_ACCESS_KEY is not set. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.';
    assert.equal(result.code, 1);
    // With --json a failure is still one JSON document on stdout; the message also goes to stderr.
    assert.deepEqual(JSON.parse(result.out), { error: { name: 'MissingCredentialsError', message } });
    assert.equal(result.err, `${message}\n`);
    assert.equal(emulator.counters.requests, before);
  });

  test('a bad --region, JDCLOUD_REGION or endpoint is a usage error (exit 2), from a flag or the environment', async () => {
    const flag = await tasks(['--region', 'beijing'], env);
    assert.equal(flag.code, 2);
    assert.equal(flag.err, '--region "beijing" is not a JD Cloud region id; use the form cn-north-1.\nUsage: oss-image-import tasks [--task-id ID]... [--region R] [--json]\n');
    const region = await tasks([], { ...env, JDCLOUD_REGION: 'north' });
    assert.equal(region.code, 2);
    assert.equal(
      region.err,
      'JDCLOUD_REGION="north" is not a JD Cloud region id, e.g. cn-north-1.\n',
    );
    const endpoint = await tasks([], { ...env, JDCLOUD_VM_ENDPOINT: 'localhost:9000' });
    assert.equal(endpoint.code, 2);
    assert.equal(endpoint.err, 'JDCLOUD_VM_ENDPOINT "localhost:9000" uses localhost; expected a base URL such as https://vm.jdcloud-api.com.\n');
    const plain = await tasks([], { ...env, JDCLOUD_VM_ENDPOINT: 'http://vm.jdcloud-api.com' });
    assert.equal(plain.code, 2);
    assert.match(plain.err, /^JDCLOUD_VM_ENDPOINT "http:\/\/vm.jdcloud-api.com" uses plain http for a host that is not loopback/);
  });

  test('an API error after the retries: exit 1 with the whole message, no secret', async () => {
    const result = await tasks([], { ...env, JDCLOUD_SECRET_ACCESS_KEY: 'not-the-secret' });
    assert.equal(result.code, 1);
    assert.match(
      result.err,
      /^GET http:\/\/127\.0\.0\.1:\d+\/v1\/regions\/cn-north-1\/imageTasks\?pageNumber=1&pageSize=100&taskAction=ImportImage failed with HTTP 401 ACCESS_ERROR: sign result is not same \[gw\] \(code 401, request id [a-z0-9]{32}, 1 attempt\)\. Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID \/ JDCLOUD_SECRET_ACCESS_KEY and that the keys may call this API\.\n$/,
    );
    assert.doesNotMatch(result.err, /not-the-secret/);
  });
});
