/** The `diskFormat` values JD Cloud's `importImage` accepts. */
export const diskFormats = ['qcow2', 'vhd', 'vmdk', 'raw'] as const;
export type DiskFormat = (typeof diskFormats)[number];

/**
 * What the bytes of an object turned out to be. Everything but the four `DiskFormat`s is
 * recognised only so that it can be rejected with a precise message.
 * `ambiguous`: more than one format matched; `unknown`: nothing could be read (empty object).
 */
export type DetectedFormat =
  | DiskFormat
  | 'vhdx'
  | 'iso'
  | 'qcow'
  | 'qed'
  | 'vdi'
  | 'luks'
  | 'gzip'
  | 'xz'
  | 'zstd'
  | 'bzip2'
  | 'lz4'
  | '7z'
  | 'zip'
  | 'tar'
  | 'ambiguous'
  | 'unknown';

export function isDiskFormat(format: string): format is DiskFormat {
  return (diskFormats as readonly string[]).includes(format);
}
