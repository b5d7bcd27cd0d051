// The sibling's own OSS event (its key matches the triggers) may run before its packed upload's
// run has tagged it or imported it (review of issue 14). That run defers: it records nothing and
// submits nothing, and the packed upload's run imports the sibling with the upload's tags. A
// tagging that failed after completion is healed when the packed upload is delivered again.
// On the local stack: s3rver keeps tags set by PutObjectTagging (not x-amz-tagging).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetObjectTaggingCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { createPipelineDeps, type EventSummary, handleEvent } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { stackEnv } from '../../harness/capture-io.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packedCases } from '../../harness/packed-cases.js';
import { refuseS3Requests } from '../../harness/s3-requests.js';
import { statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

describe('the sibling\'s own event and its tags', () => {
  let stack: DevStack;
  const [gz] = packedCases();

  before(async () => {
    stack = await startTestStack({ autoImport: false });
  });
  after(async () => stack.stop());

  /** A packed upload whose platform is only in its tags (metadata has none). */
  async function uploadTagged(key: string): Promise<void> {
    await upload(stack, key, gz!.packed, { metadata: { architecture: 'x86_64' } });
    await stack.s3.send(new PutObjectTaggingCommand({ Bucket: stack.bucket, Key: key, Tagging: { TagSet: [{ Key: 'platform', Value: 'Ubuntu' }, { Key: 'team', Value: 'images' }] } }));
  }

  function functionDeps(t: { after(fn: () => Promise<void>): void }) {
    const deps = createPipelineDeps(stackEnv(stack), { logger: silentLogger(), unpackTimeLimitSeconds: 900 });
    t.after(() => deps.close());
    return deps;
  }

  it('arriving between completion and tagging, it defers: nothing recorded or submitted; the packed run imports it with the tag\'s platform', async (t) => {
    const key = 'early/disk.qcow2.gz';
    await uploadTagged(key);
    const deps = functionDeps(t);
    let early: EventSummary | undefined;
    let recordWhenEarly: unknown = 'not read';
    deps.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        // The sibling exists, untagged: its own event is delivered now, before the packed run goes on.
        if (context.commandName === 'CompleteMultipartUploadCommand') {
          early = await handleEvent(await ossTriggerEvent(stack, 'early/disk.qcow2'), stack.deps);
          recordWhenEarly = await statusRecordOf(stack.s3, stack.bucket, 'early/disk.qcow2');
        }
        return result;
      },
      { step: 'initialize', name: 'testSiblingEventAfterComplete' },
    );
    const summary = await handleEvent(await ossTriggerEvent(stack, key), deps);

    assert.deepEqual(
      early?.outcomes.map(({ durationMs: _durationMs, ...outcome }) => outcome),
      [{ outcome: 'deferred', key: 'early/disk.qcow2', packedKey: key, bucket: 'images', region: 'cn-north-1' }],
    );
    assert.equal(recordWhenEarly, undefined, 'the deferred run wrote no record');
    assert.equal(summary.outcomes[0]?.outcome, 'submitted', JSON.stringify(summary.outcomes));
    assert.equal(stack.emulator.counters.imagesCreated, 1);
    const record = await statusRecordOf(stack.s3, stack.bucket, 'early/disk.qcow2');
    assert.equal((record?.['request'] as Record<string, unknown>)['platform'], 'Ubuntu');
  });

  it('a tagging that failed after completion is healed by the redelivery: the sibling is tagged, then imported with the tag\'s platform', async (t) => {
    const key = 'retag/disk.qcow2.gz';
    await uploadTagged(key);
    const first = functionDeps(t);
    refuseS3Requests(first.s3, (request) => request.operation === 'PutObjectTagging' && request.key === 'retag/disk.qcow2');
    const failed = await handleEvent(await ossTriggerEvent(stack, key), first);
    assert.deepEqual(
      failed.outcomes.map(({ durationMs: _durationMs, ...outcome }) => outcome),
      [
        {
          outcome: 'failed',
          key,
          error: 'PutObjectTagging s3://images/retag/disk.qcow2 failed: ServiceUnavailable (HTTP 503).',
          retryable: true,
          bucket: 'images',
          region: 'cn-north-1',
        },
      ],
    );

    const again = await handleEvent(await ossTriggerEvent(stack, key), functionDeps(t));
    const outcome = again.outcomes[0];
    assert.equal(outcome?.outcome, 'submitted', JSON.stringify(again.outcomes));
    const tagging = await stack.s3.send(new GetObjectTaggingCommand({ Bucket: stack.bucket, Key: 'retag/disk.qcow2' }));
    // The user's tags, then the pipeline's own on the imported sibling.
    assert.deepEqual(Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value])), {
      platform: 'Ubuntu',
      team: 'images',
      'image-import-state': 'submitted',
      'image-import-image-id': outcome.imageId,
    });
    const record = await statusRecordOf(stack.s3, stack.bucket, 'retag/disk.qcow2');
    assert.equal((record?.['request'] as Record<string, unknown>)['platform'], 'Ubuntu');
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'retag/'), []);
  });
});
