// Every importable format and subformat, made by qemu-img: recognised, virtual size equal to
// what `qemu-img info` reports, no problems. Plus formats recognised only to be rejected.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { inspectImage } from '../../src/domain/image/inspect-image.js';
import { codes, inspectFile } from './read-test-image.js';
import { makeTestImages, qemuVirtualSize, requireTools, type TestImages } from './test-images.js';

const importable: Array<{ name: string; qemuFormat: string; format: string; subformat?: string; summary: string }> = [
  { name: 'v2.qcow2', qemuFormat: 'qcow2', format: 'qcow2', summary: 'qcow2 v2, 64 KiB clusters, virtual size 64 MiB' },
  { name: 'v3.qcow2', qemuFormat: 'qcow2', format: 'qcow2', summary: 'qcow2 v3, 64 KiB clusters, virtual size 64 MiB' },
  { name: 'big-cluster.qcow2', qemuFormat: 'qcow2', format: 'qcow2', summary: 'qcow2 v3, 2 MiB clusters, virtual size 1 GiB' },
  { name: 'odd-size.qcow2', qemuFormat: 'qcow2', format: 'qcow2', summary: 'qcow2 v3, 64 KiB clusters, virtual size 97.66 MiB' },
  { name: 'zstd.qcow2', qemuFormat: 'qcow2', format: 'qcow2', summary: 'qcow2 v3, 64 KiB clusters, virtual size 64 MiB' },
  { name: 'with-data.qcow2', qemuFormat: 'qcow2', format: 'qcow2', summary: 'qcow2 v3, 64 KiB clusters, virtual size 64 MiB' },
  { name: 'dynamic.vhd', qemuFormat: 'vpc', format: 'vhd', subformat: 'dynamic', summary: 'VHD dynamic, virtual size 64.02 MiB' },
  { name: 'dynamic-force-size.vhd', qemuFormat: 'vpc', format: 'vhd', subformat: 'dynamic', summary: 'VHD dynamic, virtual size 97.66 MiB' },
  { name: 'fixed.vhd', qemuFormat: 'vpc', format: 'vhd', subformat: 'fixed', summary: 'VHD fixed, virtual size 64.02 MiB' },
  { name: 'fixed-force-size.vhd', qemuFormat: 'vpc', format: 'vhd', subformat: 'fixed', summary: 'VHD fixed, virtual size 64 MiB' },
  { name: 'fixed-mbr.vhd', qemuFormat: 'vpc', format: 'vhd', subformat: 'fixed', summary: 'VHD fixed, virtual size 64 MiB' },
  { name: 'monolithicSparse.vmdk', qemuFormat: 'vmdk', format: 'vmdk', summary: 'VMDK monolithicSparse, virtual size 64 MiB' },
  { name: 'streamOptimized.vmdk', qemuFormat: 'vmdk', format: 'vmdk', summary: 'VMDK streamOptimized, virtual size 64 MiB' },
  { name: 'stream-footer.vmdk', qemuFormat: 'vmdk', format: 'vmdk', summary: 'VMDK streamOptimized, virtual size 64 MiB' },
  { name: 'blank.raw', qemuFormat: 'raw', format: 'raw', summary: 'raw, no partition table, 64 MiB' },
  { name: 'mbr.raw', qemuFormat: 'raw', format: 'raw', summary: 'raw, MBR, 2 partitions, 64 MiB' },
  { name: 'gpt.raw', qemuFormat: 'raw', format: 'raw', summary: 'raw, GPT (512-byte sectors), 3 partitions, with a BIOS boot partition, 64 MiB' },
];

const rejectedFormats: Array<{ name: string; qemuFormat: string; format: string; code: string }> = [
  { name: 'disk.qed', qemuFormat: 'qed', format: 'qed', code: 'unsupported-format' },
  { name: 'disk.vdi', qemuFormat: 'vdi', format: 'vdi', code: 'unsupported-format' },
  { name: 'disk.luks', qemuFormat: 'luks', format: 'luks', code: 'unsupported-format' },
  { name: 'installer.iso', qemuFormat: 'raw', format: 'iso', code: 'iso-image' },
];

describe('inspectImage on qemu-img images', () => {
  let images: TestImages;
  before(async () => {
    await requireTools(['qemu-img', 'sfdisk', 'sgdisk', 'genisoimage']);
    images = await makeTestImages([...importable, ...rejectedFormats].map((image) => image.name).concat('disk.vhdx'));
  });
  after(() => images?.remove());

  for (const image of importable) {
    it(`${image.name}: ${image.format}${image.subformat === undefined ? '' : ` ${image.subformat}`}, qemu-img's virtual size, importable`, async () => {
      const facts = await inspectFile(images.path(image.name));
      assert.deepEqual(facts.problems, []);
      assert.equal(facts.format, image.format);
      assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path(image.name), image.qemuFormat));
      assert.equal(facts.details.summary, image.summary);
      if (image.subformat !== undefined) assert.equal(facts.details['subformat'], image.subformat);
      assert.ok(facts.bytesRead <= 64 * 1024 + 1536, `read ${facts.bytesRead} bytes`);
    });
  }

  it('reads the createType of each VMDK from its embedded descriptor', async () => {
    for (const name of ['monolithicSparse.vmdk', 'streamOptimized.vmdk', 'stream-footer.vmdk']) {
      const facts = await inspectFile(images.path(name));
      assert.equal(facts.details['createType'], name === 'monolithicSparse.vmdk' ? 'monolithicSparse' : 'streamOptimized', name);
    }
    assert.equal((await inspectFile(images.path('stream-footer.vmdk'))).details['grainDirectoryAtEnd'], true);
  });

  it('lists MBR and GPT partitions, and warns that GPT/UEFI is outside JD\'s import guide', async () => {
    const mbr = await inspectFile(images.path('mbr.raw'));
    assert.deepEqual(mbr.details['partitionTable'], {
      scheme: 'mbr',
      description: 'MBR, 2 partitions',
      mbrPartitions: [
        { index: 1, bootable: true, type: '0x83', startLba: 2048, sectors: 40960 },
        { index: 2, bootable: false, type: '0x82', startLba: 43008, sectors: 88064 },
      ],
    });
    assert.deepEqual(mbr.details.warnings, []);
    const gpt = await inspectFile(images.path('gpt.raw'));
    const table = gpt.details['partitionTable'] as { scheme: string; gptPartitions: Array<{ typeGuid: string }> };
    assert.equal(table.scheme, 'gpt');
    assert.deepEqual(
      table.gptPartitions.map((partition) => partition.typeGuid),
      ['21686148-6449-6E6F-744E-656564454649', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', '0FC63DAF-8483-4772-8E79-3D69D8477DE4'],
    );
    assert.deepEqual(gpt.details.warnings, [
      "The disk uses a GPT partition table; JD Cloud's import guide supports MBR-partitioned, BIOS-booting system disks only.",
      "An EFI System Partition suggests UEFI boot, which JD Cloud's import guide does not support.",
    ]);
    const fixed = await inspectFile(images.path('fixed-mbr.vhd'));
    assert.equal((fixed.details['partitionTable'] as { description: string }).description, 'MBR, 2 partitions');
  });

  it('says a raw disk without a partition table is "raw, no partition table"', async () => {
    const facts = await inspectFile(images.path('blank.raw'));
    assert.deepEqual(facts.details['partitionTable'], { scheme: 'none', description: 'no partition table' });
  });

  for (const image of rejectedFormats) {
    it(`${image.name}: recognised as ${image.format} with qemu-img's virtual size, and rejected`, async () => {
      const facts = await inspectFile(images.path(image.name));
      assert.equal(facts.format, image.format);
      assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path(image.name), image.qemuFormat));
      assert.deepEqual(codes(facts.problems), [image.code]);
    });
  }

  it('rejects an ISO with a message that says what to upload instead', async () => {
    const facts = await inspectFile(images.path('installer.iso'));
    assert.equal(facts.details['volumeId'], 'TEST_INSTALLER');
    assert.deepEqual(facts.problems, [
      {
        code: 'iso-image',
        field: 'content',
        value: 'iso',
        message:
          'The content is an ISO/UDF optical disc image (installer media); JD Cloud imports disk images only. Install the operating system into a virtual machine disk (e.g. virt-install or VirtualBox), then upload that disk as qcow2.',
      },
    ]);
  });

  it('VHDX: rejected; its virtual size is not in the 64 KiB head, and the details say so', async () => {
    const facts = await inspectFile(images.path('disk.vhdx'));
    assert.equal(facts.format, 'vhdx');
    assert.equal(facts.virtualSizeBytes, null);
    assert.equal(
      facts.details['virtualSizeUnknown'],
      'VHDX keeps its virtual size in the metadata region; the region table at byte 196608 lies beyond the 65536 bytes read, so the virtual size was not read (VHDX is rejected either way).',
    );
    assert.deepEqual(facts.problems, [
      {
        code: 'vhdx-not-importable',
        field: 'content',
        value: 'vhdx',
        message:
          'The content is VHDX, which JD Cloud does not import (it takes qcow2, vhd, vmdk or raw). Convert it: qemu-img convert -f vhdx -O qcow2 disk.vhdx disk.qcow2',
      },
    ]);
  });

  it('VHDX: given bytes that reach its metadata, reads qemu-img\'s virtual size', async () => {
    const whole = await readFile(images.path('disk.vhdx'));
    const facts = inspectImage({ head: whole, tail: new Uint8Array(), size: whole.length });
    assert.equal(facts.virtualSizeBytes, await qemuVirtualSize(images.path('disk.vhdx'), 'vhdx'));
    assert.equal(facts.details['hasParent'], false);
    assert.deepEqual(codes(facts.problems), ['vhdx-not-importable']);
  });
});
