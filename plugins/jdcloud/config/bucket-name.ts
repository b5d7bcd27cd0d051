import type { Problem } from '../../../src/kernel/problem.js';

/**
 * JD OSS bucket names (docs.jdcloud.com object-storage-service "basic concepts"): 3–63
 * characters of lower-case letters, digits and `-`, starting and ending with a letter or digit,
 * with no `--`. Returns the problem, or undefined when the name is valid.
 */
export function bucketNameProblem(field: string, name: string): Problem | undefined {
  const rules: [boolean, string][] = [
    [name.length >= 3 && name.length <= 63, 'it must be 3 to 63 characters long'],
    [/^[a-z0-9-]*$/.test(name), 'it may contain only lower-case letters, digits and "-"'],
    [/^[a-z0-9]/.test(name) && /[a-z0-9]$/.test(name), 'it must start and end with a lower-case letter or digit'],
    [!name.includes('--'), 'it must not contain "--"'],
  ];
  const broken = rules.filter(([ok]) => !ok).map(([, rule]) => rule);
  if (broken.length === 0) return undefined;
  return {
    code: 'invalid-bucket-name',
    field,
    value: name,
    message: `${field}: "${name}" is not a valid OSS bucket name: ${broken.join('; ')}. Use the name of an existing bucket in the provider region.`,
  };
}
