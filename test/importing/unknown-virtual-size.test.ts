// Issue 15, D3: an image whose virtual size is unknown or beyond what a number holds exactly
// is rejected, also when system-disk-size-gb is set: what `inspect` calls unknown is never imported.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { makeTestImages, type TestImages } from '../image/test-images.js';
import { rawKeyNotification } from './stack-records.js';

function unknownSize(key: string): string {
  const [, stem, extension] = /^(.*)\.(vmdk|vhd)$/.exec(key) ?? [];
  return (
    "The image's virtual size could not be read (the header gives none, or one beyond 2^53 bytes), so it can neither size the system disk nor be checked against system-disk-size-gb. " +
    `Convert the image to qcow2 and upload that: qemu-img convert -f ${extension === 'vhd' ? 'vpc' : 'vmdk'} -O qcow2 ${key} ${stem}.qcow2`
  );
}

describe('images of unknown virtual size', () => {
  let stack: DevStack;
  let images: TestImages;
  const fields = { platform: 'Ubuntu', 'system-disk-size-gb': '40' };

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    images = await makeTestImages(['huge-capacity.vmdk', 'huge-current-size.vhd']);
    for (const name of ['huge-capacity.vmdk', 'huge-current-size.vhd']) await upload(stack, `unknown/${name}`, await readFile(images.path(name)), { metadata: fields });
  });
  after(async () => {
    await stack.stop();
    await images?.remove();
  });

  it('are rejected with system-disk-size-gb set, and JD is never called', async () => {
    const calls = stack.emulator.counters.requests;
    const keys = ['unknown/huge-capacity.vmdk', 'unknown/huge-current-size.vhd'];
    const summary = await handleEvent(rawKeyNotification(stack.bucket, keys), stack.deps);
    assert.deepEqual(
      summary.outcomes.map((outcome) => [outcome.key, outcome.outcome === 'rejected' ? outcome.problems : outcome.outcome]),
      keys.map((key) => [key, [{ code: 'virtual-size-unknown', field: 'content', message: unknownSize(key) }]]),
    );
    assert.equal(stack.emulator.counters.requests, calls);
  });

  it('rejects a descriptor-only VMDK, whose disk is not in the upload, with system-disk-size-gb set', async () => {
    // qemu-img refuses it ("Unsupported image type 'monolithicSparse'"): there is no disk to size.
    const descriptor = '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicSparse"\n\nRW 2097152 ZERO\n';
    await upload(stack, 'unknown/descriptor.vmdk', Buffer.from(descriptor), { metadata: fields });
    const summary = await handleEvent(rawKeyNotification(stack.bucket, ['unknown/descriptor.vmdk']), stack.deps);
    const outcome = summary.outcomes[0];
    assert.equal(outcome?.outcome, 'rejected');
    assert.deepEqual(outcome.problems.map((problem) => [problem.code, problem.value]), [['vmdk-invalid-descriptor', 'monolithicSparse']]);
  });

  it('plan exits 3 for a VMDK of 2^45 sectors with system-disk-size-gb=40', async () => {
    const { io, captured } = captureIo(stackEnv(stack));
    assert.equal(await runCli(['plan', `s3://${stack.bucket}/unknown/huge-capacity.vmdk`], io), 3);
    assert.equal(captured.out, `s3://${stack.bucket}/unknown/huge-capacity.vmdk would be rejected:\n  - ${unknownSize('unknown/huge-capacity.vmdk')}\n`);
  });
});
