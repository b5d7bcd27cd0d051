// The deployed chain, as fc would run it: `serverless deploy` of the repository's two functions to
// the fc emulator, an upload whose OSS trigger runs the importImage bundle, which hands the import
// to the refreshStatus bundle (an asynchronous invocation), which follows it and re-invokes itself
// at its timeout until the image is ready, copied, shared and notified. Nothing is scheduled.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StatusRecord } from '../../src/domain/status/index.js';
import { type DevStack, localOssCredentials, startWebhookReceiver, type WebhookReceiver } from '../../src/edges/local/index.js';
import { startFcEmulator, type FcEmulator } from '../../src/edges/local/fc-emulator/index.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { readRecordOf } from '../../harness/following.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { nodeBinaries } from '../../harness/node-binaries.js';
import { repoRoot, runServerless } from '../plugins/serverless-cli.js';

const deployer = { accessKeyId: 'AKIDCHAINDEPLOYER', secretAccessKey: 'chain-deployer-secret' };
const secret = 'chain-notify-secret-0123456789';

/**
 * The repository's functions with the stack's endpoints and serverless.yml's timeouts. Each
 * follower invocation hands on after 2 s (IMAGE_FOLLOW_SLICE_SECONDS), half of it the lease's
 * settle time: no room for the follower's first wait (2 s), so the chain hops while the import and
 * the copies run, and fc never has to kill an invocation (a cold Node 16 start included).
 */
function chainYml(stack: DevStack, receiver: WebhookReceiver): string {
  return `service: chain
frameworkVersion: '^4.3.1'
plugins:
  - ./plugins/jdcloud
provider:
  name: jdcloud
  region: ${stack.region}
  timeout: 60
  cpu: 0.15
  memorySize: 256
  environment:
    JDCLOUD_REGION: ${stack.region}
    IMAGE_ALLOWED_BUCKETS: ${stack.bucket}
    OSS_ENDPOINT: ${stack.ossEndpoint}
    JDCLOUD_VM_ENDPOINT: ${stack.vmEndpoint}
    JDCLOUD_ACCESS_KEY_ID: ${localOssCredentials.accessKeyId}
    JDCLOUD_SECRET_ACCESS_KEY: ${localOssCredentials.secretAccessKey}
    IMAGE_NOTIFY_URL: ${receiver.url}/hooks
    IMAGE_NOTIFY_SECRET: ${secret}
    IMAGE_FOLLOW_SLICE_SECONDS: '2'
    LOG_LEVEL: warn
functions:
  importImage:
    handler: functions/import-image/handler.handler
    events:
      - oss: { bucket: ${stack.bucket}, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 } }
  refreshStatus:
    handler: functions/refresh-status/handler.handler
    timeout: 300
`;
}

describe('the deployed chain in the fc emulator', () => {
  let stack: DevStack;
  let receiver: WebhookReceiver;
  let fc: FcEmulator;
  let work: string;
  const node16 = nodeBinaries().find((runtime) => runtime.major === 16)?.binary;

  before(async () => {
    stack = await startTestStack({ autoImport: false, bucket: 'disk-images', taskStepMs: 200 });
    receiver = await startWebhookReceiver();
    // The functions call fc with their own key, the deployer deploys with another.
    fc = await startFcEmulator({ credentials: [deployer, localOssCredentials], ...(node16 !== undefined ? { nodeBinaries: { nodejs16: node16 } } : {}) });
    work = await mkdtemp(join(tmpdir(), 'oss-image-import-chain-'));
    const service = join(work, 'service');
    await mkdir(service);
    for (const name of ['functions', 'src', 'plugins', 'node_modules', 'package.json', 'tsconfig.json']) await symlink(join(repoRoot, name), join(service, name));
    await writeFile(join(service, 'serverless.yml'), chainYml(stack, receiver));
    const deployed = await runServerless(service, ['deploy'], { JDCLOUD_ACCESS_KEY_ID: deployer.accessKeyId, JDCLOUD_SECRET_ACCESS_KEY: deployer.secretAccessKey, JDCLOUD_FC_ENDPOINT: fc.url });
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  });
  after(async () => {
    await fc.stop();
    await receiver.stop();
    await stack.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('an upload with copy-to-regions and share-with ends ready, copied, shared and notified, through fc invocations only', async () => {
    const key = 'chain/ubuntu.qcow2';
    await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2,cn-south-1', 'share-with': 'jdpin-alice,jdpin-bob' } });
    const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
    // What JD OSS does on the upload: the bucket's trigger runs importImage.
    const triggered = fc.deliverOssEvent({ region: stack.region, bucket: stack.bucket, key, etag: (head.ETag ?? '').replace(/"/g, ''), size: head.ContentLength ?? 0, eventName: 'ObjectCreated:Put' });
    assert.equal(triggered?.functionName, 'importImage');

    const [ready, finished] = await receiver.waitFor(2, 120_000);
    // Every invocation started so far has ended, and the last one started none.
    let count = 0;
    while (count !== fc.invocations.length) {
      count = fc.invocations.length;
      await fc.settled();
    }

    const invocations = fc.invocations.map((invocation) => ({ functionName: invocation.functionName, status: invocation.outcome?.status, event: JSON.parse(invocation.event) as { follow?: { key: string; hop: number } } }));
    for (const invocation of fc.invocations) assert.equal(invocation.outcome?.status, 'succeeded', invocation.outcome?.output);
    assert.equal(invocations[0]?.functionName, 'importImage');
    const hops = invocations.slice(1);
    // The follower reached its deadline at least once and handed on to itself, hop by hop.
    assert.ok(hops.length >= 2, `${hops.length} follower invocation(s)`);
    assert.deepEqual(
      hops.map((hop) => [hop.functionName, hop.event.follow?.key, hop.event.follow?.hop]),
      hops.map((_, index) => ['refreshStatus', key, index]),
    );

    const record = await readRecordOf(stack, key);
    const copies = stack.emulator.images().filter((image) => image.copiedFrom?.imageId === record.imageId);
    assert.deepEqual(
      { state: record.state, copies: record.copies?.map((copy) => [copy.region, copy.state, copy.destinationImageId]), shares: [record.shares?.pins, record.shares?.state] },
      { state: 'ready', copies: copies.map((image) => [image.region, 'ready', image.imageId]), shares: [['jdpin-alice', 'jdpin-bob'], 'shared'] },
    );
    assert.deepEqual(copies.map((image) => image.region), ['cn-east-2', 'cn-south-1']);
    const { importImage, copyImages, shareImage } = stack.emulator.counters.requestsByOperation;
    assert.deepEqual({ importImage, copyImages, shareImage }, { importImage: 1, copyImages: 2, shareImage: 1 });
    assert.deepEqual(stack.emulator.images(stack.region).find((image) => image.imageId === record.imageId)?.sharedWith, ['jdpin-alice', 'jdpin-bob']);

    for (const [post, event] of [[ready, 'ready'], [finished, 'copies-finished']] as const) {
      assert.equal(post?.headers['x-oss-image-import-event'], event);
      assert.equal(post?.headers['x-oss-image-import-signature'], `sha256=${createHmac('sha256', secret).update(post?.body ?? '').digest('hex')}`);
      assert.equal((JSON.parse(post?.body ?? '{}') as { record: StatusRecord }).record.state, 'ready');
    }
    assert.equal(receiver.received.length, 2);
    assert.deepEqual([record.follower?.finished, record.follower?.hop], ['done', hops.length - 1]);
  });
});
