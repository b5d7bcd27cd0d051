import { parseArgs, type ParseArgsConfig } from 'node:util';

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
