// Issue 13's end to end on a real S3 (Ceph RGW): an upload with copy-to-regions and share-with,
// imported with `oss-image-import import s3://… --wait --json` and notifications on, ends ready,
// copied, shared and notified, with the status record written to and read from RGW.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, it } from 'node:test';
import { GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StatusRecord } from '../../src/domain/status/index.js';
import type { VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/edges/local/index.js';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { describeWithRgw } from '../../harness/describe-with-rgw.js';
import { cleanUp, closeRgwImportSuite, deletePrefix, openRgwImportSuite } from '../../harness/rgw-support.js';

const secret = 'rgw-notify-secret-0123456789';

await describeWithRgw('RGW: import --wait takes an upload to ready, copies, share and a signed notification', (rgw) => {
  let s3: S3Client;
  let bucket: string;
  let emulator: VmEmulator;
  let receiver: WebhookReceiver;

  before(async () => {
    ({ s3, bucket, emulator } = await openRgwImportSuite(rgw, 'follow', 50));
    receiver = await startWebhookReceiver();
  });
  after(() => closeRgwImportSuite({ s3, bucket, emulator }, () => receiver?.stop()));

  it('exits 0 with the record ready: one import, one copyImages per region, one shareImage with both pins, the copies in the record, ready notified', async (t) => {
    const key = 'images/ubuntu-24.04.qcow2';
    // Removed when the test ends, passed or failed: the gateway's store is 2 GiB of RAM, shared.
    t.after(() => cleanUp(() => deletePrefix(s3, bucket, key), () => deletePrefix(s3, bucket, `.image-import/${key}`)));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: makeDiskImage('qcow2', '1G'),
        Metadata: { platform: 'Ubuntu', 'os-version': '24.04', 'copy-to-regions': 'cn-east-2,cn-south-1', 'share-with': 'jdpin-alice,jdpin-bob' },
      }),
    );
    const env = {
      JDCLOUD_ACCESS_KEY_ID: rgw.accessKeyId,
      JDCLOUD_SECRET_ACCESS_KEY: rgw.secretAccessKey,
      JDCLOUD_REGION: 'cn-north-1',
      JDCLOUD_VM_ENDPOINT: emulator.url,
      OSS_ENDPOINT: rgw.endpoint,
      IMAGE_NOTIFY_URL: `${receiver.url}/hooks?token=rgw-receiver`,
      IMAGE_NOTIFY_SECRET: secret,
      LOG_LEVEL: 'silent',
    };
    const { io, captured } = captureIo(env);
    const code = await runCli(['import', `s3://${bucket}/${key}`, '--wait', '--json'], io);

    assert.equal(code, 0, captured.err);
    const document = JSON.parse(captured.out) as { outcome: string; imageId: string; record: StatusRecord };
    const stored = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `.image-import/${key}.json` }))).Body!.transformToString()) as StatusRecord;
    assert.deepEqual(document.record, stored);
    const copies = emulator.images().filter((image) => image.copiedFrom?.imageId === document.imageId);
    assert.deepEqual(
      {
        outcome: document.outcome,
        state: stored.state,
        copies: stored.copies?.map((copy) => [copy.region, copy.state, copy.destinationImageId]),
        shares: [stored.shares?.pins, stored.shares?.state],
      },
      {
        outcome: 'submitted',
        state: 'ready',
        copies: copies.map((image) => [image.region, 'ready', image.imageId]),
        shares: [['jdpin-alice', 'jdpin-bob'], 'shared'],
      },
    );
    assert.deepEqual(copies.map((image) => image.region), ['cn-east-2', 'cn-south-1']);
    const { importImage, copyImages, shareImage } = emulator.counters.requestsByOperation;
    assert.deepEqual({ importImage, copyImages, shareImage }, { importImage: 1, copyImages: 2, shareImage: 1 });
    assert.deepEqual(emulator.images('cn-north-1').find((image) => image.imageId === document.imageId)?.sharedWith, ['jdpin-alice', 'jdpin-bob']);

    const [ready] = receiver.received;
    assert.equal(ready?.target, '/hooks?token=rgw-receiver');
    assert.equal(ready?.headers['x-oss-image-import-event'], 'ready');
    assert.equal(ready?.headers['x-oss-image-import-signature'], `sha256=${createHmac('sha256', secret).update(ready?.body ?? '').digest('hex')}`);
    assert.equal((JSON.parse(ready?.body ?? '{}') as { record: StatusRecord }).record.state, 'ready');
    assert.deepEqual(receiver.received.map((post) => post.headers['x-oss-image-import-event']), ['ready', 'copies-finished']);
    // RGW keeps the object's tags in step with the record; the receiver's token is nowhere in it.
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    assert.equal(tags.TagSet?.find((tag) => tag.Key === 'image-import-state')?.Value, 'ready');
    assert.doesNotMatch(JSON.stringify(stored), /rgw-receiver|rgw-notify-secret/);
  });
});
