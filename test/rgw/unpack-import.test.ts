// Compressed and packaged uploads against Ceph RGW (real S3: SigV4, multipart uploads and their
// abort, ListMultipartUploads, metadata and tags), through `oss-image-import import --json`.
import assert from 'node:assert/strict';
import { after, before, it, type TestContext } from 'node:test';
import { GetObjectTaggingCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../src/edges/cli/main.js';
import { multipartCalls } from '../../src/adapters/oss/multipart-upload.js';
import type { ObjectStoreError } from '../../src/adapters/oss/index.js';
import type { VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { captureIo } from '../../harness/capture-io.js';
import { describeWithRgw } from '../../harness/describe-with-rgw.js';
import { bombGzip, multipartGzip, packedCases, textGzip, twoDiskZip, ubuntuOva } from '../../harness/packed-cases.js';
import { cleanUp, closeRgwImportSuite, deletePrefix, openRgwImportSuite, rgwS3 } from '../../harness/rgw-support.js';
import { objectBytes, objectMetadata, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';

interface ImportOutcome {
  outcome: string;
  problems?: Array<{ code: string; message: string }>;
  unpackedTo?: { key: string };
}

await describeWithRgw('RGW: compressed and packaged uploads are unpacked in the bucket, then imported once', (rgw) => {
  let s3: S3Client;
  let bucket: string;
  let emulator: VmEmulator;
  const metadata = { platform: 'Ubuntu', architecture: 'x86_64' };
  const tags = 'team=images';

  before(async () => {
    ({ s3, bucket, emulator } = await openRgwImportSuite(rgw, 'unpack'));
  });
  after(() => closeRgwImportSuite({ s3, bucket, emulator }));

  let folders = 0;
  /**
   * A folder of the test's own, emptied when the test ends, passed or failed: the upload, its
   * sibling, both status records and any multipart upload left in progress. The gateway's store
   * is 2 GiB of RAM, shared by every suite and every developer's run.
   */
  function folderFor(t: TestContext): string {
    folders += 1;
    const folder = `t${folders}/`;
    t.after(() =>
      cleanUp(
        () => deletePrefix(s3, bucket, folder),
        () => deletePrefix(s3, bucket, `.image-import/${folder}`),
      ),
    );
    return folder;
  }

  async function importJson(key: string, extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; outcome: ImportOutcome }> {
    const { io, captured } = captureIo({
      JDCLOUD_ACCESS_KEY_ID: rgw.accessKeyId,
      JDCLOUD_SECRET_ACCESS_KEY: rgw.secretAccessKey,
      JDCLOUD_REGION: 'cn-north-1',
      JDCLOUD_VM_ENDPOINT: emulator.url,
      OSS_ENDPOINT: rgw.endpoint,
      LOG_LEVEL: 'silent',
      ...extra,
    });
    const code = await runCli(['import', `s3://${bucket}/${key}`, '--json'], io);
    return { code, outcome: JSON.parse(captured.out) as ImportOutcome };
  }

  const put = (key: string, body: Uint8Array, meta: Record<string, string> = metadata) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: meta, Tagging: tags }));

  for (const packed of [...packedCases(), { name: 'app.ova', sibling: 'app.vmdk', ...ubuntuOva() }]) {
    it(`${packed.name} imports once (exit 0); ${packed.sibling} holds the original bytes, the user's metadata and tags`, async (t) => {
      const folder = folderFor(t);
      const key = `${folder}${packed.name}`;
      // The OVA's platform comes from its descriptor.
      await put(key, packed.packed, packed.name.endsWith('.ova') ? { architecture: 'x86_64' } : metadata);
      const before = emulator.counters.imagesCreated;
      const { code, outcome } = await importJson(key);
      assert.equal(code, 0, JSON.stringify(outcome));
      assert.equal(outcome.outcome, 'submitted');
      assert.equal(outcome.unpackedTo?.key, `${folder}${packed.sibling}`);
      assert.deepEqual(await objectBytes(s3, bucket, `${folder}${packed.sibling}`), packed.image);
      const siblingMetadata = await objectMetadata(s3, bucket, `${folder}${packed.sibling}`);
      assert.equal(siblingMetadata['architecture'], 'x86_64');
      assert.equal(siblingMetadata['unpacked-from'], encodeURIComponent(key));
      const siblingTags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: `${folder}${packed.sibling}` }));
      // The user's tag, and the pipeline's own once the sibling's import was submitted.
      assert.deepEqual(
        (siblingTags.TagSet ?? []).map((tag) => `${tag.Key}=${tag.Key === 'image-import-image-id' ? 'img' : tag.Value}`).sort(),
        ['image-import-image-id=img', 'image-import-state=submitted', 'team=images'],
      );
      assert.equal(emulator.counters.imagesCreated, before + 1);
      assert.equal(((await statusRecordOf(s3, bucket, `${folder}${packed.sibling}`))?.['unpackedFrom'] as { key: string }).key, key);
      assert.deepEqual(await uploadsInProgress(s3, bucket, folder), []);
    });
  }

  it('an image larger than one part is uploaded in several parts, byte for byte', async (t) => {
    const folder = folderFor(t);
    const { image, packed } = multipartGzip();
    await put(`${folder}big.raw.gz`, packed);
    const { code, outcome } = await importJson(`${folder}big.raw.gz`, { IMAGE_UNPACK_MAX_BYTES: String(64 * 2 ** 20) });
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.deepEqual(await objectBytes(s3, bucket, `${folder}big.raw`), image);
  });

  it('importing the same .gz again imports nothing', async (t) => {
    const folder = folderFor(t);
    await put(`${folder}disk.qcow2.gz`, packedCases()[0]!.packed);
    assert.equal((await importJson(`${folder}disk.qcow2.gz`)).code, 0);
    const before = emulator.counters.imagesCreated;
    const { code, outcome } = await importJson(`${folder}disk.qcow2.gz`);
    assert.equal(code, 0);
    assert.equal(outcome.outcome, 'duplicate');
    assert.equal(emulator.counters.imagesCreated, before);
  });

  const rejected: Array<[string, () => Buffer, string, string, NodeJS.ProcessEnv]> = [
    ['two.zip', twoDiskZip, 'two.qcow2', 'archive-several-disks', {}],
    ['notes.raw.gz', textGzip, 'notes.raw', 'unpacked-text', {}],
    ['bomb.raw.gz', bombGzip, 'bomb.raw', 'unpack-too-large', { IMAGE_UNPACK_MAX_BYTES: String(12 * 2 ** 20) }],
  ];
  for (const [name, make, sibling, code, extra] of rejected) {
    it(`${name} exits 3 (${code}) and leaves no sibling and no multipart upload in progress`, async (t) => {
      const folder = folderFor(t);
      await put(`${folder}${name}`, make());
      const result = await importJson(`${folder}${name}`, extra);
      assert.equal(result.code, 3, JSON.stringify(result.outcome));
      assert.deepEqual(result.outcome.problems?.map((problem) => problem.code), [code]);
      assert.equal(await objectBytes(s3, bucket, `${folder}${sibling}`), undefined);
      assert.deepEqual(await uploadsInProgress(s3, bucket, folder), []);
    });
  }

  it('a 403 on any multipart call says the keys may write to the bucket (a wrong secret, as the gateway checks it)', async (t) => {
    const folder = folderFor(t);
    const denied = rgwS3(rgw, { accessKeyId: rgw.accessKeyId, secretAccessKey: 'not-the-secret' });
    t.after(() => denied.destroy());
    const calls = multipartCalls(denied);
    const target = { bucket, key: `${folder}disk.raw`, metadata: {} };
    const hint = 'Access denied or a bad signature: check JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY and that the keys may write to the bucket.';
    const attempts: Array<[string, () => Promise<unknown>]> = [
      [`CreateMultipartUpload s3://${bucket}/${folder}disk.raw`, () => calls.create(target)],
      [`UploadPart s3://${bucket}/${folder}disk.raw (part 1)`, () => calls.uploadPart(target, 'upload-id', 1, new Uint8Array(512))],
      [`CompleteMultipartUpload s3://${bucket}/${folder}disk.raw`, () => calls.complete(target, 'upload-id', [{ ETag: 'etag', PartNumber: 1 }])],
      [`AbortMultipartUpload s3://${bucket}/${folder}disk.raw`, () => calls.abort(target, 'upload-id')],
    ];
    for (const [what, attempt] of attempts) {
      await assert.rejects(attempt(), (error: ObjectStoreError) => {
        assert.equal(error.message, `${what} failed: SignatureDoesNotMatch (HTTP 403). ${hint}`);
        return true;
      });
    }
  });
});
