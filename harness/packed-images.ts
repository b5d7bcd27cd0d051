import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PackedKind = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'zip' | 'tar' | 'tar.gz' | 'tar.xz' | 'tar.zst' | 'ova';

/** The command line that packs `names` (files in the current folder) into `out`, with the real tools. */
function command(kind: PackedKind, names: string[], out: string): [string, string[]] {
  const [first] = names;
  switch (kind) {
    case 'gzip':
      return ['sh', ['-c', `gzip -c -- "$1" > "$2"`, 'sh', first ?? '', out]];
    case 'xz':
      return ['sh', ['-c', `xz -c -T1 -- "$1" > "$2"`, 'sh', first ?? '', out]];
    case 'zstd':
      return ['sh', ['-c', `zstd -q -c -- "$1" > "$2"`, 'sh', first ?? '', out]];
    case 'bzip2':
      return ['sh', ['-c', `bzip2 -c -- "$1" > "$2"`, 'sh', first ?? '', out]];
    case 'zip':
      return ['zip', ['-q', out, ...names]];
    case 'tar':
    case 'ova':
      return ['tar', ['--format=ustar', '-cf', out, ...names]];
    case 'tar.gz':
      return ['tar', ['--format=gnu', '-czf', out, ...names]];
    case 'tar.xz':
      return ['tar', ['--format=gnu', '-cJf', out, ...names]];
    case 'tar.zst':
      return ['tar', ['--format=gnu', '--zstd', '-cf', out, ...names]];
  }
}

/**
 * Packs files with gzip, xz, zstd, bzip2, zip or tar (the Debian packages CI installs) and
 * returns the packed bytes. Members are added in the order given (an OVA's .ovf first).
 */
export function packFiles(kind: PackedKind, files: Array<{ name: string; bytes: Uint8Array | string }>, options: { tarArgs?: string[] } = {}): Buffer {
  const directory = mkdtempSync(join(tmpdir(), 'oss-image-import-pack-'));
  try {
    for (const file of files) writeFileSync(join(directory, file.name), file.bytes);
    const out = join(directory, 'packed.out');
    const [program, args] = command(kind, files.map((file) => file.name), out);
    // e.g. `-P --transform=s,^,../,` for member names that climb out of the archive.
    const extra = program === 'tar' ? (options.tarArgs ?? []) : [];
    execFileSync(program, [...extra, ...args], { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
    return readFileSync(out);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A minimal OVF descriptor (DSP0243) naming `disks` and an OperatingSystemSection. */
export function ovfDescriptor(disks: string[], os: { id: number; description: string; osType?: string }): string {
  const files = disks.map((name, index) => `    <File ovf:href="${name}" ovf:id="file${index + 1}"/>`).join('\n');
  const diskSection = disks.map((_, index) => `    <Disk ovf:capacity="1" ovf:diskId="vmdisk${index + 1}" ovf:fileRef="file${index + 1}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
${files}
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
${diskSection}
  </DiskSection>
  <VirtualSystem ovf:id="appliance">
    <Info>A virtual machine</Info>
    <OperatingSystemSection ovf:id="${os.id}"${os.osType !== undefined ? ` vmw:osType="${os.osType}"` : ''}>
      <Info>The kind of installed guest operating system</Info>
      <Description>${os.description}</Description>
    </OperatingSystemSection>
  </VirtualSystem>
</Envelope>
`;
}
