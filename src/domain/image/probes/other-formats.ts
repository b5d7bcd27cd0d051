// Disk formats qemu knows but JD Cloud does not import: QED, VDI (VirtualBox), LUKS.
// Recognised so that the rejection names the format and the conversion.
import { ascii, ByteView, hasBytesAt, safeNumber } from '../byte-view.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import { convertToQcow2Command, fileArgument, outputArgument } from '../fix-commands.js';
import type { ImageBytes } from '../image-bytes.js';

export function probeQed(bytes: ImageBytes): FormatMatch | undefined {
  const header = bytes.slice(0, 56);
  if (!hasBytesAt(bytes.slice(0, 4), ascii('QED\0'))) return undefined;
  const virtualSizeBytes = header === undefined ? null : (safeNumber(new ByteView(header).u64le(48)) ?? null);
  return unsupported('qed', 'QED', virtualSizeBytes, convertToQcow2Command('qed', bytes.name));
}

export function probeVdi(bytes: ImageBytes): FormatMatch | undefined {
  const signature = bytes.slice(0x40, 4);
  if (signature === undefined || new ByteView(signature).u32le(0) !== 0xbeda107f) return undefined;
  const size = bytes.slice(0x170, 8);
  const virtualSizeBytes = size === undefined ? null : (safeNumber(new ByteView(size).u64le(0)) ?? null);
  return unsupported('vdi', 'VirtualBox VDI', virtualSizeBytes, convertToQcow2Command('vdi', bytes.name));
}

export function probeLuks(bytes: ImageBytes): FormatMatch | undefined {
  const header = bytes.slice(0, 112);
  if (!hasBytesAt(bytes.slice(0, 6), Uint8Array.of(0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe))) return undefined;
  let virtualSizeBytes: number | null = null;
  if (header !== undefined) {
    const view = new ByteView(header);
    // LUKS1: the payload starts at payload-offset sectors (u32 BE at 104); the rest is the disk.
    if (view.u16be(6) === 1) virtualSizeBytes = Math.max(0, bytes.size - view.u32be(104) * 512);
  }
  return {
    format: 'luks',
    virtualSizeBytes,
    details: { summary: 'LUKS-encrypted volume', warnings: [] },
    problems: [
      contentProblem(
        'unsupported-format',
        `The content is a LUKS-encrypted volume, which JD Cloud cannot read without its key. Decrypt it: qemu-img convert --object secret,id=sec0,file=passphrase.txt --image-opts driver=luks,file.filename=${fileArgument(bytes.name, 'image.luks')},key-secret=sec0 -O qcow2 ${outputArgument(bytes.name, 'qcow2')}`,
        'luks',
      ),
    ],
  };
}

function unsupported(format: 'qed' | 'vdi', name: string, virtualSizeBytes: number | null, command: string): FormatMatch {
  return {
    format,
    virtualSizeBytes,
    details: { summary: name, warnings: [] },
    problems: [
      contentProblem('unsupported-format', `The content is a ${name} image, which JD Cloud does not import (it takes qcow2, vhd, vmdk or raw). Convert it: ${command}`, format),
    ],
  };
}
