import type { Problem } from '../../kernel/index.js';
import type { DiskFormat } from '../jdcloud-rules/index.js';
import { convertToQcow2Command, outputArgument, shellWord } from './fix-commands.js';

export type FormatFromKey =
  | { ok: true; format: DiskFormat; decidedByContent: boolean }
  | { ok: false; problem: Problem };

const diskExtensions: Record<string, DiskFormat> = {
  qcow2: 'qcow2',
  qcow: 'qcow2',
  vhd: 'vhd',
  vmdk: 'vmdk',
  raw: 'raw',
  // Cloud images named .img are usually qcow2 (Ubuntu's are); the content decides.
  img: 'raw',
};

const compressors: Record<string, { name: string; decompress: (file: string) => string }> = {
  gz: { name: 'gzip', decompress: (file) => `gunzip -k ${file}` },
  xz: { name: 'xz', decompress: (file) => `unxz -k ${file}` },
  zst: { name: 'zstd', decompress: (file) => `unzstd ${file}` },
  zstd: { name: 'zstd', decompress: (file) => `unzstd ${file}` },
  bz2: { name: 'bzip2', decompress: (file) => `bunzip2 -k ${file}` },
  lz4: { name: 'lz4', decompress: (file) => `unlz4 ${file}` },
};

const archives: Record<string, { name: string; extract: (file: string) => string }> = {
  zip: { name: 'a zip archive', extract: (file) => `unzip ${file}` },
  tar: { name: 'a tar archive', extract: (file) => `tar -xf ${file}` },
  tgz: { name: 'a gzip-compressed tar archive', extract: (file) => `tar -xzf ${file}` },
  txz: { name: 'an xz-compressed tar archive', extract: (file) => `tar -xJf ${file}` },
  '7z': { name: 'a 7-Zip archive', extract: (file) => `7z x ${file}` },
  rar: { name: 'a RAR archive', extract: (file) => `unrar x ${file}` },
};

const otherDiskFormats: Record<string, string> = {
  vhdx: 'vhdx',
  vdi: 'vdi',
  qed: 'qed',
  luks: 'luks',
};

/** The disk image extensions a key may end in, as messages list them. */
export const diskExtensionList = '.qcow2, .qcow, .vhd, .vmdk, .raw or .img';
const unknownExtensionCode = 'unknown-extension';
const importable = 'JD Cloud imports uncompressed qcow2, vhd, vmdk or raw disk images';

/**
 * The disk format a key's extension claims (case-insensitive), or the problem with the name.
 * `.img` says "a disk image" without saying which format: the content decides. Commands in
 * the messages name the key itself, so they can be run as they are.
 */
export function formatFromKey(key: string): FormatFromKey {
  const { extension, stem } = splitKey(key);
  const format = diskExtensions[extension];
  if (format !== undefined) return { ok: true, format, decidedByContent: extension === 'img' };

  const quotedKey = JSON.stringify(key);
  const shownKey = shellWord(key);
  const compressor = compressors[extension];
  if (compressor !== undefined) {
    const inner = innerExtension(stem);
    const target = inner !== undefined && diskExtensions[inner] !== undefined ? `"${key.slice(0, key.length - extension.length - 1)}"` : 'the uncompressed disk image';
    return problem(
      'compressed-extension',
      key,
      `The key ${quotedKey} ends in ".${extension}", a ${compressor.name}-compressed file; ${importable}. Decompress it (${compressor.decompress(shownKey)}) and upload ${target} instead.`,
    );
  }
  if (extension === 'ova') {
    return problem(
      'archive-extension',
      key,
      `The key ${quotedKey} ends in ".ova", a tar archive of a VM (descriptor and disks); ${importable}. Extract it (tar -xf ${shownKey}) and upload its .vmdk disk, or convert that disk first: qemu-img convert -f vmdk -O qcow2 disk1.vmdk disk1.qcow2`,
    );
  }
  const archiveKind = archives[extension];
  if (archiveKind !== undefined) {
    return problem(
      'archive-extension',
      key,
      `The key ${quotedKey} ends in ".${extension}", ${archiveKind.name}; ${importable}. Extract it (${archiveKind.extract(shownKey)}) and upload the disk image inside.`,
    );
  }
  if (extension === 'iso') {
    return problem(
      'iso-extension',
      key,
      `The key ${quotedKey} ends in ".iso", an optical disc image (installer media); JD Cloud imports disk images only. Install the operating system into a virtual machine disk (e.g. virt-install), then upload that disk as .qcow2.`,
    );
  }
  const other = otherDiskFormats[extension];
  if (other !== undefined) {
    return problem('unsupported-disk-extension', key, `The key ${quotedKey} ends in ".${extension}"; ${importable}. Convert it: ${convertToQcow2Command(other, key)} and upload the .qcow2.`);
  }
  return problem(unknownExtensionCode, key, unknownExtensionMessage(key, 'convert'));
}

/**
 * How a key names nothing a disk image comes as (`ends in ".woff2"`, `has no extension`), or
 * undefined when its extension is a disk format's (imported or not), a compressor's, an
 * archive's or an ISO's. An upload of the latter is answered with its fix; event deliveries
 * skip the others, as `import` and `plan` answer them with the unknown-extension rejection.
 */
export function unknownExtensionOf(key: string): string | undefined {
  const claimed = formatFromKey(key);
  return claimed.ok || claimed.problem.code !== unknownExtensionCode ? undefined : describedExtension(splitKey(key).extension);
}

function describedExtension(extension: string): string {
  return extension === '' ? 'has no extension' : `ends in ".${extension}"`;
}

/**
 * A key whose extension names no disk format. With `convert`, the message offers qemu-img's
 * conversion; for content that is no disk image at all (text) it does not.
 */
export function unknownExtensionMessage(key: string, hint: 'convert' | 'none'): string {
  const { extension } = splitKey(key);
  const described = extension === '' ? describedExtension(extension) : `${describedExtension(extension)}, which is not a disk image extension`;
  const convert = ` Name the file after its format, or convert it: qemu-img convert -O qcow2 ${shellWord(key)} ${outputArgument(key, 'qcow2')} and upload the .qcow2.`;
  return `The key ${JSON.stringify(key)} ${described}; allowed: ${diskExtensionList}.${hint === 'convert' ? convert : ''}`;
}

/** The last extension of the key's file name (lower-cased, without the dot) and the name before it. */
function splitKey(key: string): { extension: string; stem: string } {
  const baseName = key.slice(key.lastIndexOf('/') + 1);
  const dot = baseName.lastIndexOf('.');
  return { extension: dot > 0 ? baseName.slice(dot + 1).toLowerCase() : '', stem: dot > 0 ? baseName.slice(0, dot) : baseName };
}

function innerExtension(stem: string): string | undefined {
  const dot = stem.lastIndexOf('.');
  return dot > 0 ? stem.slice(dot + 1).toLowerCase() : undefined;
}

function problem(code: string, key: string, message: string): { ok: false; problem: Problem } {
  return { ok: false, problem: { code, field: 'key', value: key, message } };
}
