// The product's S3 reads against a real S3 implementation (Ceph RGW): signatures verified,
// tags and ranges as S3 does them, multipart ETags. s3rver cannot show any of these.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { headBytes, tailBytes } from '../../src/domain/image/byte-ranges.js';
import { readObjectFacts } from '../../src/adapters/oss/object-facts.js';
import { readImageBytes } from '../../src/adapters/oss/read-image-bytes.js';
import { describeWithRgw } from '../../harness/describe-with-rgw.js';
import { cleanUp, createBucket, deleteBucket, deletePrefix, rgwS3, uploadInParts } from '../../harness/rgw-support.js';

/**
 * The x-amz-tagging header value. Percent-encoding, not URLSearchParams: RGW does not read
 * `+` as a space (`a b` sent as `a+b` is stored as `a+b`).
 */
function tagging(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

await describeWithRgw('RGW: the product S3 client against a real S3 implementation', (rgw) => {
  let s3: S3Client;
  let bucket: string;

  before(async () => {
    s3 = rgwS3(rgw);
    bucket = await createBucket(s3, 'object-store');
  });
  after(() =>
    cleanUp(
      () => deleteBucket(s3, bucket),
      () => s3?.destroy(),
    ),
  );
  /** What a test uploads is gone when it ends, passed or failed: the gateway's store is 2 GiB of RAM, shared. */
  const removedAfter = (t: { after(fn: () => Promise<void>): void }, prefix: string) => t.after(() => deletePrefix(s3, bucket, prefix));

  it('signs with SigV4 and the gateway verifies it: the right keys read, a wrong secret gets a clear 403', async (t) => {
    removedAfter(t, 'signed.qcow2');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'signed.qcow2', Body: Buffer.from('signed') }));
    const read = await readObjectFacts(s3, { bucket, keyCandidates: ['signed.qcow2'] });
    assert.equal(read.kind, 'found');

    const wrongSecret = 'not-the-secret-0123456789';
    const wrong = rgwS3(rgw, { accessKeyId: rgw.accessKeyId, secretAccessKey: wrongSecret });
    const hint = 'Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may read the bucket.';
    try {
      // A GET answers 403 with an S3 error document, so the code is known.
      await assert.rejects(readImageBytes(wrong, { bucket, key: 'signed.qcow2' }), {
        name: 'ObjectStoreError',
        message: `GetObject (range) s3://${bucket}/signed.qcow2 failed: SignatureDoesNotMatch (HTTP 403). ${hint}`,
        httpStatus: 403,
        retryable: false,
      });
      // readObjectFacts sends HEAD and the range GETs together and reports whichever fails
      // first; a HEAD answer has no body, so its 403 carries no code ("Unknown").
      const error = await readObjectFacts(wrong, { bucket, keyCandidates: ['signed.qcow2'] }).then(
        () => assert.fail('a wrong secret must not read the object'),
        (caught: unknown) => caught as Error & { retryable: boolean; httpStatus: number },
      );
      assert.equal(error.name, 'ObjectStoreError');
      assert.ok(
        [
          `HeadObject s3://${bucket}/signed.qcow2 failed: Unknown (HTTP 403). ${hint}`,
          `GetObject (range) s3://${bucket}/signed.qcow2 failed: SignatureDoesNotMatch (HTTP 403). ${hint}`,
        ].includes(error.message),
        error.message,
      );
      assert.equal(error.httpStatus, 403);
      assert.equal(error.retryable, false);
      assert.ok(!error.message.includes(wrongSecret) && !error.message.includes(rgw.secretAccessKey));
    } finally {
      wrong.destroy();
    }
  });

  it('reads user metadata and tags exactly as the user set them (x-amz-meta-*, x-amz-tagging)', async (t) => {
    const key = 'incoming/Ubuntu 22.04+LTS 测试.qcow2';
    removedAfter(t, key);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Buffer.from('qcow2-ish'),
        Metadata: { platform: 'Ubuntu', 'os-version': '22.04', OS_TYPE: 'linux' },
        Tagging: tagging({ architecture: 'arm64', 'image-name': 'web-007', note: 'a&b <c>' }),
      }),
    );
    const read = await readObjectFacts(s3, { bucket, keyCandidates: [key] });
    assert.ok(read.kind === 'found');
    // RGW turns `_` in header names into `-` (OS_TYPE comes back as os-type); the product
    // matches metadata names ignoring `-` and `_`, so both spellings mean the same field.
    assert.deepEqual(read.facts.metadata, { platform: 'Ubuntu', 'os-version': '22.04', 'os-type': 'linux' });
    assert.deepEqual(read.facts.tags, { architecture: 'arm64', 'image-name': 'web-007', note: 'a&b <c>' });
    assert.equal(read.facts.taggingSupported, true);
    assert.equal(read.facts.key, key);
  });

  it('finds the object when an event key is form-encoded and the store keeps it raw', async (t) => {
    const key = 'incoming/my disk+1.vhd';
    removedAfter(t, key);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('x') }));
    // What AWS would send for this key comes first; RGW's raw key second.
    const read = await readObjectFacts(s3, { bucket, keyCandidates: ['incoming/my disk 1.vhd', key] });
    assert.ok(read.kind === 'found');
    assert.equal(read.facts.key, key);
  });

  for (const size of [10, 2000, headBytes, headBytes + 1, headBytes + tailBytes + 7, 3 * 1024 * 1024 + 5]) {
    it(`reads the head and a suffix-range tail of a ${size}-byte object, never the whole object`, async (t) => {
      const body = randomBytes(size);
      const key = `ranges/${size}.raw`;
      removedAfter(t, key);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      const read = await readObjectFacts(s3, { bucket, keyCandidates: [key] });
      assert.ok(read.kind === 'found');
      const { bytes } = read.facts;
      assert.deepEqual(Buffer.from(bytes.head), body.subarray(0, Math.min(size, headBytes)));
      assert.deepEqual(Buffer.from(bytes.tail), body.subarray(Math.max(0, size - tailBytes)));
      assert.equal(bytes.sizeFromRange, size);
      assert.ok(bytes.bytesRead <= headBytes + tailBytes, `read ${bytes.bytesRead} bytes`);
    });
  }

  it('reads explicit head and tail ranges when the size is known', async (t) => {
    removedAfter(t, 'ranges/explicit.raw');
    const size = headBytes * 2 + 333;
    const body = randomBytes(size);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranges/explicit.raw', Body: body }));
    const bytes = await readImageBytes(s3, { bucket, key: 'ranges/explicit.raw', size });
    assert.notEqual(bytes, 'not-found');
    if (bytes === 'not-found') return;
    assert.deepEqual(Buffer.from(bytes.head), body.subarray(0, headBytes));
    assert.deepEqual(Buffer.from(bytes.tail), body.subarray(size - tailBytes));
    assert.equal(bytes.bytesRead, headBytes + tailBytes);
  });

  it('answers suffix, open and past-the-end ranges as S3 does', async (t) => {
    removedAfter(t, 'ranges/2000.bin');
    removedAfter(t, 'ranges/empty.raw');
    const body = randomBytes(2000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranges/2000.bin', Body: body }));
    const range = async (value: string) => {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranges/2000.bin', Range: value }));
      return { contentRange: response.ContentRange, bytes: Buffer.from(await response.Body!.transformToByteArray()) };
    };
    assert.deepEqual(await range('bytes=-512'), { contentRange: 'bytes 1488-1999/2000', bytes: body.subarray(1488) });
    assert.deepEqual(await range('bytes=-5000'), { contentRange: 'bytes 0-1999/2000', bytes: body });
    assert.deepEqual(await range('bytes=1500-'), { contentRange: 'bytes 1500-1999/2000', bytes: body.subarray(1500) });
    assert.deepEqual(await range('bytes=0-511'), { contentRange: 'bytes 0-511/2000', bytes: body.subarray(0, 512) });
    await assert.rejects(range('bytes=5000-6000'), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.name, 'InvalidRange');
      assert.equal(error.$metadata?.httpStatusCode, 416);
      return true;
    });
    // An empty object has no satisfiable range: the product reads it as zero bytes.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranges/empty.raw', Body: Buffer.alloc(0) }));
    const empty = await readObjectFacts(s3, { bucket, keyCandidates: ['ranges/empty.raw'] });
    assert.ok(empty.kind === 'found');
    assert.equal(empty.facts.size, 0);
    assert.equal(empty.facts.bytes.head.length, 0);
  });

  it('reads a multipart upload (S3-style "<md5>-N" ETag) with its metadata, and tags set after it', async (t) => {
    const key = 'multipart/disk.raw';
    removedAfter(t, key);
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1024 * 1024 + 17)];
    await uploadInParts(s3, { Bucket: bucket, Key: key, Metadata: { platform: 'Rocky Linux' }, Tagging: 'architecture=x86_64' }, parts);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.match(head.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
    const read = await readObjectFacts(s3, { bucket, keyCandidates: [key] });
    assert.ok(read.kind === 'found');
    const whole = Buffer.concat(parts);
    assert.equal(read.facts.etag, head.ETag?.replace(/"/g, ''));
    assert.equal(read.facts.size, whole.length);
    assert.deepEqual(read.facts.metadata, { platform: 'Rocky Linux' });
    // RGW 16 ignores x-amz-tagging on CreateMultipartUpload (S3 applies it): a multipart
    // upload gets its tags afterwards (as lib-storage's Upload does), so put OS fields in metadata.
    assert.deepEqual(read.facts.tags, {});
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: 'architecture', Value: 'x86_64' }] } }));
    const again = await readObjectFacts(s3, { bucket, keyCandidates: [key] });
    assert.ok(again.kind === 'found');
    assert.deepEqual(again.facts.tags, { architecture: 'x86_64' });
    assert.deepEqual(Buffer.from(read.facts.bytes.head), whole.subarray(0, headBytes));
    assert.deepEqual(Buffer.from(read.facts.bytes.tail), whole.subarray(whole.length - tailBytes));
  });
});
