import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFromKey } from '../../src/domain/image/format-from-key.js';

describe('formatFromKey', () => {
  it('maps disk image extensions, case-insensitively; .img is decided by content', () => {
    const table: Array<[string, string, boolean]> = [
      ['ubuntu-22.04.qcow2', 'qcow2', false],
      ['images/CentOS-7.QCOW2', 'qcow2', false],
      ['old.qcow', 'qcow2', false],
      ['win2019.VHD', 'vhd', false],
      ['appliance.vmdk', 'vmdk', false],
      ['disk.Raw', 'raw', false],
      ['jammy-server-cloudimg-amd64.img', 'raw', true],
      ['my disk (copy).qcow2', 'qcow2', false],
      ['镜像/系统盘.qcow2', 'qcow2', false],
      ['a+b%20c.vhd', 'vhd', false],
      ['dir.with.dots/disk.v2.vmdk', 'vmdk', false],
      ['../../etc/disk.raw', 'raw', false],
    ];
    for (const [key, format, decidedByContent] of table) {
      assert.deepEqual(formatFromKey(key), { ok: true, format, decidedByContent }, key);
    }
  });

  it('rejects compressed names, saying what to upload instead', () => {
    assert.deepEqual(formatFromKey('images/ubuntu.qcow2.gz'), {
      ok: false,
      problem: {
        code: 'compressed-extension',
        field: 'key',
        value: 'images/ubuntu.qcow2.gz',
        message:
          'The key "images/ubuntu.qcow2.gz" ends in ".gz", a gzip-compressed file; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Decompress it (gunzip -k images/ubuntu.qcow2.gz) and upload "images/ubuntu.qcow2" instead.',
      },
    });
    const expected: Array<[string, string]> = [
      ['disk.raw.XZ', 'The key "disk.raw.XZ" ends in ".xz", a xz-compressed file; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Decompress it (unxz -k disk.raw.XZ) and upload "disk.raw" instead.'],
      ['disk.zst', 'The key "disk.zst" ends in ".zst", a zstd-compressed file; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Decompress it (unzstd disk.zst) and upload the uncompressed disk image instead.'],
      ['my disk.vmdk.bz2', 'The key "my disk.vmdk.bz2" ends in ".bz2", a bzip2-compressed file; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Decompress it (bunzip2 -k \'my disk.vmdk.bz2\') and upload "my disk.vmdk" instead.'],
    ];
    for (const [key, message] of expected) {
      const result = formatFromKey(key);
      assert.equal(result.ok, false, key);
      if (!result.ok) assert.deepEqual(result.problem, { code: 'compressed-extension', field: 'key', value: key, message });
    }
  });

  it('rejects archives, OVA and ISO with what to do', () => {
    const cases: Array<[string, string, string]> = [
      ['vm.zip', 'archive-extension', 'The key "vm.zip" ends in ".zip", a zip archive; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Extract it (unzip vm.zip) and upload the disk image inside.'],
      ['vm.tar', 'archive-extension', 'The key "vm.tar" ends in ".tar", a tar archive; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Extract it (tar -xf vm.tar) and upload the disk image inside.'],
      [
        'exports/Appliance.OVA',
        'archive-extension',
        'The key "exports/Appliance.OVA" ends in ".ova", a tar archive of a VM (descriptor and disks); JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Extract it (tar -xf exports/Appliance.OVA) and upload its .vmdk disk, or convert that disk first: qemu-img convert -f vmdk -O qcow2 disk1.vmdk disk1.qcow2',
      ],
      [
        'ubuntu-22.04-live-server.iso',
        'iso-extension',
        'The key "ubuntu-22.04-live-server.iso" ends in ".iso", an optical disc image (installer media); JD Cloud imports disk images only. Install the operating system into a virtual machine disk (e.g. virt-install), then upload that disk as .qcow2.',
      ],
      [
        'hyper-v/disk.vhdx',
        'unsupported-disk-extension',
        'The key "hyper-v/disk.vhdx" ends in ".vhdx"; JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images. Convert it: qemu-img convert -f vhdx -O qcow2 hyper-v/disk.vhdx hyper-v/disk.qcow2 and upload the .qcow2.',
      ],
    ];
    for (const [key, code, message] of cases) {
      assert.deepEqual(formatFromKey(key), { ok: false, problem: { code, field: 'key', value: key, message } }, key);
    }
  });

  it('rejects unknown and missing extensions, listing the allowed ones', () => {
    assert.deepEqual(formatFromKey('disk.bin'), {
      ok: false,
      problem: {
        code: 'unknown-extension',
        field: 'key',
        value: 'disk.bin',
        message:
          'The key "disk.bin" ends in ".bin", which is not a disk image extension; allowed: .qcow2, .qcow, .vhd, .vmdk, .raw or .img. Name the file after its format, or convert it: qemu-img convert -O qcow2 disk.bin disk.qcow2 and upload the .qcow2.',
      },
    });
    assert.deepEqual(formatFromKey('uploads/系统盘'), {
      ok: false,
      problem: {
        code: 'unknown-extension',
        field: 'key',
        value: 'uploads/系统盘',
        message:
          "The key \"uploads/系统盘\" has no extension; allowed: .qcow2, .qcow, .vhd, .vmdk, .raw or .img. Name the file after its format, or convert it: qemu-img convert -O qcow2 'uploads/系统盘' 'uploads/系统盘.qcow2' and upload the .qcow2.",
      },
    });
    for (const key of ['.qcow2', 'folder.qcow2/', 'disk.qcow2.', 'disk.qcow2 ', '']) {
      const result = formatFromKey(key);
      assert.equal(result.ok, false, JSON.stringify(key));
      if (!result.ok) assert.equal(result.problem.code, 'unknown-extension', JSON.stringify(key));
    }
  });
});
