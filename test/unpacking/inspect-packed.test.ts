// `inspect` of compressed and archived local files: what is inside, from the first bytes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { ovfDescriptor, packFiles } from '../../harness/packed-images.js';

interface Report {
  format: string;
  diskFormat?: string;
  virtualSizeBytes: number | null;
  importable: boolean;
  problems: Array<{ code: string; message: string }>;
  packed: { packing: string; unpackedName?: string; member?: string; unpackedSizeBytes?: number };
}

describe('inspect of compressed and archived files', () => {
  const directory = mkdtempSync(join(tmpdir(), 'oss-image-import-inspect-packed-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  async function inspect(name: string, bytes: Uint8Array): Promise<{ code: number; report: Report }> {
    const path = join(directory, name);
    writeFileSync(path, bytes);
    const { io, captured } = captureIo({ LOG_LEVEL: 'silent' });
    const code = await runCli(['inspect', path, '--json'], io);
    return { code, report: JSON.parse(captured.out) as Report };
  }

  it('reports the qcow2 inside a .gz, and exits 0', async () => {
    const { code, report } = await inspect('ubuntu.qcow2.gz', packFiles('gzip', [{ name: 'ubuntu.qcow2', bytes: makeDiskImage('qcow2', '10G') }]));
    assert.equal(code, 0);
    assert.equal(report.format, 'qcow2');
    assert.equal(report.diskFormat, 'qcow2');
    assert.equal(report.virtualSizeBytes, 10 * 2 ** 30);
    assert.deepEqual(report.packed, {
      packing: 'gzip-compressed file',
      decoder: 'node:zlib',
      unpackedName: 'ubuntu.qcow2',
      notes: ["Only the first 64 KiB of the unpacked image were read: its end (a fixed VHD footer, a raw image's size) is checked when it is unpacked for import."],
    });
  });

  it('reports a zip member with the size its directory gives', async () => {
    const vmdk = makeDiskImage('vmdk', '2G', ['subformat=streamOptimized']);
    const { code, report } = await inspect('win.zip', packFiles('zip', [{ name: 'README.txt', bytes: 'read me' }, { name: 'disk.vmdk', bytes: vmdk }]));
    assert.equal(code, 0);
    assert.equal(report.format, 'vmdk');
    assert.equal(report.packed.unpackedName, 'win.vmdk');
    assert.equal(report.packed.member, 'disk.vmdk');
    assert.equal(report.packed.unpackedSizeBytes, vmdk.length);
  });

  it('exits 3 for a tar member that climbs out of the archive, and for a link named like a disk', async () => {
    const raw = makeDiskImage('raw', '1M');
    const climbing = await inspect('gce.tar.gz', packFiles('tar.gz', [{ name: 'disk.raw', bytes: raw }], { tarArgs: ['-P', '--transform=s,^,../,'] }));
    assert.equal(climbing.code, 3);
    assert.deepEqual(climbing.report.problems.map((problem) => problem.message), [
      `The archive "gce.tar.gz" holds a member named "../disk.raw": it climbs out of the archive with "..". Such archives are made to trick an extractor and are not unpacked; re-create the archive with the disk image alone.`,
    ]);
    const linkDirectory = mkdtempSync(join(directory, 'link-'));
    writeFileSync(join(linkDirectory, 'real.bin'), raw);
    symlinkSync('real.bin', join(linkDirectory, 'disk.raw'));
    const tarPath = join(directory, 'link.tar');
    execFileSync('tar', ['-cf', tarPath, '-C', linkDirectory, 'disk.raw']);
    const { io, captured } = captureIo({ LOG_LEVEL: 'silent' });
    assert.equal(await runCli(['inspect', tarPath, '--json'], io), 3);
    assert.deepEqual((JSON.parse(captured.out) as Report).problems.map((problem) => problem.code), ['archive-unsafe-member']);
  });

  it('exits 3 for an OVA with two disks, naming them', async () => {
    const vmdk = makeDiskImage('vmdk', '1G', ['subformat=streamOptimized']);
    const ovf = ovfDescriptor(['app-disk1.vmdk', 'app-disk2.vmdk'], { id: 94, description: 'Ubuntu Linux (64-bit)' });
    const { code, report } = await inspect('app.ova', packFiles('ova', [{ name: 'app.ovf', bytes: ovf }, { name: 'app-disk1.vmdk', bytes: vmdk }, { name: 'app-disk2.vmdk', bytes: vmdk }]));
    assert.equal(code, 3);
    assert.deepEqual(report.problems.map((problem) => problem.message), [
      'The OVA "app.ova" has 2 disks ("app-disk1.vmdk", "app-disk2.vmdk"); JD Cloud imports only the system disk. Upload the system disk on its own (extract it: tar -xf <file> "app-disk1.vmdk"), and attach the others as data disks after the import.',
    ]);
  });

  it('exits 3 when the content is not what the name says', async () => {
    const { code, report } = await inspect('disk.qcow2.xz', packFiles('gzip', [{ name: 'disk.qcow2', bytes: makeDiskImage('qcow2', '1G') }]));
    assert.equal(code, 3);
    assert.deepEqual(report.problems.map((problem) => problem.message), [
      'The key "disk.qcow2.xz" ends in ".xz", an xz-compressed file, but the content is a gzip-compressed file. Rename it after its content (or upload the file the name describes).',
    ]);
  });

  it('exits 3 for a corrupt stream, saying so', async () => {
    const raw = makeDiskImage('raw', '1M');
    randomFillSync(raw, 0, 256 * 1024);
    const packed = packFiles('bzip2', [{ name: 'disk.raw', bytes: raw }]);
    packed.fill(0x42, 40, 200);
    const { code, report } = await inspect('disk.raw.bz2', packed);
    assert.equal(code, 3);
    assert.deepEqual(report.problems.map((problem) => problem.code), ['unpack-corrupt']);
    assert.match(report.problems[0]?.message ?? '', /^"disk\.raw\.bz2" could not be unpacked: the bzip2-compressed file is corrupt or truncated \(.+\)\. Nothing was kept\. Upload the file again\.$/);
  });
});
