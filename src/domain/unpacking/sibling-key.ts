// Where an unpacked image goes: next to its packed upload, named after it (issue 14):
// a compressor suffix is removed (`u/disk.qcow2.gz` → `u/disk.qcow2`); an archive's suffix is
// replaced by its disk's extension (`u/one.zip` holding `disk.qcow2` → `u/one.qcow2`).
import type { Problem } from '../../kernel/index.js';
import { diskExtensionList, formatFromKey } from '../image/index.js';
import { memberBaseName } from './member-name.js';
import type { Packing } from './packing.js';

export type SiblingKey = { ok: true; key: string } | { ok: false; problem: Problem };

function extensionOf(name: string): string | undefined {
  const base = memberBaseName(name);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : undefined;
}

/**
 * The sibling of a compressed (not archived) upload. A stem without an extension becomes
 * `.img` (the content decides the format); a stem with another extension is not a disk image.
 */
export function compressedSiblingKey(key: string, packing: Packing): SiblingKey {
  const extension = extensionOf(packing.stem);
  if (extension === undefined) return { ok: true, key: `${packing.stem}.img` };
  if (formatFromKey(packing.stem).ok) return { ok: true, key: packing.stem };
  const inner = memberBaseName(packing.stem);
  return {
    ok: false,
    problem: {
      code: 'packed-not-disk-image',
      field: 'key',
      value: key,
      message: `The key ${JSON.stringify(key)} says it holds ${JSON.stringify(inner)}, which is not a disk image (${diskExtensionList}). Compress the disk image itself, named after its format, e.g. "${inner.slice(0, inner.lastIndexOf('.'))}.qcow2${packing.suffix}".`,
    },
  };
}

/** The sibling of an archive holding `member`: the archive's stem with the member's extension, lower-case so the deployed triggers match it. */
export function archiveSiblingKey(packing: Packing, member: string): string {
  const extension = (extensionOf(member) ?? 'img').toLowerCase();
  return packing.stem.toLowerCase().endsWith(`.${extension}`) ? packing.stem : `${packing.stem}.${extension}`;
}

/**
 * Whether `key` is where `packedKey` unpacks to: its compressed sibling, or its archive's stem
 * with a disk's extension. A copy of a sibling under another name carries the same metadata but
 * is not one: nothing else would import it.
 */
export function isSiblingKeyOf(key: string, packing: Packing, packedKey: string): boolean {
  if (packing.archive === undefined) {
    const sibling = compressedSiblingKey(packedKey, packing);
    return sibling.ok && sibling.key === key;
  }
  if (!key.startsWith(packing.stem)) return false;
  const rest = key.slice(packing.stem.length);
  return rest === '' || /^\.[a-z0-9]+$/.test(rest);
}
