import { parseCliArgs, UsageError } from './args.js';
import { printJsonError, stdio, type CliIo } from './io.js';
import { cliCommands } from './commands/index.js';
import { exitCodes } from './exit-codes.js';

const usage = `Usage: oss-image-import <command> [options]

Commands:
${cliCommands.map((command) => `  ${command.usage}\n      ${command.summary}`).join('\n')}

Exit codes: 0 done, 1 operational failure, 2 usage error, 3 input rejected.
`;

/** Runs one command line and returns its exit code; never calls process.exit. */
export async function runCli(argv: string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage);
    return exitCodes.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage);
    return exitCodes.done;
  }
  const command = cliCommands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`Unknown command "${name}".\n\n${usage}`);
    return exitCodes.usage;
  }
  try {
    const args = parseCliArgs(rest, command.options, command.positionals);
    if (args.values['help'] === true) {
      io.out(`Usage: oss-image-import ${command.usage}\n\n${command.summary}\n`);
      return exitCodes.done;
    }
    return await command.run(args, io);
  } catch (error) {
    const usageError = error instanceof UsageError;
    const message = error instanceof Error ? error.message : String(error);
    io.err(usageError ? `${message}\nUsage: oss-image-import ${command.usage}\n` : `${message}\n`);
    // A script reading --json output still gets one document when the command fails.
    if (rest.includes('--json')) printJsonError(io, error instanceof Error ? error.name : 'Error', message);
    return usageError ? exitCodes.usage : exitCodes.failed;
  }
}
