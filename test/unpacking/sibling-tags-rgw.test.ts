// The sibling's tags against Ceph RGW, whose tagging is real (review of issue 14). RGW ignores
// x-amz-tagging on CreateMultipartUpload and If-None-Match on CompleteMultipartUpload (checked
// with RGW 16), so the sibling is tagged after completion: its own event defers to the packed
// run, and a tagging that failed is healed when the packed upload is delivered again.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Upload } from '../../src/domain/events/index.js';
import { createPipelineDeps, processUpload } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';
import { describeWithRgw } from '../../harness/describe-with-rgw.js';
import { packedCases } from '../../harness/packed-cases.js';
import { closeRgwImportSuite, openRgwImportSuite } from '../../harness/rgw-support.js';
import { refuseS3Requests } from '../../harness/s3-requests.js';
import { statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';

await describeWithRgw('RGW: the sibling\'s tags and its own event', (rgw) => {
  let s3: S3Client;
  let bucket: string;
  let emulator: VmEmulator;
  const [gz] = packedCases();

  before(async () => {
    ({ s3, bucket, emulator } = await openRgwImportSuite(rgw, 'sibling-tags'));
  });
  after(() => closeRgwImportSuite({ s3, bucket, emulator }));

  /** The function's pipeline against RGW; closed when the test ends. */
  function functionDeps(t: { after(fn: () => Promise<void>): void }) {
    const env = { JDCLOUD_ACCESS_KEY_ID: rgw.accessKeyId, JDCLOUD_SECRET_ACCESS_KEY: rgw.secretAccessKey, JDCLOUD_REGION: 'cn-north-1', JDCLOUD_VM_ENDPOINT: emulator.url, OSS_ENDPOINT: rgw.endpoint, LOG_LEVEL: 'silent' };
    const deps = createPipelineDeps(env, { logger: silentLogger(), unpackTimeLimitSeconds: 900 });
    t.after(() => deps.close());
    return deps;
  }

  /** The OSS event of an object in the bucket, as the function's trigger would deliver it. */
  async function ossEvent(key: string): Promise<Upload> {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { region: 'cn-north-1', bucket, keyCandidates: [key], eventName: 'ObjectCreated:Put', etag: (head.ETag ?? '').replace(/"/g, ''), size: head.ContentLength ?? 0, source: 'jdcloud-function' };
  }

  async function tagsOf(key: string): Promise<Record<string, string | undefined>> {
    const tagging = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    return Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value]));
  }

  it('a tagging that failed after completion is healed by the redelivery; the sibling\'s own event, delivered untagged, deferred', async (t) => {
    const key = 'retag/disk.qcow2.gz';
    // The platform is only in the tags.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gz!.packed, Metadata: { architecture: 'x86_64' }, Tagging: 'platform=Ubuntu&team=images' }));
    const first = functionDeps(t);
    refuseS3Requests(first.s3, (request) => request.operation === 'PutObjectTagging' && request.key === 'retag/disk.qcow2');
    const failed = await processUpload(await ossEvent(key), first);
    assert.deepEqual(
      { outcome: failed.outcome, error: failed.outcome === 'failed' ? failed.error : undefined },
      { outcome: 'failed', error: 'PutObjectTagging s3://' + bucket + '/retag/disk.qcow2 failed: ServiceUnavailable (HTTP 503).' },
    );
    assert.deepEqual(await tagsOf('retag/disk.qcow2'), {}, 'the sibling is complete but untagged');

    const own = await processUpload(await ossEvent('retag/disk.qcow2'), functionDeps(t));
    assert.deepEqual({ outcome: own.outcome, packedKey: own.outcome === 'deferred' ? own.packedKey : undefined }, { outcome: 'deferred', packedKey: key });
    assert.equal(await statusRecordOf(s3, bucket, 'retag/disk.qcow2'), undefined, 'the deferred run wrote no record');

    const again = await processUpload(await ossEvent(key), functionDeps(t));
    assert.equal(again.outcome, 'submitted', JSON.stringify(again));
    assert.deepEqual(await tagsOf('retag/disk.qcow2'), {
      platform: 'Ubuntu',
      team: 'images',
      'image-import-state': 'submitted',
      'image-import-image-id': again.outcome === 'submitted' ? again.imageId : undefined,
    });
    const record = await statusRecordOf(s3, bucket, 'retag/disk.qcow2');
    assert.equal((record?.['request'] as Record<string, unknown>)['platform'], 'Ubuntu');
    assert.equal(emulator.counters.imagesCreated, 1);
    assert.deepEqual(await uploadsInProgress(s3, bucket, 'retag/'), []);
  });
});
