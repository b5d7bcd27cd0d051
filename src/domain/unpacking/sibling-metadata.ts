// The sibling object carries the upload's user metadata, plus where it was unpacked from (so
// its own import links back, and a later unpack recognises it) and the OVF's OS hint. Values
// are header-safe: the source key is percent-encoded.

/** Metadata names (x-amz-meta-…) the unpacking step writes on a sibling. */
export const siblingMetadataNames = {
  source: 'unpacked-from',
  sourceEtag: 'unpacked-from-etag',
  /** The OVF's platform only: os-type follows whichever platform wins (user metadata and tags outrank the hint). */
  ovfPlatform: 'ovf-platform',
} as const;

export interface SiblingSource {
  key: string;
  etag: string;
}

/** The sibling's metadata: the user's, then ours (the user's copies of our names are dropped). */
export function siblingMetadata(userMetadata: Record<string, string>, source: SiblingSource, hints: Record<string, string> = {}): Record<string, string> {
  // Made here, not at load: only unpacking (a file loaded lazily) writes a sibling's metadata.
  const ours = new Set<string>(Object.values(siblingMetadataNames));
  const metadata = Object.fromEntries(Object.entries(userMetadata).filter(([name]) => !ours.has(name.toLowerCase())));
  metadata[siblingMetadataNames.source] = encodeURIComponent(source.key);
  metadata[siblingMetadataNames.sourceEtag] = source.etag;
  if (hints['platform'] !== undefined) metadata[siblingMetadataNames.ovfPlatform] = hints['platform'];
  return metadata;
}

/** Where an object was unpacked from, read from its metadata; undefined for ordinary uploads. */
export function unpackedFromOf(metadata: Record<string, string>): SiblingSource | undefined {
  const key = metadata[siblingMetadataNames.source];
  const etag = metadata[siblingMetadataNames.sourceEtag];
  if (key === undefined || etag === undefined) return undefined;
  try {
    return { key: decodeURIComponent(key), etag };
  } catch {
    return undefined;
  }
}

/**
 * The OVF's OS hint carried by a sibling, by metadata field name: `platform` only. An
 * `ovf-os-type` written by an earlier version is ignored, so it cannot contradict the user's platform.
 */
export function ovfHintsOf(metadata: Record<string, string>): Record<string, string> {
  const platform = metadata[siblingMetadataNames.ovfPlatform];
  return platform === undefined ? {} : { platform };
}
