// Issue 15, D11: a failed record says what is known of the failed call (the HTTP status and
// JD's request id, null when unknown), and one event naming a new key ten times submits it once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { rawKeyNotification, readStatusRecordOf } from './stack-records.js';

function notification(stack: DevStack, keys: string[]) {
  return rawKeyNotification(stack.bucket, keys);
}

const readRecord = readStatusRecordOf;

describe('failed records and repeated records', () => {
  let stack: DevStack;
  let qcow2: Buffer;
  const ubuntu = { platform: 'Ubuntu' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    qcow2 = makeDiskImage('qcow2', '1G');
  });
  after(async () => stack.stop());

  it('keeps the HTTP status and request id of a response that is no JD envelope', async () => {
    await upload(stack, 'unusable/with-id.qcow2', qcow2, { metadata: ubuntu });
    stack.emulator.injectFault({ kind: 'raw', status: 403, body: '<html>Forbidden by the proxy</html>', headers: { 'content-type': 'text/html', 'x-jdcloud-request-id': 'req-proxy-403' } });
    await handleEvent(notification(stack, ['unusable/with-id.qcow2']), stack.deps);
    const record = await readRecord(stack, 'unusable/with-id.qcow2');
    assert.equal(record.state, 'failed');
    assert.deepEqual(record.error, {
      message: `POST ${stack.vmEndpoint}/v1/regions/cn-north-1/images:import returned an unusable HTTP 403 response: the body is an HTML page, not JSON (request id req-proxy-403, 1 attempt)`,
      httpStatus: 403,
      requestId: 'req-proxy-403',
      retryable: false,
    });
  });

  it('writes null for a request id the response did not carry, and for a call that got no response', async () => {
    await upload(stack, 'unusable/no-id.qcow2', qcow2, { metadata: ubuntu });
    stack.emulator.injectFault({ kind: 'raw', status: 403, body: '<html>Forbidden</html>', headers: { 'content-type': 'text/html' } });
    await handleEvent(notification(stack, ['unusable/no-id.qcow2']), stack.deps);
    const record = await readRecord(stack, 'unusable/no-id.qcow2');
    assert.deepEqual({ httpStatus: record.error?.httpStatus, requestId: record.error?.requestId }, { httpStatus: 403, requestId: null });

    await upload(stack, 'unusable/dropped.qcow2', qcow2, { metadata: ubuntu });
    stack.emulator.injectFault({ kind: 'drop', count: 10 });
    await handleEvent(notification(stack, ['unusable/dropped.qcow2']), stack.deps);
    stack.emulator.clearFaults();
    const dropped = await readRecord(stack, 'unusable/dropped.qcow2');
    assert.deepEqual({ httpStatus: dropped.error?.httpStatus, requestId: dropped.error?.requestId, retryable: dropped.error?.retryable }, { httpStatus: null, requestId: null, retryable: true });
  });

  it('submits a new key named ten times in one event once, and counts one submission', async () => {
    await upload(stack, 'repeated/disk.qcow2', qcow2, { metadata: ubuntu });
    const calls = stack.emulator.counters.requests;
    const summary = await handleEvent(notification(stack, Array.from({ length: 10 }, () => 'repeated/disk.qcow2')), stack.deps);
    assert.equal(summary.records, 10);
    assert.equal(summary.submitted, 1);
    assert.equal(stack.emulator.counters.requests - calls, 1);
    assert.deepEqual(
      summary.skipped,
      Array.from({ length: 9 }, (_, copy) => ({
        index: copy + 1,
        reason: 'the same object as record 0 of this event',
        bucket: stack.bucket,
        key: 'repeated/disk.qcow2',
      })),
    );
  });
});
