import type { Problem } from '../../../src/kernel/index.js';
import { fcLimits, reservedEnvironmentNames, reservedEnvironmentPrefixes } from '../../../src/domain/jdcloud-rules/index.js';

const namePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Checks a function's merged environment (provider + function) against fc's limits. Messages
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
    if (!namePattern.test(name) || Buffer.byteLength(name) > fcLimits.maxEnvironmentNameBytes) {
      problems.push({
        code: 'invalid-environment-name',
        field: at,
        value: name,
        message: `${at}: "${name}" is not a valid variable name: start with a letter, then use letters, digits and "_", at most ${fcLimits.maxEnvironmentNameBytes} bytes.`,
      });
      continue;
    }
    const reservedPrefix = reservedEnvironmentPrefixes.find((prefix) => name.toUpperCase().startsWith(prefix));
    if (reservedPrefix !== undefined || (reservedEnvironmentNames as readonly string[]).includes(name.toUpperCase())) {
      problems.push({
        code: 'reserved-environment-name',
        field: at,
        value: name,
        message: `${at}: "${name}" is reserved by the platform (${reservedPrefix !== undefined ? `names starting ${reservedPrefix}` : name.toUpperCase()}); rename the variable.`,
      });
    }
    const bytes = Buffer.byteLength(environment[name] ?? '');
    if (bytes > fcLimits.maxEnvironmentValueBytes) {
      problems.push({
        code: 'environment-value-too-long',
        field: at,
        value: `${bytes} bytes`,
        message: `${at}: the value is ${bytes} bytes; fc allows at most ${fcLimits.maxEnvironmentValueBytes} bytes per value. Shorten it, or store it elsewhere (e.g. an object in the bucket) and pass its location.`,
      });
    }
  }
  return problems;
}
