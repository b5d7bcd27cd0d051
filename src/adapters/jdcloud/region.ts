import { JdCloudConfigError } from './errors/jdcloud-config-error.js';

/** Regions where the VM API is documented (docs/reference/jdcloud-api.md §2.1); others may exist. */
export const knownRegionIds = ['cn-north-1', 'cn-east-1', 'cn-east-2', 'cn-south-1'] as const;

/** JD region ids are `<country>-<area>-<n>`: `cn-north-1`, `cn-east-2`, and internal ones like `cn-func-2`. */
export const regionIdPattern = /^[a-z]{2}-[a-z]+-\d{1,2}$/;

export function isRegionId(value: string): boolean {
  return regionIdPattern.test(value);
}

/** Returns the region id, or throws JdCloudConfigError naming the field, the value and the form expected. */
export function checkRegionId(value: string, field = 'regionId'): string {
  if (!isRegionId(value)) {
    throw new JdCloudConfigError(
      field,
      `${field} ${JSON.stringify(value)} is not a JD Cloud region id; expected the form cn-north-1 ` +
        `(documented regions: ${knownRegionIds.join(', ')}).`,
    );
  }
  return value;
}
