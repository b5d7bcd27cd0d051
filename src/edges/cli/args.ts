import { isRegionId } from '../../domain/jdcloud-rules/index.js';

/** A command line that does not fit the command: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionValue = string | boolean | number | string[] | undefined;

/** A command's arguments after parsing: option values by flag name (`dry-run`), then the positionals. */
export interface ParsedArgs {
  values: Record<string, OptionValue>;
  positionals: string[];
}

/** An option parser for a whole number in [min, max]. Throws UsageError naming the flag. */
export function wholeNumber(min: number, max: number): (text: string, flag: string) => number {
  return (text, flag) => {
    const number = Number(text);
    if (text.trim() === '' || !Number.isInteger(number) || number < min || number > max) {
      throw new UsageError(`${flag} "${text}" is not allowed: use a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

/** An option parser for a positive number (may be fractional, e.g. a rate). */
export function positiveNumber(text: string, flag: string): number {
  const number = Number(text);
  if (text.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`${flag} "${text}" is not allowed: use a positive number.`);
  }
  return number;
}

/** The option parser of `--region`: a bad flag is a usage error, as a bad JDCLOUD_REGION is. */
export function regionId(text: string, flag: string): string {
  if (!isRegionId(text)) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a JD Cloud region id; use the form cn-north-1.`);
  return text;
}

/** A number option that has a default; the declarations guarantee it is set. */
export function numberValue(args: ParsedArgs, name: string): number {
  const value = args.values[name];
  if (typeof value !== 'number') throw new TypeError(`option --${name} has no number value`);
  return value;
}

/** The environment with `--region` laid over JDCLOUD_REGION. */
export function envWithRegionOption(args: ParsedArgs, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const region = args.values['region'];
  return typeof region === 'string' ? { ...env, JDCLOUD_REGION: region } : env;
}
