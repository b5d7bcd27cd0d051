// invokeFunctionAsync against the fc emulator over real HTTP: the documented path, header and
// body, the request id back (the function then runs with the event), and input refused before
// anything is sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createJdCloudClient, type JdCloudClient } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import { JdCloudApiError, JdCloudInputError } from '../../src/adapters/jdcloud/errors.js';
import { createFcApi } from '../../src/adapters/jdcloud/fc/fc-api.js';
import { invokeFunctionAsync } from '../../src/adapters/jdcloud/fc/invoke-function.js';
import { startFcEmulator, type FcEmulator } from '../../src/edges/local/fc-emulator/index.js';
import { zipEntries } from '../../plugins/jdcloud/package/zip-bundle.js';

const credentials = { accessKeyId: 'FC-INVOKE-AK', secretAccessKey: 'FC-INVOKE-SK' };
const region = 'cn-north-1';

describe('invokeFunctionAsync', () => {
  let emulator: FcEmulator;
  let client: JdCloudClient;

  before(async () => {
    emulator = await startFcEmulator({ credentials: [credentials] });
    client = createJdCloudClient({ endpoint: emulator.url, service: 'fc', credentials, retry: { maxAttempts: 1 } });
    const fc = createFcApi(client);
    // The emulator runs the function: this one answers with the records it was given.
    const zip = await zipEntries([{ name: 'index.js', data: Buffer.from('exports.handler = async (event) => event.Records.length;\n') }]);
    await fc.createService(region, { serviceName: 'images' });
    await fc.createFunction(region, 'images', { functionName: 'import_image-1', code: { zipFile: zip.toString('base64') }, runtime: 'nodejs16', handler: 'index.handler' });
  });
  after(async () => {
    await client.close();
    await emulator.stop();
  });

  test('POSTs {"body": event} to …/invocations with x-fc-invocation-type: Async and returns the request id', async () => {
    const event = '{"Records":[{"detail":{"eventName":"s3:ObjectCreated:Put"}}]}';
    const result = await invokeFunctionAsync(client, region, { serviceName: 'images', functionName: 'import_image-1', event });
    assert.match(result.requestId, /^[a-z0-9]{32}$/);
    assert.equal(result.attempts, 1);
    const call = emulator.calls.at(-1);
    assert.deepEqual(
      { operation: call?.operation, method: call?.method, path: call?.path, body: call?.body, invocationType: call?.invocationType, status: call?.status },
      { operation: 'invokeFunction', method: 'POST', path: '/services/images/functions/import_image-1/invocations', body: { body: event }, invocationType: 'Async', status: 200 },
    );
    const invocation = emulator.invocations.at(-1);
    assert.deepEqual(
      { requestId: invocation?.requestId, functionName: invocation?.functionName, event: invocation?.event, invocationType: invocation?.invocationType },
      { requestId: result.requestId, functionName: 'import_image-1', event, invocationType: 'Async' },
    );
    const outcome = await invocation?.settled;
    assert.deepEqual([outcome?.status, outcome?.result], ['succeeded', 1]);
  });

  test('text that is not JSON or a bad name is refused unsent', async () => {
    const before = emulator.calls.length;
    const refused = async (input: { serviceName: string; functionName: string; event: string }, message: string) => {
      const error = await invokeFunctionAsync(client, region, input).catch((caught: unknown) => caught);
      assert.ok(error instanceof JdCloudInputError);
      assert.equal(error.message, message);
    };
    await refused({ serviceName: 'images', functionName: 'import_image-1', event: 'Records' }, 'invokeFunction: invalid input: event: must be JSON text (fc passes it to the function as its event)');
    await refused(
      { serviceName: 'images/..', functionName: 'f'.repeat(33), event: '{}' },
      'invokeFunction: invalid input: serviceName: must be 1 to 32 Chinese characters, letters, digits, "_" or "-"; got "images/.."; ' +
        `functionName: must be 1 to 32 Chinese characters, letters, digits, "_" or "-"; got "${'f'.repeat(33)}"`,
    );
    assert.equal(emulator.calls.length, before);
  });

  test('an unknown function is the API\'s 404', async () => {
    const error = await invokeFunctionAsync(client, region, { serviceName: 'images', functionName: 'missing', event: '{}' }).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.equal(error.httpStatus, 404);
  });
});
