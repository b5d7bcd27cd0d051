// Our client against the official jdcloud-sdk-js, on the wire: both sign the same request with
// the same keys, date and nonce, and a loopback server captures what each sends. Then the VM
// emulator serves the official SDK's own calls, so the emulator's gateway is checked against a
// signer that is not ours (a bug shared by our signer and our verifier cannot pass both).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenHttp } from '../../src/kernel/listen-http.js';
import { createJdCloudClient, type JdCloudClient } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import { createVmApi, type VmApi } from '../../src/adapters/jdcloud/vm/vm-api.js';
import { startVmEmulator, type VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { officialVmClient, pinOfficialSigner, type OfficialEnvelope, type OfficialVm } from '../../harness/official-jdcloud-sdk.js';

const credentials = { accessKeyId: 'WIRE-TEST-AK', secretAccessKey: 'WIRE-TEST-SK-0123456789' };
const signedAt = new Date('2026-03-04T05:06:07Z');
const nonce = '0f4c2a1e-7d2b-4c3a-9e8f-0123456789ab';

interface Captured {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request signed by both, and the `result` the capture server answers it with. */
interface WireCase {
  name: string;
  /** The path on the wire: the documented one, `:` sent as `%3A` (docs/reference/jdcloud-api.md §1.4). */
  path: string;
  result: unknown;
  ours(vm: VmApi): Promise<unknown>;
  official(sdk: OfficialVm): Promise<OfficialEnvelope>;
}

const importInput = {
  architecture: 'x86_64',
  osType: 'linux',
  platform: 'Ubuntu',
  diskFormat: 'qcow2',
  systemDiskSizeGB: 50,
  imageUrl: 'https://images.s3-internal.cn-north-1.jdcloud-oss.com/ubuntu%2024.qcow2?X-Amz-Signature=abc',
  osVersion: '24.04',
  imageName: '导入-ubuntu_24',
  description: 'wire test: 镜像 (a "quoted" word)',
  forceImport: false,
  clientToken: 'wire-token-1',
} as const;

const cases: WireCase[] = [
  {
    name: 'describeImageTasks: GET with taskIds.N',
    path: '/v1/regions/cn-north-1/imageTasks',
    result: { taskSet: [], totalCount: 0 },
    ours: (vm) => vm.describeImageTasks('cn-north-1', { taskIds: ['1001', '1002'] }),
    official: (sdk) => sdk.imageTasks({ taskAction: 'ImportImage', taskIds: [1001, 1002], pageNumber: 1, pageSize: 10 }, 'cn-north-1'),
  },
  {
    name: 'describeImages: GET with ids.N in another region',
    path: '/v1/regions/cn-east-2/images',
    result: { images: [], totalCount: 0 },
    ours: (vm) => vm.describeImages('cn-east-2', ['img-aaaa', 'img-bbbb']),
    official: (sdk) => sdk.describeImages({ ids: ['img-aaaa', 'img-bbbb'], pageNumber: 1, pageSize: 100 }, 'cn-east-2'),
  },
  {
    name: 'describeImages: GET by imageSource and status',
    path: '/v1/regions/cn-north-1/images',
    result: { images: [], totalCount: 0 },
    ours: (vm) => vm.describeImages('cn-north-1', { imageSource: 'private', status: 'pending', pageSize: 50 }),
    official: (sdk) => sdk.describeImages({ imageSource: 'private', status: 'pending', pageNumber: 1, pageSize: 50 }, 'cn-north-1'),
  },
  {
    name: 'describeImage: GET with the id in the path',
    path: '/v1/regions/cn-north-1/images/img-aaaa',
    result: { image: { imageId: 'img-aaaa', status: 'ready' } },
    ours: (vm) => vm.describeImage('cn-north-1', 'img-aaaa'),
    official: (sdk) => sdk.describeImage({ imageId: 'img-aaaa' }, 'cn-north-1'),
  },
  {
    name: 'importImage: POST images:import with every field, Chinese text and quotes',
    path: '/v1/regions/cn-north-1/images%3Aimport',
    result: { imageId: 'img-new', taskId: '1003' },
    ours: (vm) => vm.importImage('cn-north-1', importInput),
    official: (sdk) => sdk.importImage({ ...importInput }, 'cn-north-1'),
  },
  {
    name: 'copyImages: POST images:copyImages',
    path: '/v1/regions/cn-north-1/images%3AcopyImages',
    result: { copyImages: [{ sourceImageId: 'img-aaaa', destinationImageId: 'img-cccc' }] },
    ours: (vm) => vm.copyImages('cn-north-1', { sourceImageIds: ['img-aaaa', 'img-bbbb'], destinationRegion: 'cn-east-2' }),
    official: (sdk) => sdk.copyImages({ sourceImageIds: ['img-aaaa', 'img-bbbb'], destinationRegion: 'cn-east-2' }, 'cn-north-1'),
  },
  {
    name: 'shareImage: POST images/{id}:share',
    path: '/v1/regions/cn-north-1/images/img-aaaa%3Ashare',
    result: {},
    ours: (vm) => vm.shareImage('cn-north-1', 'img-aaaa', { pins: ['pin-one', 'pin-two'] }),
    official: (sdk) => sdk.shareImage({ imageId: 'img-aaaa', pins: ['pin-one', 'pin-two'] }, 'cn-north-1'),
  },
];

/** The headers that say what was signed and what was sent: they must be the same for both. */
const comparedHeaders = ['authorization', 'x-jdcloud-date', 'x-jdcloud-nonce', 'host', 'accept', 'content-type', 'content-length', 'x-jdcloud-content-sha256'];

describe('our client and the official jdcloud-sdk-js send the same signed request', () => {
  const captured: Captured[] = [];
  let answer: unknown = {};
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      captured.push({ method: request.method ?? '', target: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json', 'x-jdcloud-request-id': 'wire-request' });
      response.end(JSON.stringify({ requestId: 'wire-request', result: answer }));
    });
  });
  let client: JdCloudClient;
  let vm: VmApi;
  let official: OfficialVm;

  before(async () => {
    const { url } = await listenHttp(server);
    client = createJdCloudClient({ endpoint: url, service: 'vm', credentials, now: () => signedAt, nonce: () => nonce, retry: { maxAttempts: 1 } });
    vm = createVmApi(client);
    official = officialVmClient(url, credentials);
  });
  after(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const wire of cases) {
    test(wire.name, async (t) => {
      answer = wire.result;
      const restore = pinOfficialSigner(signedAt, nonce);
      t.after(restore);
      captured.length = 0;
      await wire.ours(vm);
      await wire.official(official);
      const [ours, theirs] = captured;
      assert.ok(ours !== undefined && theirs !== undefined, `captured ${captured.length} requests`);

      assert.equal(ours.method, theirs.method);
      const ourTarget = new URL(ours.target, 'http://wire');
      const theirTarget = new URL(theirs.target, 'http://wire');
      assert.equal(ourTarget.pathname, wire.path);
      assert.equal(theirTarget.pathname, wire.path);
      // The SDK sends its query unsorted and signs it sorted; ours sends what it signs.
      assert.deepEqual([...ourTarget.searchParams].sort(), [...theirTarget.searchParams].sort());
      assert.equal(ours.body, theirs.body);
      const pick = (headers: IncomingHttpHeaders) => Object.fromEntries(comparedHeaders.map((name) => [name, headers[name]]));
      assert.deepEqual(pick(ours.headers), pick(theirs.headers));
      assert.equal(ours.headers['x-jdcloud-date'], '20260304T050607Z');
      assert.equal(ours.headers['x-jdcloud-nonce'], nonce);
      assert.match(
        String(ours.headers['authorization']),
        /^JDCLOUD2-HMAC-SHA256 Credential=WIRE-TEST-AK\/20260304\/cn-(north|east)-\d\/vm\/jdcloud2_request, SignedHeaders=accept;content-type;host;x-jdcloud-date;x-jdcloud-nonce, Signature=[0-9a-f]{64}$/,
      );
    });
  }

});

describe('the VM emulator serves the official SDK', () => {
  let emulator: VmEmulator;
  let offsetMs = 0;
  let sdk: OfficialVm;

  before(async () => {
    emulator = await startVmEmulator({ credentials: [credentials], taskStepMs: 1000, runningSteps: 2, now: () => Date.now() + offsetMs });
    sdk = officialVmClient(emulator.url, credentials);
  });
  after(() => emulator.stop());

  test('importImage, imageTasks, describeImage(s), copyImages and shareImage all pass its gateway', async () => {
    const imported = await sdk.importImage({ ...importInput, imageUrl: 'https://images.s3-internal.cn-north-1.jdcloud-oss.com/ubuntu.qcow2' }, 'cn-north-1');
    const { imageId, taskId } = imported.result;
    assert.match(imageId, /^img-[a-z0-9]{10}$/);

    const tasks = await sdk.imageTasks({ taskAction: 'ImportImage', taskIds: [Number(taskId)], pageNumber: 1, pageSize: 10 }, 'cn-north-1');
    assert.deepEqual(
      tasks.result.taskSet.map((task: { taskId: number; taskStatus: string; imageName: string }) => [task.taskId, task.taskStatus, task.imageName]),
      [[Number(taskId), 'pending', '导入-ubuntu_24']],
    );
    offsetMs += 3000;
    const image = await sdk.describeImage({ imageId }, 'cn-north-1');
    assert.deepEqual([image.result.image.imageId, image.result.image.status, image.result.image.desc], [imageId, 'ready', importInput.description]);

    const copied = await sdk.copyImages({ sourceImageIds: [imageId], destinationRegion: 'cn-east-2' }, 'cn-north-1');
    const [copy] = copied.result.copyImages;
    assert.equal(copy.sourceImageId, imageId);
    const listed = await sdk.describeImages({ ids: [copy.destinationImageId], pageNumber: 1, pageSize: 10 }, 'cn-east-2');
    assert.deepEqual(
      listed.result.images.map((found: { imageId: string; status: string }) => [found.imageId, found.status]),
      [[copy.destinationImageId, 'pending']],
    );

    assert.deepEqual((await sdk.shareImage({ imageId, pins: ['pin-one'] }, 'cn-north-1')).result, {});
    assert.deepEqual(emulator.images('cn-north-1').find((found) => found.imageId === imageId)?.sharedWith, ['pin-one']);
    assert.equal(emulator.counters.rejectedByGateway, 0);
  });

  test('a request the SDK signs with another secret is refused: the gateway really checks its signature', async () => {
    const wrong = officialVmClient(emulator.url, { ...credentials, secretAccessKey: 'another-secret' });
    const refused = await wrong.describeImages({ imageSource: 'private' }, 'cn-north-1').catch((error: OfficialEnvelope) => error);
    assert.deepEqual(refused.error, { message: 'sign result is not same [gw]', status: 'ACCESS_ERROR', code: 401 });
  });
});
