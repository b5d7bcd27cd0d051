// Text: what an object is when no format matched and its first bytes read as UTF-8 text with
// no NUL byte. No disk image looks like that: its first sectors hold NULs (boot code padding,
// empty partition entries, zeroed space). Such an upload is a mistake, not a disk to convert.
import { contentProblem, type FormatMatch } from '../format-match.js';
import type { ImageBytes } from '../image-bytes.js';

/** How much of the head decides. */
const sampleBytes = 4096;
/** How much of the text a message quotes. */
const quotedCharacters = 60;

export function probeText(bytes: ImageBytes): FormatMatch | undefined {
  const sample = bytes.slice(0, Math.min(bytes.headLength, bytes.size, sampleBytes));
  if (sample === undefined || sample.length === 0 || sample.includes(0)) return undefined;
  let text: string;
  try {
    // `stream` leaves a character cut at the end of the sample undecoded instead of failing.
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: sample.length < bytes.size });
  } catch {
    return undefined;
  }
  // Controls other than tab, line feed, form feed, carriage return and escape are not text.
  if (/[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]/.test(text)) return undefined;
  const characters = [...text];
  const quoted = JSON.stringify(characters.slice(0, quotedCharacters).join('')).slice(1, -1);
  return {
    format: 'text',
    virtualSizeBytes: null,
    details: { summary: 'text, not a disk image', warnings: [] },
    problems: [
      contentProblem(
        'not-a-disk-image',
        `The content is text ("${quoted}${characters.length > quotedCharacters ? '…' : ''}"), not a disk image. Upload the disk image itself: a qcow2, vhd, vmdk or raw file.`,
        'text',
      ),
    ],
  };
}
