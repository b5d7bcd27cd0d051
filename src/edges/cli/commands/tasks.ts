import { envWithRegionOption, UsageError } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { renderTextTable } from '../text-table.js';
import { createJdCloudClient, createVmApi, type ImageTask, listImageTasks, loadCredentials } from '../../../adapters/jdcloud/index.js';
import { loadConfig } from '../../../use-cases/config/index.js';
import { type CliCommand, jsonOption, regionOption } from './command.js';

/** imageTasks takes at most 100 `taskIds.N` a call. */
const maxTaskIds = 100;
// Stop long before an endless listing could loop forever.
const maxPages = 100;

/** JD's task ids are integers (docs/reference/jdcloud-api.md §2.3, `taskIds` integer[]): refused here, not by a 400. */
function taskId(text: string, flag: string): string {
  if (!/^\d{1,19}$/.test(text)) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a task id: JD's task ids are whole numbers such as 794.`);
  return text;
}

/**
 * JD writes task times as `2020-07-02 17:34:44` with no zone (docs §2.3); they are China
 * Standard Time (UTC+8), as the console shows them. Printed as UTC ISO 8601 so nobody has to guess.
 */
function taskTimeUtc(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text);
  if (match === null) return text;
  const time = new Date(`${match[1]}T${match[2]}+08:00`);
  return Number.isNaN(time.getTime()) ? text : time.toISOString().replace('.000Z', 'Z');
}

function printTable(io: CliIo, region: string, tasks: ImageTask[]): void {
  if (tasks.length === 0) {
    io.out(`No import tasks in ${region}.\n`);
    return;
  }
  const columns = [{ title: 'TASK ID' }, { title: 'STATUS' }, { title: 'PROGRESS' }, { title: 'IMAGE' }, { title: 'CREATED (UTC)' }, { title: 'MESSAGE', cut: 'end' as const }];
  const rows = tasks.map((task) => [task.taskId, task.taskStatus, `${task.progress}%`, task.imageId ?? '', taskTimeUtc(task.createdTime), task.message]);
  io.out(renderTextTable(columns, rows, io.isTty ? io.columns : undefined));
}

/** `tasks`: import tasks with id, status, progress and message, from the VM API. */
export const tasksCommand: CliCommand = {
  name: 'tasks',
  summary: 'List image import tasks with status, progress and message',
  description:
    'Lists JD\'s image import tasks of the region (newest first) with status, progress, image, creation time in UTC and ' +
    'message; presigned URLs are redacted. --json keeps JD\'s own fields. Exit 1 when a --task-id is not found.',
  arguments: [],
  options: [
    { flags: '--task-id <ID>', description: `only this task (repeat for more, at most ${maxTaskIds})`, parse: taskId, repeatable: true },
    regionOption,
    jsonOption,
  ],
  environment: ['JDCLOUD_ACCESS_KEY_ID', 'JDCLOUD_SECRET_ACCESS_KEY', 'JDCLOUD_REGION', 'JDCLOUD_VM_ENDPOINT'],
  examples: ['tasks', 'tasks --task-id 794 --task-id 795 --json'],
  async run(args, io) {
    const env = envWithRegionOption(args, io.env);
    const taskIds = (args.values['task-id'] as string[] | undefined) ?? [];
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
