// JD Cloud region ids, defined once (docs/reference/jdcloud-api.md §2.1).

/** Regions where the VM API is documented; others may exist. */
export const knownRegionIds = ['cn-north-1', 'cn-east-1', 'cn-east-2', 'cn-south-1'] as const;

/** JD region ids are `<country>-<area>-<n>`: `cn-north-1`, `cn-east-2`, and internal ones like `cn-func-2`. */
export const regionIdPattern = /^[a-z]{2}-[a-z]+-\d{1,2}$/;

export function isRegionId(value: string): boolean {
  return regionIdPattern.test(value);
}

/** A region the VM API is documented in (knownRegionIds): where a copy of an image may go. */
export function isDocumentedRegion(value: string): boolean {
  return (knownRegionIds as readonly string[]).includes(value);
}
