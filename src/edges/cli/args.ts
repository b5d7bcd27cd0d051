import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isRegionId } from '../../domain/jdcloud-rules/index.js';

/** A command line that does not fit the command: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parses a command's arguments; `positionals` is [min, max] count. Throws UsageError. */
export function parseCliArgs(argv: string[], options: OptionSpec, positionals: readonly [number, number]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const [min, max] = positionals;
  if (parsed.values.help !== true && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(
      min === max
        ? `Expected ${min} argument${min === 1 ? '' : 's'}, got ${parsed.positionals.length}.`
        : `Expected ${min} to ${max} arguments, got ${parsed.positionals.length}.`,
    );
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

type OptionValue = ParsedArgs['values'][string];

/** A whole-number option in [min, max]; undefined when not given. Throws UsageError. */
export function wholeNumberOption(value: OptionValue, name: string, min: number, max: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} "${value}" is not allowed: use a whole number from ${min} to ${max}.`);
  }
  return number;
}

/** A positive number option (may be fractional, e.g. a rate); undefined when not given. */
export function positiveNumberOption(value: OptionValue, name: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`--${name} "${value}" is not allowed: use a positive number.`);
  }
  return number;
}

/**
 * The environment with `--region` laid over JDCLOUD_REGION. A bad `--region` is a usage
 * error (exit 2); a bad JDCLOUD_REGION is a configuration error, reported by loadConfig.
 */
export function envWithRegionOption(args: ParsedArgs, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const region = args.values['region'];
  if (typeof region !== 'string') return env;
  if (!isRegionId(region)) throw new UsageError(`--region ${JSON.stringify(region)} is not a JD Cloud region id; use the form cn-north-1.`);
  return { ...env, JDCLOUD_REGION: region };
}
