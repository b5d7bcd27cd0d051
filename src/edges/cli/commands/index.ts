import { backfillCommand } from './backfill.js';
import type { CliCommand } from './command.js';
import { devCommand } from './dev.js';
import { importCommand } from './import.js';
import { inspectCommand } from './inspect.js';
import { planCommand } from './plan.js';
import { statusCommand } from './status.js';
import { serveCommand } from './serve.js';
import { tasksCommand } from './tasks.js';

/** Every sub-command, in the order `--help` lists them. */
export const cliCommands: CliCommand[] = [inspectCommand, planCommand, importCommand, backfillCommand, statusCommand, tasksCommand, serveCommand, devCommand];
