// copyImages, shareImage and describeImages/describeImage in any region, through our client,
// against the VM emulator over real HTTP; and the inputs refused before anything is sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createJdCloudClient, type JdCloudClient } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import { JdCloudApiError, JdCloudInputError } from '../../src/adapters/jdcloud/errors.js';
import type { ImportImageInput } from '../../src/adapters/jdcloud/vm/import-image.js';
import { createVmApi, type VmApi } from '../../src/adapters/jdcloud/vm/vm-api.js';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { ubuntuImportRequest } from '../../harness/import-request.js';

const credentials = { accessKeyId: 'VM-IMAGES-AK', secretAccessKey: 'VM-IMAGES-SK' };
const ubuntu = (name: string) => ubuntuImportRequest(name) as ImportImageInput;

describe('VM image calls in any region', () => {
  let clockMs = Date.now();
  let emulator: VmEmulator;
  let client: JdCloudClient;
  let vm: VmApi;

  before(async () => {
    emulator = await startVmEmulator({ credentials: [credentials], taskStepMs: 1000, runningSteps: 1, now: () => clockMs });
    client = createJdCloudClient({ endpoint: emulator.url, service: 'vm', credentials, now: () => new Date(clockMs), retry: { maxAttempts: 1 } });
    vm = createVmApi(client);
  });
  after(async () => {
    await client.close();
    await emulator.stop();
  });

  const readyImage = async (name: string) => {
    const { imageId } = await vm.importImage('cn-north-1', ubuntu(name));
    clockMs += 2000;
    return imageId;
  };

  test('copy to cn-east-2, follow the copy there until ready, share it there', async () => {
    const source = await readyImage('to-copy');
    const copied = await vm.copyImages('cn-north-1', { sourceImageIds: [source], destinationRegion: 'cn-east-2' });
    assert.equal(copied.attempts, 1);
    assert.equal(copied.requestId, emulator.requests.at(-1)?.requestId);
    const [pair] = copied.copyImages;
    assert.equal(pair?.sourceImageId, source);
    const copyId = pair?.destinationImageId ?? '';

    const pending = await vm.describeImage('cn-east-2', copyId);
    assert.deepEqual([pending.image.imageId, pending.image.name, pending.image.status, pending.image.imported], [copyId, 'to-copy', 'pending', false]);
    const listed = await vm.describeImages('cn-east-2', { imageSource: 'private', status: 'pending' });
    assert.deepEqual([listed.images.map((image) => image.imageId), listed.totalCount], [[copyId], 1]);
    assert.equal(emulator.requests.at(-1)?.target, '/v1/regions/cn-east-2/images?imageSource=private&pageNumber=1&pageSize=100&status=pending');
    assert.deepEqual((await vm.describeImages('cn-north-1', [copyId])).images, []);

    clockMs += 2000;
    assert.equal((await vm.describeImages('cn-east-2', [copyId, 'img-unknown'])).images[0]?.status, 'ready');
    const shared = await vm.shareImage('cn-east-2', copyId, { pins: ['pin-1', 'pin-2'] });
    assert.equal(shared.requestId, emulator.requests.at(-1)?.requestId);
    assert.equal(emulator.requests.at(-1)?.target, `/v1/regions/cn-east-2/images/${copyId}%3Ashare`);
    assert.deepEqual(emulator.images('cn-east-2').find((image) => image.imageId === copyId)?.sharedWith, ['pin-1', 'pin-2']);
  });

  test('the service\'s refusals arrive as JdCloudApiError', async () => {
    const { imageId } = await vm.importImage('cn-north-1', ubuntu('still-pending'));
    const error = await vm.copyImages('cn-north-1', { sourceImageIds: [imageId], destinationRegion: 'cn-south-1' }).catch((caught: unknown) => caught);
    assert.ok(error instanceof JdCloudApiError);
    assert.deepEqual(
      [error.httpStatus, error.status, error.apiMessage, error.retryable],
      [400, 'FAILED_PRECONDITION', `Image '${imageId}' is pending; only a ready image can be copied`, false],
    );
    const unknown = await vm.shareImage('cn-north-1', 'img-nothere', { pins: ['pin-1'] }).catch((caught: unknown) => caught);
    assert.ok(unknown instanceof JdCloudApiError);
    assert.deepEqual([unknown.httpStatus, unknown.status, unknown.apiMessage], [404, 'NOT_FOUND', "Image 'img-nothere' not found"]);
  });

  test('input that breaks the documented rules is refused before anything is sent', async () => {
    const before = emulator.counters.requests;
    const refused = async (call: Promise<unknown>, message: string) => {
      const error = await call.catch((caught: unknown) => caught);
      assert.ok(error instanceof JdCloudInputError, message);
      assert.equal(error.message, message);
    };
    const eleven = Array.from({ length: 11 }, (_, index) => `img-${index}`);
    await refused(
      vm.copyImages('cn-north-1', { sourceImageIds: eleven, destinationRegion: 'cn-east-2' }),
      'copyImages: invalid input: sourceImageIds: must list at most 10 image ids per call; got 11',
    );
    await refused(
      vm.copyImages('cn-north-1', { sourceImageIds: [], destinationRegion: 'east' }),
      'copyImages: invalid input: sourceImageIds: must list at least one image id; destinationRegion: must be a region id such as cn-north-1 (documented: cn-north-1, cn-east-1, cn-east-2, cn-south-1); got "east"',
    );
    await refused(
      vm.copyImages('cn-north-1', { sourceImageIds: ['img-a', 'img-a', ''], destinationRegion: 'cn-east-2' }),
      'copyImages: invalid input: sourceImageIds.2: must not be empty; sourceImageIds: must not list an image id twice',
    );
    await refused(
      vm.copyImages('cn-north-1', { sourceImageIds: ['img-a'], destinationRegion: 'cn-north-1' }),
      'copyImages: invalid input: destinationRegion: must be another region than the source region; got "cn-north-1"',
    );
    await refused(vm.shareImage('cn-north-1', 'img-a', { pins: [] }), 'shareImage: invalid input: pins: must list at least one account pin');
    await refused(vm.shareImage('cn-north-1', 'img-a', { pins: ['pin one'] }), 'shareImage: invalid input: pins.0: must be a JD account pin without spaces; got "pin one"');
    await refused(vm.shareImage('cn-north-1', 'x'.repeat(65), { pins: ['pin-1'] }), 'shareImage: invalid input: (input): must be at most 64 characters; got 65');
    await refused(vm.describeImages('cn-north-1', []), 'describeImages: invalid input: (input): give ids (at least one image id) or an imageSource');
    await refused(
      vm.describeImages('cn-north-1', { imageSource: 'private', pageSize: 5 }),
      "describeImages: invalid input: pageSize: must be 10 to 100 (describeImages' documented range)",
    );
    await refused(
      vm.describeImages('cn-north-1', { imageSource: 'mine' as 'private', status: 'done' as 'ready' }),
      'describeImages: invalid input: imageSource: must be one of "public", "thirdparty", "private", "shared", "community"; got "mine"; status: must be one of "pending", "ready", "deleting", "error"; got "done"',
    );
    assert.equal(emulator.counters.requests, before);
  });
});
