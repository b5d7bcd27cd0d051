// What a packed upload's name and first bytes say before any byte is unpacked, for the import
// (prepare-unpack.ts) and for `inspect` (inspect-packed.ts) alike: the bytes are packed as
// named, a compressed upload's sibling name, and a zip's one disk member (its directory read).
import { checkPackingMagic, compressedSiblingKey, type Packing, type ZipEntry } from '../../domain/unpacking/index.js';
import type { Problem } from '../../kernel/index.js';
import type { PackedSource } from './packed-source.js';
import { UnpackRejection } from './unpack-rejection.js';
import { chooseZipDisk, readZipMembers } from './zip-member.js';

export interface PackedCheck {
  /** Every reason found, `earlier` ones after the name's and the bytes'; none means go on. */
  problems: Problem[];
  /** A compressed (not archived) upload's sibling. */
  compressedSibling?: string;
  /** A zip's disk member (read only when there is no problem so far). */
  zipDisk?: ZipEntry;
}

/** `head` is the packed object's first bytes; `earlier` are the caller's own problems (the OS fields). */
export async function checkPacked(job: { source: PackedSource; key: string; packing: Packing; maxBytes: number }, head: Uint8Array, earlier: readonly Problem[] = []): Promise<PackedCheck> {
  const { key, packing } = job;
  const problems: Problem[] = [];
  const magic = checkPackingMagic(key, packing, head);
  if (magic !== undefined) problems.push(magic);
  let compressedSibling: string | undefined;
  if (packing.archive === undefined) {
    const sibling = compressedSiblingKey(key, packing);
    if (sibling.ok) compressedSibling = sibling.key;
    else problems.push(sibling.problem);
  }
  problems.push(...earlier);
  const named = compressedSibling !== undefined ? { compressedSibling } : {};
  if (problems.length > 0 || packing.archive !== 'zip') return { problems, ...named };
  try {
    return { problems, zipDisk: chooseZipDisk(job, await readZipMembers(job)) };
  } catch (error) {
    if (!(error instanceof UnpackRejection)) throw error;
    return { problems: [...problems, ...error.problems] };
  }
}
