import { bucketNameRulesBroken } from '../../../src/domain/jdcloud-rules/index.js';
import type { Problem } from '../../../src/kernel/index.js';

/** JD OSS bucket names (src/domain/jdcloud-rules/oss.ts). Returns the problem, or undefined when the name is valid. */
export function bucketNameProblem(field: string, name: string): Problem | undefined {
  const broken = bucketNameRulesBroken(name);
  if (broken.length === 0) return undefined;
  return {
    code: 'invalid-bucket-name',
    field,
    value: name,
    message: `${field}: "${name}" is not a valid OSS bucket name: ${broken.join('; ')}. Use the name of an existing bucket in the provider region.`,
  };
}
