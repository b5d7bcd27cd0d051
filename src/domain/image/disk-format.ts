import type { DiskFormat } from '../jdcloud-rules/index.js';

/**
 * What the bytes of an object turned out to be. Everything but the four `DiskFormat`s is
 * recognised only so that it can be rejected with a precise message.
 * `ambiguous`: more than one format matched; `unknown`: nothing could be read (empty object);
 * `text`: no format matched and the bytes are text, so no disk image at all.
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
  | 'text'
  | 'ambiguous'
  | 'unknown';
