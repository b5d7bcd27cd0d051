import { envWithRegionOption, UsageError } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { createJdCloudClient, createVmApi, type ImageTask, listImageTasks, loadCredentials } from '../../../adapters/jdcloud/index.js';
import { loadConfig } from '../../../use-cases/config/index.js';
import type { CliCommand } from './command.js';

/** imageTasks takes at most 100 `taskIds.N` a call. */
const maxTaskIds = 100;
// Stop long before an endless listing could loop forever.
const maxPages = 100;

function printTable(io: CliIo, region: string, tasks: ImageTask[]): void {
  if (tasks.length === 0) {
    io.out(`No import tasks in ${region}.\n`);
    return;
  }
  const rows = [
    ['TASK ID', 'STATUS', 'PROGRESS', 'IMAGE', 'CREATED', 'MESSAGE'],
    ...tasks.map((task) => [
      task.taskId,
      task.taskStatus,
      `${task.progress}%`,
      task.imageId ?? '',
      task.createdTime ?? '',
      task.message,
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) {
    io.out(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()}\n`);
  }
}

/** `tasks`: import tasks with id, status, progress and message, from the VM API. */
export const tasksCommand: CliCommand = {
  name: 'tasks',
  usage: 'tasks [--task-id ID]... [--region R] [--json]',
  summary: 'List image import tasks with status, progress and message',
  options: { 'task-id': { type: 'string', multiple: true }, region: { type: 'string' }, json: { type: 'boolean' } },
  positionals: [0, 0],
  async run(args, io) {
    const env = envWithRegionOption(args, io.env);
    const taskIds = (args.values['task-id'] as string[] | undefined) ?? [];
    const badId = taskIds.find((id) => !/^[A-Za-z0-9_-]+$/.test(id));
    if (badId !== undefined) throw new UsageError(`--task-id ${JSON.stringify(badId)} is not a task id such as 794.`);
    if (taskIds.length > maxTaskIds) throw new UsageError(`${taskIds.length} --task-id values given; imageTasks takes at most ${maxTaskIds} a call.`);

    const { region, vmEndpoint: endpoint } = loadConfig(env);
    const credentials = loadCredentials(env);

    const client = createJdCloudClient({ endpoint, service: 'vm', credentials });
    try {
      // Task messages and image URLs come back redacted from the VM API (describe-image-tasks.ts).
      const { tasks, totalCount } = await listImageTasks(createVmApi(client), region, { taskIds, maxPages });
      const notFound = taskIds.filter((id) => !tasks.some((task) => task.taskId === id));
      if (args.values['json'] === true) {
        io.out(`${JSON.stringify({ region, totalCount, tasks, notFound }, null, 2)}\n`);
      } else {
        printTable(io, region, tasks);
      }
      if (notFound.length > 0) {
        io.err(`No import task with id ${notFound.join(', ')} in ${region}.\n`);
        return exitCodes.failed;
      }
      return exitCodes.done;
    } finally {
      await client.close();
    }
  },
};
