// The extension is the user's claim, the bytes are the truth: renamed qemu-img images.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkImageAgainstKey } from '../../src/domain/image/check-against-key.js';
import type { ImageFacts } from '../../src/domain/image/image-facts.js';
import { checkFile, codes } from './read-test-image.js';
import { makeTestImages, requireTools, type TestImages } from './test-images.js';

describe('checkImageAgainstKey', () => {
  let images: TestImages;
  before(async () => {
    await requireTools(['qemu-img', 'sfdisk']);
    images = await makeTestImages(['v3.qcow2', 'fixed.vhd', 'dynamic.vhd', 'streamOptimized.vmdk', 'mbr.raw', 'disk.vhdx']);
  });
  after(() => images?.remove());

  it('agreeing extension and content give the disk format and no problem', async () => {
    for (const [name, format] of [
      ['v3.qcow2', 'qcow2'],
      ['fixed.vhd', 'vhd'],
      ['dynamic.vhd', 'vhd'],
      ['streamOptimized.vmdk', 'vmdk'],
      ['mbr.raw', 'raw'],
    ] as const) {
      assert.deepEqual(await strip(checkFile(images.path(name))), { format, problems: [] }, name);
    }
  });

  it('.qcow also means qcow2, and upper-case extensions count', async () => {
    assert.deepEqual(await strip(checkFile(await images.copyAs('v3.qcow2', 'Cloud Image.QCOW'))), { format: 'qcow2', problems: [] });
    assert.deepEqual(await strip(checkFile(await images.copyAs('fixed.vhd', 'DISK.VHD'))), { format: 'vhd', problems: [] });
  });

  it('.img is decided by content: qcow2, VHD or raw', async () => {
    assert.deepEqual(await strip(checkFile(await images.copyAs('v3.qcow2', 'ubuntu-22.04-server-cloudimg-amd64.img'))), { format: 'qcow2', problems: [] });
    assert.deepEqual(await strip(checkFile(await images.copyAs('fixed.vhd', 'fixed.img'))), { format: 'vhd', problems: [] });
    assert.deepEqual(await strip(checkFile(await images.copyAs('mbr.raw', 'disk.img'))), { format: 'raw', problems: [] });
  });

  it('.img with content JD cannot import: no format, the content problem', async () => {
    const checked = await checkFile(await images.copyAs('disk.vhdx', 'hyperv.img'));
    assert.equal(checked.format, undefined);
    assert.deepEqual(codes(checked.problems), ['vhdx-not-importable']);
  });

  it('a qcow2 renamed .raw (CVE-2024-40767) is a contradiction', async () => {
    const checked = await checkFile(await images.copyAs('v3.qcow2', 'disk.raw'));
    assert.equal(checked.format, undefined);
    assert.deepEqual(checked.problems, [
      {
        code: 'format-mismatch',
        field: 'key',
        value: 'disk.raw',
        message:
          'The key "disk.raw" claims raw (extension ".raw"), but the content is qcow2 (qcow2 v3, 64 KiB clusters, virtual size 64 MiB). Rename it to end in .qcow2 if the content is what you meant to upload, or upload the right file.',
      },
    ]);
  });

  it('a fixed VHD renamed .raw, a raw disk renamed .vhd, a VMDK renamed .qcow2', async () => {
    for (const [source, renamed, message] of [
      ['fixed.vhd', 'fixed-as.raw', 'claims raw (extension ".raw"), but the content is vhd (VHD fixed, virtual size 64.02 MiB). Rename it to end in .vhd'],
      ['mbr.raw', 'raw-as.vhd', 'claims vhd (extension ".vhd"), but the content is raw (raw, MBR, 2 partitions, 64 MiB). Rename it to end in .raw'],
      ['streamOptimized.vmdk', 'vmdk-as.qcow2', 'claims qcow2 (extension ".qcow2"), but the content is vmdk (VMDK streamOptimized, virtual size 64 MiB). Rename it to end in .vmdk'],
    ] as const) {
      const checked = await checkFile(await images.copyAs(source, renamed));
      assert.equal(checked.format, undefined, renamed);
      assert.deepEqual(codes(checked.problems), ['format-mismatch'], renamed);
      assert.ok(checked.problems[0]?.message.includes(message), checked.problems[0]?.message);
    }
  });

  it('a fixed VHD cut before its footer and still named .vhd contradicts its name', async () => {
    const checked = await checkFile(await images.truncatedCopy('fixed.vhd', 'cut.vhd', -512));
    assert.deepEqual(codes(checked.problems), ['format-mismatch']);
  });

  it('reports the key problem and every content problem together', () => {
    const facts: ImageFacts = {
      format: 'qcow2',
      virtualSizeBytes: 1,
      details: { summary: 'qcow2', warnings: [] },
      problems: [{ code: 'qcow2-backing-file', field: 'content', message: 'backing file' }],
    };
    assert.deepEqual(codes(checkImageAgainstKey('disk.bin', facts).problems), ['unknown-extension', 'qcow2-backing-file']);
    assert.deepEqual(codes(checkImageAgainstKey('disk.qcow2', facts).problems), ['qcow2-backing-file']);
    assert.equal(checkImageAgainstKey('disk.qcow2', facts).format, 'qcow2');
  });

  it('an empty object: no contradiction on top of "empty"', () => {
    const facts: ImageFacts = {
      format: 'unknown',
      virtualSizeBytes: null,
      details: { summary: 'not inspected', warnings: [] },
      problems: [{ code: 'image-empty', field: 'content', value: '0', message: 'The object is empty (0 bytes). Upload the disk image itself.' }],
    };
    assert.deepEqual(checkImageAgainstKey('disk.qcow2', facts), { problems: facts.problems });
  });
});

async function strip(pending: ReturnType<typeof checkFile>): Promise<{ format?: string; problems: unknown[] }> {
  const { facts: _facts, ...rest } = await pending;
  return rest;
}
