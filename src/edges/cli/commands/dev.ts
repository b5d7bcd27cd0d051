import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createLogger } from '../../../kernel/index.js';
import { packageRoot } from '../../local/index.js';
import type { EventSummary } from '../../../use-cases/importing/index.js';
import { exitCodes } from '../exit-codes.js';
import { wholeNumberOption } from '../args.js';
import type { CliCommand } from './command.js';

const sampleKey = 'ubuntu-22.04.qcow2';
const sampleMetadata = { platform: 'Ubuntu', 'os-version': '22.04' };


/**
 * `dev` (what `npm start` runs): the local stack — an in-process OSS whose uploads trigger the
 * real pipeline, and the VM API emulator — with a demo upload and its task followed to the end.
 */
export const devCommand: CliCommand = {
  name: 'dev',
  usage: 'dev [--once] [--oss-port P] [--vm-port P] [--task-step-ms MS]',
  summary: 'Run the product on a local OSS and VM API emulator (npm start)',
  options: { once: { type: 'boolean' }, 'oss-port': { type: 'string' }, 'vm-port': { type: 'string' }, 'task-step-ms': { type: 'string' } },
  positionals: [0, 0],
  async run(args, io) {
    const ossPort = wholeNumberOption(args.values['oss-port'], 'oss-port', 0, 65535) ?? 4569;
    const vmPort = wholeNumberOption(args.values['vm-port'], 'vm-port', 0, 65535) ?? 9780;
    // How long the emulated import stays in each state: a second reads well in a demo.
    const taskStepMs = wholeNumberOption(args.values['task-step-ms'], 'task-step-ms', 0, 60000) ?? 1000;
    // The SDK's notice that it will need Node 22 from 2027 concerns deployments, not this demo.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    // Loaded here: the local stack needs s3rver, a development dependency.
    const { startDevStack } = await import('../../local/index.js');
    const logger = createLogger({ level: io.env['LOG_LEVEL'] ?? 'warn' });
    const summaries: EventSummary[] = [];
    const stack = await startDevStack({
      ossPort,
      vmPort,
      taskStepMs,
      env: io.env,
      logger,
      onSummary: (summary) => {
        summaries.push(summary);
        for (const outcome of summary.outcomes) {
          const detail =
            outcome.outcome === 'submitted' || outcome.outcome === 'duplicate'
              ? `image ${outcome.imageId ?? '?'}, task ${outcome.taskId ?? '?'}`
              : outcome.outcome === 'rejected'
                ? outcome.problems.map((problem) => problem.message).join(' ')
                : outcome.outcome === 'not-found'
                  ? 'the object does not exist'
                  : outcome.error;
          io.err(`[import] s3://${outcome.bucket}/${outcome.key}: ${outcome.outcome} — ${detail}\n`);
        }
      },
    });
    io.err(
      [
        'oss-image-import local stack is up.',
        `  local OSS (S3 API, s3rver):  ${stack.ossEndpoint}   bucket "${stack.bucket}"`,
        `  VM API emulator (JDCLOUD2):  ${stack.vmEndpoint}   region ${stack.region}`,
        '',
        'Upload an image from another terminal (qemu-img create -f qcow2 my.qcow2 10G):',
        `  curl -sS -X PUT --upload-file my.qcow2 -H 'x-amz-meta-platform: Ubuntu' -H 'x-amz-meta-os-version: 22.04' ${stack.ossEndpoint}/${stack.bucket}/my.qcow2`,
        'Use the CLI against it:',
        `  export JDCLOUD_ACCESS_KEY_ID=S3RVER JDCLOUD_SECRET_ACCESS_KEY=S3RVER OSS_ENDPOINT=${stack.ossEndpoint} JDCLOUD_VM_ENDPOINT=${stack.vmEndpoint}`,
        `  npx oss-image-import plan s3://${stack.bucket}/my.qcow2`,
        `  npx oss-image-import tasks`,
        '',
      ].join('\n'),
    );

    try {
      const sample = gunzipSync(await readFile(join(packageRoot(), 'samples', 'demo-disk.qcow2.gz')));
      io.err(`Uploading the demo image s3://${stack.bucket}/${sampleKey} (${sample.length} bytes, metadata platform=Ubuntu os-version=22.04)…\n`);
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: sampleKey, Body: sample, Metadata: sampleMetadata }));
      await stack.settled();
      const submitted = summaries.flatMap((summary) => summary.outcomes).find((outcome) => outcome.key === sampleKey && outcome.outcome === 'submitted');
      if (submitted === undefined || submitted.outcome !== 'submitted') {
        io.err('The demo import was not submitted; see the lines above.\n');
        return exitCodes.failed;
      }
      const status = await followTask(stack, submitted.taskId, io.err, io.signal);
      if (args.values['once'] === true) return status === 'finished' ? exitCodes.done : exitCodes.failed;
      io.err('\nWaiting for uploads. Ctrl-C stops.\n');
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return exitCodes.done;
    } finally {
      io.err('Stopping the local stack…\n');
      await stack.stop();
    }
  },
};

type Stack = Awaited<ReturnType<typeof import('../../local/index.js').startDevStack>>;

/** Polls imageTasks until the task ends, printing each change of status or progress. */
async function followTask(stack: Stack, taskId: string, print: (text: string) => void, signal: AbortSignal): Promise<string> {
  let last = '';
  for (let polls = 0; polls < 120 && !signal.aborted; polls++) {
    const { tasks } = await stack.vm.describeImageTasks(stack.region, { taskIds: [taskId] });
    const task = tasks[0];
    if (task !== undefined) {
      // A line when the status changes or progress passes a quarter: a demo, not a flood.
      const quarter = Math.floor(task.progress / 25);
      const key = `${task.taskStatus}/${quarter}`;
      if (key !== last) {
        print(`[task ${taskId}] ${task.taskStatus} ${task.progress}%${task.message !== '' ? ` — ${task.message}` : ''}\n`);
      }
      last = key;
      if (task.taskStatus === 'finished' || task.taskStatus === 'failed') return task.taskStatus;
    }
    await sleep(250);
  }
  return 'unfinished';
}
