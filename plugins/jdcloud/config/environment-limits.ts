import type { Problem } from '../../../src/kernel/index.js';
import { fcLimits, reservedEnvironmentNames, reservedEnvironmentPrefixes } from '../../../src/domain/jdcloud-rules/index.js';

/**
 * Checks a function's merged environment (provider + function) against what fc documents: at
 * most 50 pairs, none named like the platform's own (docs/reference/jdcloud-api.md §3.2). The
 * legacy Function Service's name and value lengths are not fc's and are not checked. Messages
 * name the variable but never its value: values often hold credentials.
 */
export function environmentProblems(field: string, environment: Readonly<Record<string, string>>): Problem[] {
  const problems: Problem[] = [];
  const names = Object.keys(environment);
  if (names.length > fcLimits.maxEnvironmentVariables) {
    problems.push({
      code: 'too-many-environment-variables',
      field,
      value: String(names.length),
      message: `${field} has ${names.length} variables; fc allows at most ${fcLimits.maxEnvironmentVariables}. Remove some, or combine related settings into one variable.`,
    });
  }
  for (const name of names) {
    const at = `${field}.${name}`;
    const reservedPrefix = reservedEnvironmentPrefixes.find((prefix) => name.toUpperCase().startsWith(prefix));
    if (reservedPrefix !== undefined || (reservedEnvironmentNames as readonly string[]).includes(name.toUpperCase())) {
      problems.push({
        code: 'reserved-environment-name',
        field: at,
        value: name,
        message: `${at}: "${name}" is reserved by the platform (${reservedPrefix !== undefined ? `names starting ${reservedPrefix}` : name.toUpperCase()}); rename the variable.`,
      });
    }
  }
  return problems;
}
