import type { Problem } from '../../../src/kernel/index.js';
import { fcLimits, fcResourceNamePattern } from '../../../src/domain/jdcloud-rules/index.js';

/** fc service, function and trigger names (docs/reference/jdcloud-api.md §3.2). */
export function resourceNameProblem(field: string, name: string, what: string): Problem | undefined {
  if (fcResourceNamePattern.test(name)) return undefined;
  return {
    code: 'invalid-resource-name',
    field,
    value: name,
    message: `${field}: "${name}" cannot be an fc ${what} name: use at most ${fcLimits.maxResourceNameLength} letters, digits, "_", "-" or Chinese characters.`,
  };
}
