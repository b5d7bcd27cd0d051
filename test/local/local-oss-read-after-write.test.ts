// S3 answers a PUT only once the object is stored: a GET right after it reads what was written.
// s3rver answered before its file was flushed, so the local OSS read back empty or partial
// objects now and then (6 of 300 small writes before s3rver-durable-put.ts, on this machine).
import assert from 'node:assert/strict';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, it } from 'node:test';
import { startTestStack } from '../../harness/local-stack.js';

describe('the local OSS reads back what it was just given', () => {
  it('GET after PUT of the same key returns the new body, 400 times in a row', async (t) => {
    const stack = await startTestStack({ autoImport: false });
    t.after(() => stack.stop());
    const wrong: number[] = [];
    for (let round = 0; round < 400; round += 1) {
      // Small JSON documents of changing length, like status records rewritten by a follower.
      const body = JSON.stringify({ round, pad: 'x'.repeat(2000 + (round % 7) * 1000) });
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'read-after-write/record.json', Body: body }));
      const read = await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: 'read-after-write/record.json' }))).Body?.transformToString();
      if (read !== body) wrong.push(round);
    }
    assert.deepEqual(wrong, []);
  });
});
