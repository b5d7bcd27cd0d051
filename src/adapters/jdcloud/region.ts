import { isRegionId, knownRegionIds } from '../../domain/jdcloud-rules/index.js';
import { JdCloudConfigError } from './errors.js';

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
