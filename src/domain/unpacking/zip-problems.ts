// What is said about a zip that cannot be unpacked: members it cannot read (problems of their
// own), and why it is corrupt (the reason inside the unpack-corrupt message).
import type { Problem } from '../../kernel/index.js';
import type { ZipEntry } from './zip-directory.js';

export function zipEncryptedProblem(key: string, member: string): Problem {
  return {
    code: 'zip-encrypted',
    field: 'content',
    value: member,
    message: `The zip member ${JSON.stringify(member)} in ${JSON.stringify(key)} is encrypted; it cannot be unpacked without its password. Upload it without encryption.`,
  };
}

export function zipMethodProblem(key: string, member: string, method: number): Problem {
  const name = method === 9 ? 'Deflate64 (what Windows Explorer uses for large files)' : `method ${method}`;
  return {
    code: 'zip-method-unsupported',
    field: 'content',
    value: member,
    message: `The zip member ${JSON.stringify(member)} in ${JSON.stringify(key)} is compressed with ${name}; only stored and Deflate members are unpacked. Re-create the zip with Deflate (zip -r, 7z -tzip -mm=Deflate), or compress the image with gzip, xz or zstd instead.`,
  };
}

const hex = (crc: number) => `0x${crc.toString(16).padStart(8, '0')}`;

/** Why a zip is corrupt: the reasons inside unpack-corrupt's message ("… is corrupt or truncated (<reason>)"). */
export const zipCorruption = {
  noEnd: () => 'no end-of-central-directory record',
  badZip64End: () => 'a bad zip64 end record',
  badDirectory: (size: number, offset: number) => `a central directory of ${size} bytes at ${offset}`,
  badDirectoryEntries: () => 'a bad central directory',
  /** The member's local header and data must lie before the central directory (§4.3.6). */
  outOfRange: (entry: ZipEntry, limit: number, what: string) =>
    `the member ${JSON.stringify(entry.name)} is said to start at byte ${entry.localHeaderOffset} with ${entry.compressedSize} bytes of data, past the ${what} at byte ${limit}`,
  noLocalHeader: (entry: ZipEntry) => `no local header for ${JSON.stringify(entry.name)} at byte ${entry.localHeaderOffset}`,
  headersDisagree: (entry: ZipEntry, how: string) => `the headers of ${JSON.stringify(entry.name)} disagree: ${how}`,
  wrongSize: (entry: ZipEntry, size: number) => `${JSON.stringify(entry.name)} inflates to ${size} bytes, its directory says ${entry.uncompressedSize}`,
  wrongCrc: (entry: ZipEntry, crc: number) => `the CRC-32 of ${JSON.stringify(entry.name)} is ${hex(crc)}, its directory says ${hex(entry.crc32)}: its bytes were damaged`,
} as const;
