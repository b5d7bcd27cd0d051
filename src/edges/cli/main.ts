import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { JdCloudConfigError } from '../../adapters/jdcloud/index.js';
import { ConfigError } from '../../use-cases/config/index.js';
import { packageRoot } from '../local/index.js';
import { UsageError } from './args.js';
import { cliCommands } from './commands/index.js';
import { type CliCommand, usageLine } from './commands/command.js';
import { exitCodes } from './exit-codes.js';
import { printJsonError, stdio, type CliIo } from './io.js';
import { buildProgram, type ProgramState } from './program.js';

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** A bad value, whether typed as a flag or set in the environment, is the same mistake: exit 2. */
function isUsageMistake(error: unknown): boolean {
  return error instanceof UsageError || error instanceof ConfigError || error instanceof JdCloudConfigError;
}

/** Too few or too many positional arguments, said as the CLI always has: `Expected 1 argument, got 0.` */
function argumentCountMessage(error: CommanderError, command: CliCommand | undefined): string | undefined {
  if (command === undefined) return undefined;
  let given: number;
  if (error.code === 'commander.missingArgument') {
    // commander names the first missing one; the ones before it were given.
    given = command.arguments.findIndex((argument) => error.message.includes(`'${argument.name}'`));
  } else if (error.code === 'commander.excessArguments') {
    given = Number(/got (\d+)/.exec(error.message)?.[1] ?? Number.NaN);
  } else {
    return undefined;
  }
  if (!Number.isInteger(given) || given < 0) return undefined;
  const min = command.arguments.filter((argument) => argument.required).length;
  const max = command.arguments.length;
  return min === max ? `Expected ${min} argument${min === 1 ? '' : 's'}, got ${given}.` : `Expected ${min} to ${max} arguments, got ${given}.`;
}

/** Runs one command line and returns its exit code; never calls process.exit. */
export async function runCli(argv: string[], io: CliIo = stdio): Promise<number> {
  const state: ProgramState = { exitCode: exitCodes.done };
  const program = buildProgram(cliCommands, packageVersion(), io, state);
  if (argv.length === 0) {
    io.err(program.helpInformation());
    return exitCodes.usage;
  }
  // `help imprt` is the same mistake as `imprt`: commander's answer to that one has the did-you-mean.
  const [first, second] = argv;
  const line = first === 'help' && second !== undefined && !cliCommands.some((command) => command.name === second) ? [second] : argv;
  try {
    await program.parseAsync(line, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    // Help and --version end with exit code 0: nothing went wrong.
    if (error instanceof CommanderError && error.exitCode === 0) return exitCodes.done;
    // commander has printed the help to stderr already (e.g. options but no command).
    if (error instanceof CommanderError && error.code === 'commander.help') return exitCodes.usage;
    const usage = state.command === undefined ? '<command> [options]' : usageLine(state.command);
    let message: string;
    if (error instanceof CommanderError) {
      // commander's own words, e.g. "error: unknown option '--dryrun'\n(Did you mean --dry-run?)".
      message = argumentCountMessage(error, state.command) ?? error.message.replace(/^error: /, '');
      io.err(`${message}\nUsage: oss-image-import ${usage}\n`);
    } else {
      message = error instanceof Error ? error.message : String(error);
      io.err(error instanceof UsageError ? `${message}\nUsage: oss-image-import ${usage}\n` : `${message}\n`);
    }
    // A script reading --json output still gets one document when the command fails.
    // commander's errors are usage errors like ours: one name for scripts to match.
    const name = error instanceof CommanderError ? 'UsageError' : error instanceof Error ? error.name : 'Error';
    if (argv.includes('--json')) printJsonError(io, name, message);
    return error instanceof CommanderError || isUsageMistake(error) ? exitCodes.usage : exitCodes.failed;
  }
}
