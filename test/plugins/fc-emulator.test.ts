import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { zipEntries } from '../../plugins/jdcloud/package/zip-bundle.js';
import { createFcApi, type FcApi } from '../../src/adapters/jdcloud/fc/index.js';
import { createJdCloudClient, JdCloudApiError, signRequest, type JdCloudClient } from '../../src/adapters/jdcloud/index.js';
import { startFcEmulator, type FcEmulator } from '../../src/edges/local/fc-emulator/index.js';

const credentials = { accessKeyId: 'AKIDFCEMULATOR', secretAccessKey: 'fc-emulator-secret' };
const region = 'cn-north-1';

describe('the fc emulator gateway', () => {
  let emulator: FcEmulator;

  before(async () => {
    emulator = await startFcEmulator({ credentials: [credentials] });
  });
  after(async () => emulator.stop());

  /** Sends GET /runtimes signed with the given secret and service; answers status and error message. */
  async function runtimes(options: { secretAccessKey?: string; service?: string; nonce?: string; unsigned?: boolean }) {
    const url = `${emulator.url}/v1/regions/${region}/runtimes`;
    const headers = options.unsigned
      ? {}
      : signRequest({
          method: 'GET',
          url,
          credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: options.secretAccessKey ?? credentials.secretAccessKey },
          region,
          service: options.service ?? 'fc',
          ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
        });
    const response = await request(url, { method: 'GET', headers });
    const body = (await response.body.json()) as { error?: { message: string }; result?: unknown };
    return { status: response.statusCode, message: body.error?.message, result: body.result };
  }

  it('answers a request signed with JDCLOUD2 for service fc', async () => {
    assert.deepEqual(await runtimes({}), { status: 200, message: undefined, result: { runtimes: ['nodejs16'], totalCount: 1 } });
  });

  it('turns away unsigned requests, wrong secrets, another service\'s scope and a reused nonce', async () => {
    assert.deepEqual(await runtimes({ unsigned: true }), { status: 401, message: 'lack of header authorization[gw]', result: undefined });
    assert.deepEqual(await runtimes({ secretAccessKey: 'wrong' }), { status: 401, message: 'sign result is not same [gw]', result: undefined });
    assert.deepEqual(await runtimes({ service: 'vm' }), { status: 401, message: 'sign result is not same [gw]', result: undefined });
    assert.equal((await runtimes({ nonce: 'nonce-used-twice' })).status, 200);
    assert.deepEqual(await runtimes({ nonce: 'nonce-used-twice' }), { status: 403, message: "nonce 'nonce-used-twice' was already used: 重复访问[gw]", result: undefined });
  });
});

describe('createFcApi against the fc emulator', () => {
  let emulator: FcEmulator;
  let client: JdCloudClient;
  let fc: FcApi;
  let zip: Buffer;

  before(async () => {
    emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs16', 'nodejs22'] });
    client = createJdCloudClient({ endpoint: emulator.url, service: 'fc', credentials, retry: { maxAttempts: 1 } });
    fc = createFcApi(client);
    zip = await zipEntries([{ name: 'index.js', data: Buffer.from('exports.handler = async () => 1;\n') }]);
  });
  after(async () => {
    await client.close();
    await emulator.stop();
  });

  const spec = (functionName: string) => ({ functionName, code: { zipFile: zip.toString('base64') }, runtime: 'nodejs22', handler: 'index.handler' });

  it('creates a service and a function, and reports the package checksum as SHA-256', async () => {
    assert.deepEqual(await fc.describeRuntimes(region), ['nodejs16', 'nodejs22']);
    assert.deepEqual(await fc.describeInstanceTypes(region), [
      { cpu: 0.15, memorySize: 256 },
      { cpu: 0.75, memorySize: 1024 },
      { cpu: 1, memorySize: 1024 },
    ]);
    assert.equal(await fc.findService(region, 'images'), undefined);
    await fc.createService(region, { serviceName: 'images', description: 'disk images' });
    assert.equal((await fc.findService(region, 'images'))?.description, 'disk images');
    await fc.createFunction(region, 'images', { ...spec('importImage'), timeout: 120, envs: [{ name: 'A', value: '1' }] });
    const deployed = await fc.findFunction(region, 'images', 'importImage');
    assert.deepEqual(
      { runtime: deployed?.runtime, handler: deployed?.handler, timeout: deployed?.timeout, cpu: deployed?.cpu, memorySize: deployed?.memorySize, envs: deployed?.envs, codeSize: deployed?.codeSize },
      { runtime: 'nodejs22', handler: 'index.handler', timeout: 120, cpu: 1, memorySize: 1024, envs: [{ name: 'A', value: '1' }], codeSize: zip.length },
    );
    assert.equal((await fc.describeFunctionCode(region, 'images', 'importImage')).checkSum, createHash('sha256').update(zip).digest('hex'));
  });

  it('refuses what fc refuses: an unknown runtime, a second binding of one bucket filter', async () => {
    await assert.rejects(fc.createFunction(region, 'images', { ...spec('other'), runtime: 'nodejs99' }), (error: unknown) => {
      assert.ok(error instanceof JdCloudApiError);
      assert.equal(error.httpStatus, 400);
      assert.equal(error.apiMessage, 'runtime "nodejs99" is not supported; supported: nodejs16, nodejs22');
      return true;
    });
    await assert.rejects(fc.createFunction(region, 'images', { ...spec('other'), cpu: 0.15, memorySize: 1024 }), (error: unknown) => {
      assert.ok(error instanceof JdCloudApiError);
      assert.equal(error.apiMessage, 'cpu 0.15 with memorySize 1024 is not an instance type; offered: 0.15 vCPU / 256 MB, 0.75 vCPU / 1024 MB, 1 vCPU / 1024 MB');
      return true;
    });
    await assert.rejects(fc.createFunction(region, 'images', { ...spec('other'), timeout: 901 }), (error: unknown) => {
      assert.ok(error instanceof JdCloudApiError);
      assert.equal(error.apiMessage, 'functionSpec.timeout: Too big: expected number to be <=900');
      return true;
    });
    const trigger = { triggerType: 'oss' as const, sourceJrn: 'jrn:oss:cn-north-1::disk-images', triggerConfig: '{"events":["oss:ObjectCreated:*"],"filter":{"key":{"suffix":".qcow2"}}}' };
    await fc.createTrigger(region, 'images', 'importImage', { triggerName: 'qcow2', ...trigger });
    await assert.rejects(fc.createTrigger(region, 'images', 'importImage', { triggerName: 'again', ...trigger }), (error: unknown) => {
      assert.ok(error instanceof JdCloudApiError);
      assert.equal(error.apiMessage, 'bucket disk-images already binds prefix "" suffix ".qcow2" for this event (trigger qcow2)');
      return true;
    });
  });

  it('updates and lists triggers, and deletes a function only with deleteTrigger', async () => {
    await fc.updateTrigger(region, 'images', 'importImage', 'qcow2', { enable: false, description: 'paused' });
    const [trigger] = await fc.listTriggers(region, 'images', 'importImage');
    assert.deepEqual({ name: trigger?.triggerName, status: trigger?.status, description: trigger?.description }, { name: 'qcow2', status: 'Disable', description: 'paused' });
    await assert.rejects(fc.deleteFunction(region, 'images', 'importImage', { deleteTrigger: false }), /function importImage has 1 trigger\(s\); delete them first or pass deleteTrigger=true/);
    await fc.deleteFunction(region, 'images', 'importImage', { deleteTrigger: true });
    assert.equal(await fc.findFunction(region, 'images', 'importImage'), undefined);
  });

  it('invokes asynchronously: answers a request id at once, then runs the deployed bundle with the function\'s environment', async () => {
    // A handler that waits, so the answer provably comes before the function ends.
    const code = await zipEntries([
      {
        name: 'index.js',
        data: Buffer.from(
          "exports.handler = async (event, context) => { await new Promise((r) => setTimeout(r, 300)); return { event, mode: process.env.MODE, home: process.env.HOME ?? null, requestId: context.requestId, fn: context.function.name }; };\n",
        ),
      },
    ]);
    await fc.createFunction(region, 'images', { ...spec('importImage'), code: { zipFile: code.toString('base64') }, envs: [{ name: 'MODE', value: 'follow' }] });
    const { requestId } = await fc.invokeFunction(region, 'images', 'importImage', '{"Records":[]}');
    assert.match(requestId, /^[a-z0-9]{32}$/);
    const [invocation] = emulator.invocations;
    assert.deepEqual(
      { ...invocation, settled: undefined },
      { requestId, region, serviceName: 'images', functionName: 'importImage', event: '{"Records":[]}', invocationType: 'Async', settled: undefined },
    );
    const outcome = await invocation?.settled;
    assert.deepEqual(
      { status: outcome?.status, result: outcome?.result, exitCode: outcome?.exitCode, node: outcome?.node },
      { status: 'succeeded', result: { event: { Records: [] }, mode: 'follow', home: null, requestId, fn: 'importImage' }, exitCode: 0, node: process.version },
    );
    assert.equal(invocation?.outcome, outcome);
  });

  it('lets the function connect to loopback only', async () => {
    const code = await zipEntries([
      {
        name: 'index.js',
        data: Buffer.from(
          "const net = require('net');\nexports.handler = () => new Promise((resolve) => { const socket = net.connect(9, '0.0.0.0'); socket.on('error', (error) => resolve(error.message)); socket.on('connect', () => { socket.destroy(); resolve('connected'); }); });\n",
        ),
      },
    ]);
    await fc.createFunction(region, 'images', { ...spec('outbound'), code: { zipFile: code.toString('base64') } });
    await fc.invokeFunction(region, 'images', 'outbound', '{}');
    const outcome = await emulator.invocations.at(-1)?.settled;
    assert.deepEqual({ status: outcome?.status, result: outcome?.result }, { status: 'succeeded', result: 'fc emulator: the function may connect to loopback only, not to 0.0.0.0' });
  });

  it('kills an invocation at the function\'s timeout, and reports a handler that throws', async () => {
    const code = await zipEntries([
      {
        name: 'index.js',
        data: Buffer.from("exports.handler = async (event) => { if (event.fail) throw new Error('bad event'); await new Promise((r) => setTimeout(r, 60000)); };\n"),
      },
    ]);
    await fc.createFunction(region, 'images', { ...spec('slow'), timeout: 1, code: { zipFile: code.toString('base64') } });
    await fc.invokeFunction(region, 'images', 'slow', '{}');
    await fc.invokeFunction(region, 'images', 'slow', '{"fail":true}');
    const [timedOut, failed] = await emulator.settled().then((all) => all.slice(-2));
    assert.deepEqual(
      { status: timedOut?.status, error: timedOut?.error, signal: timedOut?.signal },
      { status: 'timed-out', error: 'the function ran past its timeout of 1 s and was killed', signal: 'SIGKILL' },
    );
    assert.deepEqual({ status: failed?.status, exitCode: failed?.exitCode }, { status: 'failed', exitCode: 1 });
    assert.match(failed?.error ?? '', /^Error: bad event\n/);
  });

  it('lists every function across pages of 100', async () => {
    await fc.createService(region, { serviceName: 'many' });
    for (let index = 0; index < 101; index += 1) await fc.createFunction(region, 'many', spec(`fn-${index}`));
    emulator.calls.length = 0;
    const functions = await fc.listFunctions(region, 'many');
    assert.equal(functions.length, 101);
    assert.deepEqual(
      emulator.calls.map((call) => call.query),
      [
        { pageNumber: '1', pageSize: '100' },
        { pageNumber: '2', pageSize: '100' },
      ],
    );
  });
});
