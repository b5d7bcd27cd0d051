import { type OptionValue, type ParsedArgs, regionId } from '../args.js';
import type { EnvironmentName } from '../environment-help.js';
import type { CliIo } from '../io.js';

/** One option of a command, e.g. `{ flags: '--concurrency <N>', description: 'objects at once', default: 4, parse: wholeNumber(1, 64) }`. */
export interface CliOption {
  /** As typed, with the value's placeholder: `--concurrency <N>`; a flag without one is a switch. */
  flags: string;
  description: string;
  /** Used when the option is absent; `--help` shows it. */
  default?: OptionValue;
  /** Turns the text into the value; throws UsageError naming the flag. */
  parse?: (text: string, flag: string) => OptionValue;
  /** May be given more than once; the values are collected in order. */
  repeatable?: boolean;
}

/** A positional argument: `{ name: 'location', usage: 's3://bucket/key', description, required: true }`. */
export interface CliArgument {
  name: string;
  /** How the usage line writes it. */
  usage: string;
  description: string;
  required: boolean;
}

/** One sub-command of `oss-image-import`, declared; src/edges/cli/program.ts turns it into a parser. */
export interface CliCommand {
  name: string;
  /** One line, for the command list. */
  summary: string;
  /** More about it, for the command's own `--help`; the summary when absent. */
  description?: string;
  arguments: CliArgument[];
  options: CliOption[];
  /** The variables it reads, described in `--help` (src/edges/cli/environment-help.ts). */
  environment: EnvironmentName[];
  /** Command lines for `--help`, without the leading `oss-image-import`. */
  examples: string[];
  /** LOG_LEVEL when it is unset, for commands that log. */
  defaultLogLevel?: string;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** `--json`: one document on stdout. */
export const jsonOption: CliOption = { flags: '--json', description: 'print one JSON document on stdout (logs and errors go to stderr)' };

/** `--region`: laid over JDCLOUD_REGION, and checked the same way. */
export const regionOption: CliOption = { flags: '--region <R>', description: 'JD Cloud region id, e.g. cn-north-1 (overrides JDCLOUD_REGION)', parse: regionId };

/** The usage line: `backfill s3://bucket[/prefix] [--concurrency N] … [--json]`. */
export function usageLine(command: Pick<CliCommand, 'name' | 'arguments' | 'options'>): string {
  const positionals = command.arguments.map((argument) => (argument.required ? argument.usage : `[${argument.usage}]`));
  const options = command.options.map((option) => `[${option.flags.replace(/<([^>]+)>/g, '$1')}]${option.repeatable === true ? '...' : ''}`);
  return [command.name, ...positionals, ...options].join(' ');
}
