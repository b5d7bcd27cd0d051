// The packed uploads the local-stack and RGW suites (and the bench) import: one per format the
// issue names, made of real qemu-img images packed by the real tools.
import { randomFillSync } from 'node:crypto';
import { makeDiskImage } from './disk-images.js';
import { ovfDescriptor, packFiles, type PackedKind } from './packed-images.js';

export interface PackedCase {
  /** Key suffix under the suite's prefix. */
  name: string;
  /** The image inside, byte for byte what the sibling must hold. */
  image: Buffer;
  packed: Buffer;
  /** The sibling's name under the same prefix. */
  sibling: string;
}

function packedCase(name: string, kind: PackedKind, member: string, image: Buffer, sibling: string): PackedCase {
  return { name, image, packed: packFiles(kind, [{ name: member, bytes: image }]), sibling };
}

/** `.qcow2.gz`, `.raw.xz`, `.vhd.zst` (fixed: its footer is the last 512 bytes), `.vmdk.bz2`, a one-file `.zip`, a GCE-style `.tar.gz`. */
export function packedCases(): PackedCase[] {
  return [
    packedCase('disk.qcow2.gz', 'gzip', 'disk.qcow2', makeDiskImage('qcow2', '1G'), 'disk.qcow2'),
    packedCase('disk.raw.xz', 'xz', 'disk.raw', makeDiskImage('raw', '4M'), 'disk.raw'),
    packedCase('fixed.vhd.zst', 'zstd', 'fixed.vhd', makeDiskImage('vpc', '4M', ['subformat=fixed']), 'fixed.vhd'),
    packedCase('disk.vmdk.bz2', 'bzip2', 'disk.vmdk', makeDiskImage('vmdk', '1G', ['subformat=streamOptimized']), 'disk.vmdk'),
    packedCase('one.zip', 'zip', 'disk.qcow2', makeDiskImage('qcow2', '1G'), 'one.qcow2'),
    packedCase('gce.tar.gz', 'tar.gz', 'disk.raw', makeDiskImage('raw', '4M'), 'gce.raw'),
  ];
}

/** An OVA (the .ovf first) of one streamOptimized VMDK whose descriptor says Ubuntu 64-bit. */
export function ubuntuOva(disks = ['app-disk1.vmdk']): { image: Buffer; packed: Buffer } {
  const image = makeDiskImage('vmdk', '1G', ['subformat=streamOptimized']);
  const ovf = ovfDescriptor(disks, { id: 94, description: 'Ubuntu Linux (64-bit)', osType: 'ubuntu64Guest' });
  return { image, packed: packFiles('ova', [{ name: 'app.ovf', bytes: ovf }, ...disks.map((name) => ({ name, bytes: image }))]) };
}

/** A zip of two disk images. */
export function twoDiskZip(): Buffer {
  return packFiles('zip', [
    { name: 'a.qcow2', bytes: makeDiskImage('qcow2', '1G') },
    { name: 'b.vmdk', bytes: makeDiskImage('vmdk', '1G') },
  ]);
}

/** A gzip of text named like a raw image, its end damaged: a reader of the whole stream would report corruption. */
export function textGzip(): Buffer {
  const packed = packFiles('gzip', [{ name: 'notes.raw', bytes: 'Just some notes, not a disk.\n'.repeat(200_000) }]);
  packed.fill(0x55, packed.length - 64, packed.length - 8);
  return packed;
}

/** A gzip of a 24 MiB raw image: past a 12 MiB IMAGE_UNPACK_MAX_BYTES after one 8 MiB part was uploaded. */
export function bombGzip(): Buffer {
  const raw = makeDiskImage('raw', '24M');
  raw.fill(0x01, 0, 512);
  return packFiles('gzip', [{ name: 'bomb.raw', bytes: raw }]);
}

/** A 17 MiB raw image (its first MiB random, so it is not all zeros) in a .gz: three parts (8, 8 and 1 MiB) under a 64 MiB IMAGE_UNPACK_MAX_BYTES. */
export function multipartGzip(): { image: Buffer; packed: Buffer } {
  const image = makeDiskImage('raw', '17M');
  randomFillSync(image, 0, 2 ** 20);
  return { image, packed: packFiles('gzip', [{ name: 'big.raw', bytes: image }]) };
}
