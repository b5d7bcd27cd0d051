import assert from 'node:assert/strict';
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { after, before, describe, it } from 'node:test';
import { boundedMap } from '../../src/kernel/bounded-map.js';
import { localOssCredentials, startLocalOss, type LocalOss } from '../../src/edges/local/local-oss.js';
import { listObjectPages } from '../../src/use-cases/operations/list-objects.js';
import { createOssClient } from '../../src/adapters/oss/oss-client.js';

describe('the local OSS behaves like S3 where the pipeline depends on it', () => {
  let oss: LocalOss;
  let s3: S3Client;
  const events: unknown[] = [];

  before(async () => {
    oss = await startLocalOss({ buckets: ['b'] });
    oss.onEvent((event) => events.push(event));
    s3 = createOssClient({ region: 'cn-north-1', endpoint: oss.endpoint, credentials: localOssCredentials, maxAttempts: 1 });
  });
  after(async () => {
    s3.destroy();
    await oss.stop();
  });

  const text = async (key: string, range: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: 'b', Key: key, Range: range }))).Body!.transformToString();

  it('answers a suffix range with the last bytes, and a range on an empty object with 416', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'digits', Body: '0123456789' }));
    assert.equal(await text('digits', 'bytes=-3'), '789');
    assert.equal(await text('digits', 'bytes=-30'), '0123456789');
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'empty', Body: new Uint8Array() }));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'empty', Range: 'bytes=-3' })), { name: 'InvalidRange' });
  });

  it('stores x-amz-tagging on upload and clears old tags on overwrite', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'tagged', Body: 'x', Tagging: 'platform=Ubuntu&architecture=arm64' }));
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: 'b', Key: 'tagged' }));
    assert.deepEqual(tags.TagSet, [
      { Key: 'platform', Value: 'Ubuntu' },
      { Key: 'architecture', Value: 'arm64' },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'tagged', Body: 'y' }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: 'b', Key: 'tagged' }))).TagSet, []);
  });

  it('sends events after the upload is complete, with S3-encoded keys and no region', async () => {
    events.length = 0;
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'dir/my file+1 é.qcow2', Body: 'x', Tagging: 'k=v' }));
    const [event] = events as Array<{ Records: Array<{ awsRegion: string; eventName: string; s3: { object: { key: string } } }> }>;
    assert.equal(event?.Records[0]?.s3.object.key, 'dir/my+file%2B1+%C3%A9.qcow2');
    assert.equal(event?.Records[0]?.awsRegion, '');
    assert.equal(event?.Records[0]?.eventName, 'ObjectCreated:Put');
  });

  it('never serves a half-written object while the same key is overwritten', async () => {
    const big = (fill: string) => fill.repeat(256 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'race', Body: big('a') }));
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        if (index % 2 === 0) {
          await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'race', Body: big(index % 4 === 0 ? 'a' : 'b') }));
          return 'written';
        }
        const body = await (await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'race' }))).Body!.transformToString();
        return body === big('a') || body === big('b') ? 'whole' : `torn (${body.length} bytes)`;
      }),
    );
    assert.deepEqual(results.filter((result) => result.startsWith('torn')), []);
  });

  it('lists more than 1000 keys page by page (ListObjectsV2 continuation)', async () => {
    const keys = Array.from({ length: 1003 }, (_, index) => `many/${String(index).padStart(4, '0')} é.raw`);
    await boundedMap(keys, 16, (key) => s3.send(new PutObjectCommand({ Bucket: 'b', Key: key, Body: 'x' })));
    const pages: string[][] = [];
    for await (const page of listObjectPages(s3, 'b', 'many/')) pages.push(page.map((object) => object.key));
    assert.deepEqual(pages.map((page) => page.length), [1000, 3]);
    assert.deepEqual(pages.flat(), keys);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: keys[0] }));
    assert.equal(head.ContentLength, 1);
  });
});
