import type { OptionSpec, ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';

/** One sub-command of `oss-image-import`. */
export interface CliCommand {
  name: string;
  /** e.g. `plan s3://bucket/key [--json]` */
  usage: string;
  summary: string;
  options: OptionSpec;
  /** [min, max] number of positional arguments. */
  positionals: readonly [number, number];
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
