import { Command, Option } from 'commander';
import type { ParsedArgs } from './args.js';
import type { CliCommand, CliOption } from './commands/command.js';
import { usageLine } from './commands/command.js';
import { environmentHelpText } from './environment-help.js';
import type { CliIo } from './io.js';

const exitCodesHelp = 'Exit codes: 0 done, 1 operational failure, 2 usage error (a bad flag or variable), 3 input rejected.';

/** What running a command line came to, filled in as commander parses and runs it. */
export interface ProgramState {
  /** The sub-command named on the line, once commander has found it. */
  command?: CliCommand | undefined;
  exitCode: number;
}

/** `--concurrency <N>` → `concurrency`: the key of the option's value in ParsedArgs. */
function optionKey(option: CliOption): string {
  return /--([a-z0-9-]+)/.exec(option.flags)?.[1] ?? option.flags;
}

function commanderOption(declared: CliOption): Option {
  const option = new Option(declared.flags, declared.description);
  const flag = `--${optionKey(declared)}`;
  const parse = declared.parse ?? ((text: string) => text);
  if (declared.repeatable === true) option.argParser((text: string, previous: unknown) => [...((previous as unknown[] | undefined) ?? []), parse(text, flag)]);
  else if (declared.parse !== undefined) option.argParser((text: string) => parse(text, flag));
  if (declared.default !== undefined) option.default(declared.default);
  return option;
}

function helpAfter(declared: CliCommand, width: number): string {
  const examples = declared.examples.map((example) => `  $ oss-image-import ${example}`).join('\n');
  return `\n${environmentHelpText(declared.environment, declared.defaultLogLevel, width)}\nExamples:\n${examples}\n\n${exitCodesHelp}\n`;
}

/** `backfill s3://bucket[/prefix]`: a command and its arguments, for the list of commands. */
function commandTerm(declared: CliCommand): string {
  return [declared.name, ...declared.arguments.map((argument) => (argument.required ? argument.usage : `[${argument.usage}]`))].join(' ');
}

/**
 * The `oss-image-import` parser (commander) built from the command declarations: usage, options
 * with defaults, did-you-mean for commands and options, `help <command>` and `--version`.
 * Built afresh for each command line: it holds that line's values.
 */
export function buildProgram(commands: readonly CliCommand[], version: string, io: CliIo, state: ProgramState): Command {
  const width = io.columns ?? 100;
  const program = new Command('oss-image-import')
    .usage('<command> [options]')
    .description('Upload a disk image to a JD Cloud OSS bucket; get a private VM image.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', "show a command's options, environment and examples")
    // Settings sub-commands inherit: set before they are added.
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text), outputError: () => undefined })
    .configureHelp({
      helpWidth: width,
      subcommandTerm: (command) => {
        const declared = commands.find((candidate) => candidate.name === command.name());
        return declared === undefined ? `${command.name()} ${command.usage()}` : commandTerm(declared);
      },
    })
    .addHelpText('after', `\n${exitCodesHelp}\nRun "oss-image-import help <command>" for its options, environment and examples.\n`);

  for (const declared of commands) {
    const command = program
      .command(declared.name)
      .summary(declared.summary)
      .description(declared.description ?? declared.summary)
      .usage(usageLine(declared).slice(declared.name.length + 1))
      .addHelpText('after', helpAfter(declared, width));
    for (const argument of declared.arguments) command.argument(argument.required ? `<${argument.name}>` : `[${argument.name}]`, argument.description);
    for (const option of declared.options) command.addOption(commanderOption(option));
    command.hook('preAction', () => {
      state.command = declared;
    });
    command.action(async () => {
      const values: ParsedArgs['values'] = {};
      for (const option of declared.options) values[optionKey(option)] = command.getOptionValue(new Option(option.flags).attributeName()) as ParsedArgs['values'][string];
      const positionals = (command.processedArgs as Array<string | undefined>).filter((value): value is string => value !== undefined);
      state.exitCode = await declared.run({ values, positionals }, io);
    });
  }
  program.hook('preSubcommand', (_program, sub) => {
    state.command = commands.find((declared) => declared.name === sub.name());
  });
  return program;
}
