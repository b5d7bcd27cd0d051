// The VM emulator's images in every region over real HTTP: copyImages (copies appear pending
// in the destination region and turn ready on the task clock), shareImage (pins recorded),
// describeImage/describeImages per region, and the JD-style errors of each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { ubuntuImportRequest } from '../../harness/import-request.js';
import { createSender } from './vm-emulator-send.js';

const owner = { accessKeyId: 'IMAGES-AK', secretAccessKey: 'IMAGES-SK' };
const stranger = { accessKeyId: 'OTHER-AK', secretAccessKey: 'OTHER-SK' };
let clockMs = Date.parse('2026-02-03T04:05:06Z');
const send = createSender({ credentials: owner, now: () => clockMs });
// Pending for one 1000 ms step, running for two: ready 3000 ms after it starts.
const lifecycleMs = 3000;

describe('VM emulator images: copy, share, per region', () => {
  let emulator: VmEmulator;
  before(async () => {
    emulator = await startVmEmulator({ credentials: [owner, stranger], taskStepMs: 1000, runningSteps: 2, now: () => clockMs });
  });
  after(() => emulator.stop());

  const importImage = async (name: string) => {
    const response = await send(emulator, 'POST', '/v1/regions/cn-north-1/images:import', { body: ubuntuImportRequest(name) });
    assert.equal(response.status, 200);
    return response.json.result.imageId as string;
  };
  const readyImage = async (name: string) => {
    const imageId = await importImage(name);
    clockMs += lifecycleMs;
    return imageId;
  };
  const copy = (body: unknown, keys = owner) => send(emulator, 'POST', '/v1/regions/cn-north-1/images:copyImages', { body, keys });
  const share = (imageId: string, body: unknown, keys = owner, region = 'cn-north-1') =>
    send(emulator, 'POST', `/v1/regions/${region}/images/${imageId}:share`, { body, keys, region });
  const describeOne = (region: string, imageId: string) => send(emulator, 'GET', `/v1/regions/${region}/images/${imageId}`, { region });
  const expectError = (response: { status: number; json: any }, httpStatus: number, status: string, message: string) => {
    assert.equal(response.status, httpStatus, JSON.stringify(response.json));
    assert.deepEqual(response.json.error, { message, status, code: httpStatus });
  };

  test('copies appear pending in the destination region only, then turn ready on the task clock', async () => {
    const first = await importImage('copy-source-1');
    const second = await importImage('copy-source-2');
    clockMs += lifecycleMs;
    const copiedBefore = emulator.counters.imagesCopied;
    const response = await copy({ sourceImageIds: [first, second], destinationRegion: 'cn-east-2' });
    assert.equal(response.status, 200);
    const pairs: Array<{ sourceImageId: string; destinationImageId: string }> = response.json.result.copyImages;
    assert.deepEqual(pairs.map((pair) => pair.sourceImageId), [first, second]);
    for (const pair of pairs) assert.match(pair.destinationImageId, /^img-[a-z0-9]{10}$/);
    assert.equal(new Set([first, second, ...pairs.map((pair) => pair.destinationImageId)]).size, 4);
    assert.equal(emulator.counters.imagesCopied, copiedBefore + 2);

    const destination = pairs[0]?.destinationImageId ?? '';
    const pending = (await describeOne('cn-east-2', destination)).json.result.image;
    assert.deepEqual(
      { imageId: pending.imageId, name: pending.name, status: pending.status, progress: pending.progress, imported: pending.imported, imageSource: pending.imageSource, platform: pending.platform },
      { imageId: destination, name: 'copy-source-1', status: 'pending', progress: '0', imported: false, imageSource: 'private', platform: 'Ubuntu' },
    );
    expectError(await describeOne('cn-north-1', destination), 404, 'NOT_FOUND', `Image '${destination}' not found`);

    clockMs += 2000;
    assert.deepEqual([(await describeOne('cn-east-2', destination)).json.result.image.status, (await describeOne('cn-east-2', destination)).json.result.image.progress], ['pending', '50']);
    clockMs += 1000;
    assert.deepEqual([(await describeOne('cn-east-2', destination)).json.result.image.status, (await describeOne('cn-east-2', destination)).json.result.image.progress], ['ready', '100']);

    const listed = emulator.images('cn-east-2').find((image) => image.imageId === destination);
    assert.deepEqual(
      { region: listed?.region, owner: listed?.owner, copiedFrom: listed?.copiedFrom, sharedWith: listed?.sharedWith },
      { region: 'cn-east-2', owner: 'IMAGES-AK', copiedFrom: { imageId: first, region: 'cn-north-1' }, sharedWith: [] },
    );
  });

  test('copyImages refuses with JD-style errors and copies nothing', async () => {
    const ready = await readyImage('copy-errors');
    const pending = await importImage('copy-pending');
    const copiedBefore = emulator.counters.imagesCopied;
    const to = (destinationRegion: unknown) => ({ sourceImageIds: [ready], destinationRegion });

    expectError(await copy({ sourceImageIds: [ready, pending], destinationRegion: 'cn-east-2' }), 400, 'FAILED_PRECONDITION', `Image '${pending}' is pending; only a ready image can be copied`);
    expectError(await copy(to('cn-north-1')), 400, 'INVALID_ARGUMENT', "Invalid destinationRegion 'cn-north-1': it is the source region");
    expectError(await copy(to('cn-west-9')), 400, 'INVALID_ARGUMENT', "Invalid destinationRegion 'cn-west-9', must be one of: cn-north-1, cn-east-1, cn-east-2, cn-south-1");
    expectError(await copy({ sourceImageIds: [ready] }), 400, 'INVALID_ARGUMENT', 'destinationRegion is required');
    expectError(await copy({ destinationRegion: 'cn-east-2' }), 400, 'INVALID_ARGUMENT', 'sourceImageIds is required');
    expectError(await copy({ sourceImageIds: [], destinationRegion: 'cn-east-2' }), 400, 'INVALID_ARGUMENT', 'sourceImageIds is required');
    expectError(await copy({ sourceImageIds: [ready, 7], destinationRegion: 'cn-east-2' }), 400, 'INVALID_ARGUMENT', 'Invalid sourceImageIds, must be image ids');
    expectError(await copy({ sourceImageIds: [ready, ready], destinationRegion: 'cn-east-2' }), 400, 'INVALID_ARGUMENT', `Image '${ready}' is listed twice in sourceImageIds`);
    const eleven = Array.from({ length: 11 }, (_, index) => `img-${index}`);
    expectError(await copy({ sourceImageIds: eleven, destinationRegion: 'cn-east-2' }), 400, 'OUT_OF_RANGE', 'SourceImageIds out of range, at most 10 images per call');
    expectError(await copy({ sourceImageIds: [ready, 'img-nothere'], destinationRegion: 'cn-east-2' }), 404, 'NOT_FOUND', "Image 'img-nothere' not found");
    expectError(await copy(to('cn-east-2'), stranger), 403, 'HTTP_FORBIDDEN', `Image '${ready}' does not belong to this account`);
    expectError(await copy('[1]'), 400, 'INVALID_ARGUMENT', 'request body must be a JSON object');
    assert.equal(emulator.counters.imagesCopied, copiedBefore);
    assert.equal(emulator.counters.requestsByOperation.copyImages >= 12, true);
  });

  test('a seeded image belongs to every key; a copy of an image in another region is not found', async () => {
    const seeded = emulator.seedTask({ region: 'cn-south-1', status: 'finished' });
    const response = await send(emulator, 'POST', '/v1/regions/cn-south-1/images:copyImages', {
      body: { sourceImageIds: [seeded.imageId], destinationRegion: 'cn-east-1' },
      keys: stranger,
      region: 'cn-south-1',
    });
    assert.equal(response.status, 200);
    assert.equal(emulator.images('cn-east-1').find((image) => image.imageId === response.json.result.copyImages[0].destinationImageId)?.owner, 'OTHER-AK');
    expectError(await copy({ sourceImageIds: [seeded.imageId], destinationRegion: 'cn-east-1' }), 404, 'NOT_FOUND', `Image '${seeded.imageId}' not found`);
  });

  test('shareImage records the pins once each; the colon may be sent as %3A', async () => {
    const imageId = await readyImage('shared');
    const first = await share(imageId, { pins: ['pin-a', 'pin-b'] });
    assert.equal(first.status, 200);
    assert.deepEqual(first.json.result, {});
    const encoded = await send(emulator, 'POST', `/v1/regions/cn-north-1/images/${imageId}%3Ashare`, { body: { pins: ['pin-b', 'pin-c'] } });
    assert.equal(encoded.status, 200);
    assert.deepEqual(emulator.images('cn-north-1').find((image) => image.imageId === imageId)?.sharedWith, ['pin-a', 'pin-b', 'pin-c']);
    assert.equal(emulator.requests.at(-1)?.operation, 'shareImage');
  });

  test('shareImage refuses with JD-style errors and records nothing', async () => {
    const ready = await readyImage('share-errors');
    const pending = await importImage('share-pending');
    expectError(await share(pending, { pins: ['pin-a'] }), 400, 'FAILED_PRECONDITION', `Image '${pending}' is pending; only a ready image can be shared`);
    expectError(await share(ready, { pins: [] }), 400, 'INVALID_ARGUMENT', 'pins is required');
    expectError(await share(ready, {}), 400, 'INVALID_ARGUMENT', 'pins is required');
    expectError(await share(ready, { pins: ['pin-a', ''] }), 400, 'INVALID_ARGUMENT', 'Invalid pins, must be account pins');
    expectError(await share('img-nothere', { pins: ['pin-a'] }), 404, 'NOT_FOUND', "Image 'img-nothere' not found");
    expectError(await share(ready, { pins: ['pin-a'] }, stranger), 403, 'HTTP_FORBIDDEN', `Image '${ready}' does not belong to this account`);
    expectError(await share(ready, { pins: ['pin-a'] }, owner, 'cn-east-2'), 404, 'NOT_FOUND', `Image '${ready}' not found`);
    for (const imageId of [ready, pending]) assert.deepEqual(emulator.images('cn-north-1').find((image) => image.imageId === imageId)?.sharedWith, []);
  });

  test('describeImages lists one region, filters by status and pages by [10, 100]', async () => {
    for (let index = 0; index < 12; index += 1) emulator.seedTask({ region: 'cn-north-1', status: 'finished' });
    const regionImages = emulator.images('cn-north-1');
    const pendingIds = regionImages.filter((image) => image.status === 'pending').map((image) => image.imageId);
    const fresh = await importImage('listed-pending');
    const all = await send(emulator, 'GET', '/v1/regions/cn-north-1/images?imageSource=private&pageSize=100');
    assert.equal(all.json.result.totalCount, regionImages.length + 1);
    assert.ok(all.json.result.images.every((image: { imageId: string }) => !emulator.images('cn-east-2').some((other) => other.imageId === image.imageId)));
    const pending = await send(emulator, 'GET', '/v1/regions/cn-north-1/images?imageSource=private&status=pending&pageSize=100');
    assert.deepEqual(pending.json.result.images.map((image: { imageId: string }) => image.imageId), [...pendingIds, fresh]);
    const page = await send(emulator, 'GET', '/v1/regions/cn-north-1/images?imageSource=private&pageSize=10&pageNumber=2');
    assert.equal(page.json.result.images.length, 10);
    assert.deepEqual(page.json.result.images.map((image: { imageId: string }) => image.imageId), all.json.result.images.slice(10, 20).map((image: { imageId: string }) => image.imageId));
    expectError(await send(emulator, 'GET', '/v1/regions/cn-north-1/images?imageSource=private&pageSize=5'), 400, 'OUT_OF_RANGE', 'PageSize out of range');
    expectError(await send(emulator, 'GET', '/v1/regions/cn-north-1/images'), 400, 'INVALID_ARGUMENT', 'imageSource is required when ids is empty');
  });
});
