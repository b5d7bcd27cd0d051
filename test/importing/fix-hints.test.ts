// Issue 15, C: the commands a rejection tells the user to run name the object's key, so they
// can be run as they are; a text file gets no qemu-img command, since it is no disk image at all.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { processUpload } from '../../src/use-cases/importing/pipeline.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { makeTestImages, type TestImages } from '../image/test-images.js';

/** The rejection `import s3://bucket/key` answers (an event delivery skips an unknown extension). */
async function problemsOf(stack: DevStack, key: string) {
  const outcome = await processUpload({ region: stack.region, bucket: stack.bucket, keyCandidates: [key], eventName: 'ObjectCreated:Put', source: 'cli' }, stack.deps);
  assert.equal(outcome.outcome, 'rejected', key);
  return outcome.problems;
}

describe('fix hints in rejections', () => {
  let stack: DevStack;
  let images: TestImages;

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    images = await makeTestImages(['disk.vdi', 'overlay.qcow2']);
  });
  after(async () => {
    await stack.stop();
    await images?.remove();
  });

  it('converts a VDI under its own key', async () => {
    await upload(stack, 'u/disk.vdi', await readFile(images.path('disk.vdi')), { metadata: { platform: 'Ubuntu' } });
    assert.deepEqual(await problemsOf(stack, 'u/disk.vdi'), [
      {
        code: 'unsupported-disk-extension',
        field: 'key',
        value: 'u/disk.vdi',
        message:
          'The key "u/disk.vdi" ends in ".vdi"; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Convert it: qemu-img convert -f vdi -O qcow2 u/disk.vdi u/disk.qcow2 and upload the .qcow2.',
      },
      {
        code: 'unsupported-format',
        field: 'content',
        value: 'vdi',
        message: 'The content is a VirtualBox VDI image, which JD Cloud does not import (it takes qcow2, vhd, vmdk or raw). Convert it: qemu-img convert -f vdi -O qcow2 u/disk.vdi u/disk.qcow2',
      },
    ]);
  });

  it('flattens an overlay under its own key, quoting a key with a space', async () => {
    await upload(stack, 'base images/web overlay.qcow2', await readFile(images.path('overlay.qcow2')), { metadata: { platform: 'Ubuntu' } });
    const [problem] = await problemsOf(stack, 'base images/web overlay.qcow2');
    assert.equal(
      problem?.message,
      'The qcow2 image has a backing file "v3.qcow2": it holds only the changes against another image and cannot be imported alone. ' +
        "Flatten it into a standalone image: qemu-img convert -f qcow2 -O qcow2 'base images/web overlay.qcow2' 'base images/web overlay-standalone.qcow2'",
    );
  });

  it('offers no qemu-img command for a text file, whatever its name', async () => {
    const text = new TextEncoder().encode('# build notes\nThe disk image is uploaded separately.\n'.repeat(20));
    await upload(stack, 'u/notes.txt', text, { metadata: { platform: 'Ubuntu' } });
    await upload(stack, 'u/notes.raw', text.subarray(0, 512), { metadata: { platform: 'Ubuntu' } });
    const notText = 'The content is text ("# build notes\\nThe disk image is uploaded separately.\\n# build…"), not a disk image. Upload the disk image itself: a qcow2, vhd, vmdk or raw file.';
    assert.deepEqual(await problemsOf(stack, 'u/notes.txt'), [
      {
        code: 'unknown-extension',
        field: 'key',
        value: 'u/notes.txt',
        message: 'The key "u/notes.txt" ends in ".txt", which is not a disk image extension; allowed: .qcow2, .qcow, .vhd, .vmdk, .raw or .img.',
      },
      { code: 'not-a-disk-image', field: 'content', value: 'text', message: notText },
    ]);
    const named = await problemsOf(stack, 'u/notes.raw');
    assert.deepEqual(named.map((problem) => problem.code), ['format-mismatch', 'not-a-disk-image']);
    assert.ok(named.every((problem) => !problem.message.includes('qemu-img')), JSON.stringify(named));
    // A real raw disk is not text: its first sectors hold NUL bytes.
    await upload(stack, 'u/blank.raw', makeDiskImage('raw', '1M'), { metadata: { platform: 'Ubuntu' } });
    assert.equal((await processUpload({ region: stack.region, bucket: stack.bucket, keyCandidates: ['u/blank.raw'], eventName: 'ObjectCreated:Put', source: 'cli' }, stack.deps)).outcome, 'submitted');
  });
});
