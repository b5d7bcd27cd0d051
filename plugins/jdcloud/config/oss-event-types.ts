/**
 * The OSS event types an fc trigger accepts (docs §3.3). JD writes the same names with
 * `oss:`, `s3:` or `OSS:` in front; we accept any of those (or none) in serverless.yml and
 * send the `oss:` form of the fc documentation's example.
 */
export const ossEventTypes = [
  'oss:ObjectCreated:*',
  'oss:ObjectCreated:Put',
  'oss:ObjectCreated:Post',
  'oss:ObjectCreated:Copy',
  'oss:ObjectCreated:CompleteMultipartUpload',
  'oss:ObjectRemoved:*',
  'oss:ObjectRemoved:Delete',
] as const;

export type OssEventType = (typeof ossEventTypes)[number];

/** Used when an `oss` event lists no `events`: every upload, whatever its API. */
export const defaultOssEventTypes: readonly OssEventType[] = ['oss:ObjectCreated:*'];

const bySuffix = new Map<string, OssEventType>(ossEventTypes.map((type) => [type.slice('oss:'.length).toLowerCase(), type]));

/** The canonical `oss:` form, or undefined when fc does not support the type. */
export function normalizeOssEventType(text: string): OssEventType | undefined {
  const suffix = text.trim().replace(/^(oss|s3):/i, '');
  return bySuffix.get(suffix.toLowerCase());
}

/** True when one upload can raise both types (`ObjectCreated:*` covers every `ObjectCreated:…`). */
export function ossEventTypesOverlap(a: OssEventType, b: OssEventType): boolean {
  if (a === b) return true;
  const [, familyA, actionA] = a.split(':');
  const [, familyB, actionB] = b.split(':');
  return familyA === familyB && (actionA === '*' || actionB === '*');
}
