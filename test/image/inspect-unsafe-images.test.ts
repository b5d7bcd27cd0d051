// Images that must never be imported, made by qemu-img (or derived from its output where it
// cannot write them): each is rejected with a problem a user can act on.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { codes, inspectFile } from './read-test-image.js';
import { makeTestImages, qemuVirtualSize, requireTools, type TestImages } from './test-images.js';

/** The commands name the uploaded file (here the test file's name), never a placeholder. */
const standalone = (name: string) => `qemu-img convert -f qcow2 -O qcow2 ${name}.qcow2 ${name}-standalone.qcow2`;
const vmdkAdvice = (name: string) =>
  `Convert the whole disk into one file: qemu-img convert -f vmdk -O qcow2 ${name}.vmdk ${name}.qcow2 (run it where the descriptor and all its extent files are), or qemu-img convert -f vmdk -O vmdk -o subformat=streamOptimized ${name}.vmdk ${name}-single.vmdk`;

describe('inspectImage rejects unsafe images', () => {
  let images: TestImages;
  before(async () => {
    await requireTools(['qemu-img', 'sfdisk', 'sgdisk']);
    images = await makeTestImages([
      'overlay.qcow2',
      'data-file.qcow2',
      'encrypted.qcow2',
      'extended-l2.qcow2',
      'differencing.vhd',
      'bad-checksum.vhd',
      'dynamic.vhd',
      'fixed.vhd',
      'monolithicFlat.vmdk',
      'twoGbMaxExtentSparse.vmdk',
      'twoGbMaxExtentFlat.vmdk',
      'monolithicSparse.vmdk',
      'streamOptimized.vmdk',
      'stream-footer.vmdk',
      'mbr.raw',
      'gpt.raw',
      'v3.qcow2',
    ]);
  });
  after(() => images?.remove());

  describe('qcow2', () => {
    it('with a backing file: names the file and how to flatten', async () => {
      const facts = await inspectFile(images.path('overlay.qcow2'));
      assert.equal(facts.format, 'qcow2');
      assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path('overlay.qcow2'), 'qcow2'));
      assert.equal(facts.details['backingFormat'], 'qcow2');
      assert.deepEqual(facts.problems, [
        {
          code: 'qcow2-backing-file',
          field: 'content',
          value: 'v3.qcow2',
          message: `The qcow2 image has a backing file "v3.qcow2": it holds only the changes against another image and cannot be imported alone. Flatten it into a standalone image: ${standalone('overlay')}`,
        },
      ]);
    });

    it('with an external data file (CVE-2024-32498)', async () => {
      const facts = await inspectFile(images.path('data-file.qcow2'));
      assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path('data-file.qcow2'), 'qcow2'));
      assert.deepEqual(facts.problems, [
        {
          code: 'qcow2-external-data-file',
          field: 'content',
          value: 'data-file.bin',
          message: `The qcow2 image keeps its data in an external file "data-file.bin" (data_file), which is not part of this upload and would make the import read a file by name. Convert it into a single file: ${standalone('data-file')}`,
        },
      ]);
    });

    it('encrypted with LUKS', async () => {
      const facts = await inspectFile(images.path('encrypted.qcow2'));
      assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path('encrypted.qcow2'), 'qcow2'));
      assert.deepEqual(codes(facts.problems), ['qcow2-encrypted']);
      assert.equal(facts.problems[0]?.value, 'luks');
    });

    it('with extended L2 entries (incompatible bit 4, unknown to the inspectors we follow)', async () => {
      const facts = await inspectFile(images.path('extended-l2.qcow2'));
      assert.deepEqual(facts.problems, [
        {
          code: 'qcow2-unknown-features',
          field: 'content',
          value: 'bit 4 (extended L2 entries)',
          message:
            'The qcow2 image uses incompatible features the import cannot rely on: bit 4 (extended L2 entries). Rewrite it without them: qemu-img convert -f qcow2 -O qcow2 -o compat=1.1 extended-l2.qcow2 extended-l2-plain.qcow2',
        },
      ]);
    });

    it('truncated below its header, and truncated before its tables', async () => {
      const tiny = await inspectFile(await images.truncatedCopy('v3.qcow2', 'tiny.qcow2', 50));
      assert.deepEqual(tiny.problems, [
        {
          code: 'qcow2-truncated',
          field: 'content',
          value: '50',
          message: 'The object starts like a qcow2 image but is 50 bytes long; the qcow2 header alone needs 104. The upload is incomplete: upload the whole file again.',
        },
      ]);
      const cut = await inspectFile(await images.truncatedCopy('v3.qcow2', 'cut.qcow2', 100_000));
      assert.deepEqual(cut.problems, [
        {
          code: 'qcow2-truncated',
          field: 'content',
          value: '100000',
          message:
            'The qcow2 header places the L1 table at bytes 196608–196615, beyond the end of the object (100000 bytes (97.66 KiB)). The upload is incomplete or the file is damaged: upload the whole file again.',
        },
      ]);
    });
  });

  describe('VHD', () => {
    it('differencing disk', async () => {
      const facts = await inspectFile(images.path('differencing.vhd'));
      assert.equal(facts.details['subformat'], 'differencing');
      assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path('differencing.vhd'), 'vpc'));
      assert.deepEqual(codes(facts.problems), ['vhd-differencing']);
      assert.match(facts.problems[0]?.message ?? '', /^The VHD is a differencing disk: it holds only the changes against another file and cannot be imported alone\./);
    });

    it('footer checksum wrong', async () => {
      const facts = await inspectFile(images.path('bad-checksum.vhd'));
      assert.deepEqual(codes(facts.problems), ['vhd-footer-checksum']);
      assert.match(facts.problems[0]?.message ?? '', /^The VHD footer at byte 67125248 has checksum 0x12345678, but its contents sum to 0x[0-9a-f]{8}\. The file is damaged; qemu refuses it\. Re-export the disk\.$/);
    });

    it('dynamic disk whose footer at the end is missing (truncated) or differs from the copy at the start', async () => {
      const truncated = await inspectFile(await images.truncatedCopy('dynamic.vhd', 'cut.vhd', -512));
      assert.deepEqual(truncated.problems, [
        {
          code: 'vhd-footer-mismatch',
          field: 'content',
          value: '2048',
          message:
            'The VHD has its footer copy at the start but no footer in the last 512 bytes of the object (2048 bytes (2 KiB)). The upload is incomplete: upload the whole file again.',
        },
      ]);
      const edited = await readFile(images.path('dynamic.vhd'));
      edited.writeUInt32BE(0x0badf00d, 24); // timestamp of the copy at offset 0 only
      let sum = 0;
      edited.writeUInt32BE(0, 64);
      for (let index = 0; index < 512; index += 1) sum += edited[index] ?? 0;
      edited.writeUInt32BE(~sum >>> 0, 64);
      await writeFile(images.path('edited.vhd'), edited);
      assert.deepEqual(codes((await inspectFile(images.path('edited.vhd'))).problems), ['vhd-footer-mismatch']);
    });

    it('fixed disk missing its footer is raw, which contradicts the .vhd name', async () => {
      const facts = await inspectFile(await images.truncatedCopy('fixed.vhd', 'no-footer.vhd', -512));
      assert.equal(facts.format, 'raw');
    });
  });

  describe('VMDK', () => {
    it('monolithicFlat descriptor: unsupported createType and an extent outside the file', async () => {
      const facts = await inspectFile(images.path('monolithicFlat.vmdk'));
      assert.equal(facts.format, 'vmdk');
      assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path('monolithicFlat.vmdk'), 'vmdk'));
      assert.deepEqual(facts.problems, [
        {
          code: 'vmdk-unsupported-create-type',
          field: 'content',
          value: 'monolithicFlat',
          message: `The VMDK createType is "monolithicFlat"; only single-file monolithicSparse and streamOptimized disks can be imported. ${vmdkAdvice('monolithicFlat')}`,
        },
        {
          code: 'vmdk-extent-outside-file',
          field: 'content',
          value: 'monolithicFlat-flat.vmdk',
          message: `The VMDK descriptor refers to data outside this file: "monolithicFlat-flat.vmdk" (FLAT). This upload is only the descriptor: the data lives in those other files, and an import that opens them could read files it must not (CVE-2022-47951). ${vmdkAdvice('monolithicFlat')}`,
        },
      ]);
    });

    it('twoGbMaxExtentSparse and twoGbMaxExtentFlat descriptors, and a piece of a split VMDK', async () => {
      for (const name of ['twoGbMaxExtentSparse.vmdk', 'twoGbMaxExtentFlat.vmdk']) {
        const facts = await inspectFile(images.path(name));
        assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path(name), 'vmdk'), name);
        assert.deepEqual(codes(facts.problems), ['vmdk-unsupported-create-type', 'vmdk-extent-outside-file'], name);
      }
      const piece = await inspectFile(images.path('twoGbMaxExtentSparse-s001.vmdk'));
      assert.equal(piece.format, 'vmdk');
      assert.deepEqual(piece.problems, [
        {
          code: 'vmdk-unsupported-create-type',
          field: 'content',
          value: 'split extent',
          message:
            'The VMDK sparse extent has an empty embedded descriptor: it is one piece of a split VMDK (e.g. twoGbMaxExtentSparse), not a whole disk. Convert the whole disk into one file: qemu-img convert -f vmdk -O qcow2 disk.vmdk disk.qcow2 (run it on the descriptor, next to all its pieces)',
        },
      ]);
    });

    it('descriptor whose extent names a host path (CVE-2022-47951), and a delta disk', async () => {
      const descriptor = (await readFile(images.path('monolithicFlat.vmdk'), 'latin1'))
        .replace('createType="monolithicFlat"', 'createType="monolithicSparse"')
        .replace('"monolithicFlat-flat.vmdk" 0', '"/etc/shadow" 0')
        .replace('parentCID=ffffffff', 'parentCID=12345678\nparentFileNameHint="base.vmdk"');
      await writeFile(images.path('host-path.vmdk'), descriptor, 'latin1');
      const facts = await inspectFile(images.path('host-path.vmdk'));
      // A bare descriptor claiming monolithicSparse is no disk at all (qemu-img refuses it).
      assert.deepEqual(codes(facts.problems), ['vmdk-invalid-descriptor', 'vmdk-extent-outside-file', 'vmdk-delta-disk']);
      assert.equal(facts.problems[0]?.value, 'monolithicSparse');
      assert.equal(facts.problems[1]?.value, '/etc/shadow');
      assert.equal(facts.problems[2]?.value, 'base.vmdk');
    });

    it('streamOptimized with the grain directory at the end, cut short: no valid footer', async () => {
      const facts = await inspectFile(await images.truncatedCopy('stream-footer.vmdk', 'cut-footer.vmdk', -512));
      assert.deepEqual(facts.problems, [
        {
          code: 'vmdk-invalid-footer',
          field: 'content',
          message:
            'The streamOptimized VMDK footer is invalid: no footer marker 1536 bytes before the end; no end-of-stream marker in the last 512 bytes; the footer does not start with "KDMV". The upload is incomplete or the file is damaged: upload the whole file again, or qemu-img convert -f vmdk -O vmdk -o subformat=streamOptimized cut-footer.vmdk cut-footer-fixed.vmdk',
        },
      ]);
    });

    it('sparse VMDK cut before its grain directory or metadata', async () => {
      const facts = await inspectFile(await images.truncatedCopy('monolithicSparse.vmdk', 'cut-sparse.vmdk', 12_000));
      assert.deepEqual(codes(facts.problems), ['vmdk-truncated']);
      assert.equal(
        facts.problems[0]?.message,
        'The VMDK places its grain directory at byte 15360, beyond its end (the object is 12000 bytes (11.72 KiB)). The upload is incomplete: upload the whole file again.',
      );
    });
  });

  describe('raw', () => {
    it('cut mid-sector and before its last partition ends', async () => {
      const facts = await inspectFile(await images.truncatedCopy('mbr.raw', 'cut.raw', 32 * 1024 * 1024 + 100));
      assert.deepEqual(facts.problems, [
        {
          code: 'raw-size-not-sector-multiple',
          field: 'content',
          value: '33554532',
          message:
            'The raw image is 33554532 bytes (32 MiB), not a whole number of 512-byte sectors. A disk is whole sectors: the upload is probably incomplete. Upload the whole image again.',
        },
        {
          code: 'raw-truncated',
          field: 'content',
          value: '33554532',
          message:
            'MBR partition 2 ends at byte 67108864, beyond the end of the disk (33554532 bytes (32 MiB)). The upload is incomplete or the disk is damaged: upload the whole image again.',
        },
      ]);
    });

    it('GPT disk cut before its backup header', async () => {
      const facts = await inspectFile(await images.truncatedCopy('gpt.raw', 'cut-gpt.raw', 32 * 1024 * 1024));
      assert.deepEqual(codes(facts.problems), ['raw-truncated']);
      assert.match(facts.problems[0]?.message ?? '', /^The GPT header places its backup copy at LBA 131071 \(byte 67108352\), beyond the end of the disk/);
    });
  });

  describe('more than one format', () => {
    it('a qcow2 hidden at the start of a fixed VHD is rejected as ambiguous', async () => {
      const qcow2 = await readFile(images.path('v3.qcow2'));
      const fixed = await readFile(images.path('fixed.vhd'));
      qcow2.copy(fixed, 0);
      await writeFile(images.path('hidden.vhd'), fixed);
      const facts = await inspectFile(images.path('hidden.vhd'));
      assert.equal(facts.format, 'ambiguous');
      assert.equal(facts.virtualSizeBytes, null);
      assert.deepEqual(facts.problems[0], {
        code: 'multiple-formats',
        field: 'content',
        value: 'qcow2,vhd',
        message:
          'The content matches more than one format (qcow2 and vhd), for example one image hidden inside another. Such a file is unsafe to import; re-create it with a single format: qemu-img convert -f <the intended format> -O qcow2 hidden.vhd hidden.qcow2',
      });
    });

    it('a VHD footer at the end that does not describe the file does not make a qcow2 ambiguous', async () => {
      const qcow2 = await readFile(images.path('v3.qcow2'));
      const fixed = await readFile(images.path('fixed.vhd'));
      await writeFile(images.path('tail-footer.qcow2'), Buffer.concat([qcow2, fixed.subarray(fixed.length - 512)]));
      const facts = await inspectFile(images.path('tail-footer.qcow2'));
      assert.equal(facts.format, 'qcow2');
      assert.deepEqual(facts.problems, []);
      assert.deepEqual(facts.details.warnings, [
        'A vhd signature was found but does not describe this object (VHD fixed, virtual size 64.02 MiB); it was ignored.',
      ]);
    });
  });
});
