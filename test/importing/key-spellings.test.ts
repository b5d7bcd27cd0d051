// Issue 15, D7: an event key that can be spelled two ways (S3-style senders URL-encode keys, so
// `+` may be a space or a literal plus) names the object whose ETag the event carries.
import assert from 'node:assert/strict';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { after, before, describe, it } from 'node:test';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';

/** A JD function trigger record (key encoding unknown: the raw spelling is tried first). */
function functionRecord(bucket: string, key: string, eTag?: string) {
  return { region: 'cn-north-1', detail: { eventName: 's3:ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key, ...(eTag !== undefined ? { eTag } : {}) } } } };
}

describe('an event key with two spellings', () => {
  let stack: DevStack;
  const etags = new Map<string, string>();

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    // Two objects whose keys the event spelling `spell/a+b.qcow2` could both mean, with different bytes.
    const objects: Array<[string, string]> = [
      ['spell/a b.qcow2', '1G'],
      ['spell/a+b.qcow2', '2G'],
      ['aws/x y.qcow2', '1G'],
      ['aws/x+y.qcow2', '2G'],
    ];
    for (const [key, size] of objects) {
      await upload(stack, key, makeDiskImage('qcow2', size), { metadata: { platform: 'Ubuntu' } });
      const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
      etags.set(key, (head.ETag ?? '').replace(/"/g, ''));
    }
    assert.notEqual(etags.get('spell/a b.qcow2'), etags.get('spell/a+b.qcow2'));
  });
  after(async () => stack.stop());

  it('imports the object whose ETag the event carries, not the likelier spelling', async () => {
    const summary = await handleEvent({ Records: [functionRecord(stack.bucket, 'spell/a+b.qcow2', etags.get('spell/a b.qcow2'))] }, stack.deps);
    assert.deepEqual(summary.outcomes.map((outcome) => [outcome.key, outcome.outcome]), [['spell/a b.qcow2', 'submitted']]);
  });

  it('takes the likelier spelling when its ETag is the event\'s, and when the event has none', async () => {
    const summary = await handleEvent(
      { Records: [functionRecord(stack.bucket, 'spell/a+b.qcow2', etags.get('spell/a+b.qcow2')), functionRecord(stack.bucket, 'spell/a+b.qcow2')] },
      stack.deps,
    );
    assert.deepEqual(
      summary.outcomes.map((outcome) => outcome.key),
      ['spell/a+b.qcow2', 'spell/a+b.qcow2'],
    );
  });

  it('reads an AWS-encoded key the same way: the ETag picks the raw spelling over the decoded one', async () => {
    const record = { eventSource: 'aws:s3', awsRegion: 'cn-north-1', eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key: 'aws/x+y.qcow2', eTag: etags.get('aws/x+y.qcow2') } } };
    const summary = await handleEvent({ Records: [record] }, stack.deps);
    assert.deepEqual(summary.outcomes.map((outcome) => [outcome.key, outcome.outcome]), [['aws/x+y.qcow2', 'submitted']]);
  });

  it('takes the likelier spelling when no spelling has the event\'s ETag (the object changed since)', async () => {
    const summary = await handleEvent({ Records: [functionRecord(stack.bucket, 'spell/a+b.qcow2', '0123456789abcdef0123456789abcdef')] }, stack.deps);
    assert.deepEqual(summary.outcomes.map((outcome) => outcome.key), ['spell/a+b.qcow2']);
  });
});
