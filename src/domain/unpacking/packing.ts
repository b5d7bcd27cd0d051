// What a packed upload is from its name: a compressor, an archive, or both (`.tar.gz`). The
// bytes confirm it (packing-magic.ts); the name decides the sibling's name (sibling-key.ts).

/** Compressors we can stream: Node's zlib (gzip, and zstd on new Node majors) or a pure-JS/WASM decoder. */
export const codecs = ['gzip', 'xz', 'zstd', 'bzip2'] as const;
export type Codec = (typeof codecs)[number];

/** Containers of files: tar (also `.tar.gz` …), zip, OVA (a tar whose first member is the .ovf). */
export const archives = ['tar', 'zip', 'ova'] as const;
export type Archive = (typeof archives)[number];

export interface Packing {
  codec?: Codec;
  archive?: Archive;
  /** The suffix as spelt in the key, e.g. `.tar.GZ`. */
  suffix: string;
  /** The key without the suffix: `u/disk.qcow2.gz` → `u/disk.qcow2`. */
  stem: string;
}

/** Longest first: `.tar.gz` before `.gz`. Matched case-insensitively. */
const suffixes: ReadonlyArray<{ suffix: string; codec?: Codec; archive?: Archive }> = [
  { suffix: '.tar.gz', codec: 'gzip', archive: 'tar' },
  { suffix: '.tar.xz', codec: 'xz', archive: 'tar' },
  { suffix: '.tar.zst', codec: 'zstd', archive: 'tar' },
  { suffix: '.tar.bz2', codec: 'bzip2', archive: 'tar' },
  { suffix: '.tgz', codec: 'gzip', archive: 'tar' },
  { suffix: '.txz', codec: 'xz', archive: 'tar' },
  { suffix: '.gz', codec: 'gzip' },
  { suffix: '.xz', codec: 'xz' },
  { suffix: '.zst', codec: 'zstd' },
  { suffix: '.zstd', codec: 'zstd' },
  { suffix: '.bz2', codec: 'bzip2' },
  { suffix: '.zip', archive: 'zip' },
  { suffix: '.tar', archive: 'tar' },
  { suffix: '.ova', archive: 'ova' },
];

/** The packing a key's name claims, or undefined for every other key (images, `.lz4`, `.7z`, …). */
export function packingFromKey(key: string): Packing | undefined {
  const baseName = key.slice(key.lastIndexOf('/') + 1);
  const lower = baseName.toLowerCase();
  for (const entry of suffixes) {
    // A name that is only the suffix (`.gz`) has no stem to name the sibling after.
    if (lower.endsWith(entry.suffix) && lower.length > entry.suffix.length) {
      const suffix = key.slice(key.length - entry.suffix.length);
      return {
        ...(entry.codec !== undefined ? { codec: entry.codec } : {}),
        ...(entry.archive !== undefined ? { archive: entry.archive } : {}),
        suffix,
        stem: key.slice(0, key.length - entry.suffix.length),
      };
    }
  }
  return undefined;
}

/** True for keys the unpacking step handles before the import pipeline. */
export function isPackedKey(key: string): boolean {
  return packingFromKey(key) !== undefined;
}

/** Every suffix, lower-case: README's list and the deployed triggers are checked against it (test/unpacking/packed-suffixes.test.ts). */
export const packedSuffixes: readonly string[] = suffixes.map((entry) => entry.suffix);

/** "gzip-compressed", "zip archive", "xz-compressed tar archive", "OVA". */
export function describePacking(packing: Pick<Packing, 'codec' | 'archive'>): string {
  if (packing.archive === 'ova') return 'OVA';
  const archive = packing.archive === undefined ? undefined : `${packing.archive} archive`;
  if (packing.codec === undefined) return archive ?? 'file';
  return archive === undefined ? `${packing.codec}-compressed file` : `${packing.codec}-compressed ${archive}`;
}

/** The description with its article: "a gzip-compressed file", "an xz-compressed file", "an OVA". */
export function aPacking(packing: Pick<Packing, 'codec' | 'archive'>): string {
  const text = describePacking(packing);
  return `${/^(xz|ova|[aeio])/i.test(text) ? 'an' : 'a'} ${text}`;
}
