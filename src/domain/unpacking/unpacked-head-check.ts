// The unpacked output is checked as soon as its first bytes exist, so a gzip of a text file or
// of the wrong format stops after the first chunk instead of after the whole object. Only what
// the head alone proves is a reason to stop: a fixed VHD keeps its footer in the last bytes and
// a raw image's size is known only at the end; those are checked once the output is complete.
import { maxImportBytes } from '../jdcloud-rules/index.js';
import type { Problem } from '../../kernel/index.js';
import { checkImageAgainstKey, formatFromKey, inspectImage } from '../image/index.js';

const diskFormats = new Set(['qcow2', 'vhd', 'vmdk', 'raw']);

/** Text, not a disk: no NUL byte and (nearly) all printable. A disk's first sector always holds NULs. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let printable = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte === 9 || byte === 10 || byte === 13 || (byte >= 0x20 && byte !== 0x7f)) printable++;
  }
  return printable / head.length >= 0.95;
}

/** Every problem the first bytes of the unpacked image prove; empty when the import may go on. */
export function checkUnpackedHead(siblingKey: string, head: Uint8Array): Problem[] {
  if (looksLikeText(head)) {
    return [
      {
        code: 'unpacked-text',
        field: 'content',
        value: siblingKey,
        message: `What was unpacked for ${JSON.stringify(siblingKey)} is text, not a disk image. Compress or archive the disk image itself (.qcow2, .vhd, .vmdk, .raw or .img).`,
      },
    ];
  }
  // The size is unknown until the end: stand in the largest JD accepts, so no size rule fires.
  const facts = inspectImage({ head, tail: new Uint8Array(), size: Math.max(head.length, maxImportBytes) });
  if (!diskFormats.has(facts.format)) return facts.problems;
  const claimed = formatFromKey(siblingKey);
  // A fixed VHD looks raw until its footer, in the last 512 bytes, is read.
  if (claimed.ok && claimed.format === 'vhd' && facts.format === 'raw') return [];
  if (facts.format === 'raw') return checkImageAgainstKey(siblingKey, facts).problems.filter((problem) => problem.code === 'format-mismatch' || problem.field === 'key');
  return checkImageAgainstKey(siblingKey, facts).problems;
}
