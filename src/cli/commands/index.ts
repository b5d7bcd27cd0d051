import type { CliCommand } from './command.js';

/** Every sub-command, in the order `--help` lists them. */
export const cliCommands: CliCommand[] = [];
