import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PortInUseError } from '../../local/index.js';
import { numberValue, wholeNumber } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { cliLogger } from '../log-level.js';
import type { CliCommand } from './command.js';
import { devBanner } from './dev-banner.js';
import { demo, readDemoImage } from './dev-demo.js';
import { importLine, TaskProgress } from './dev-progress.js';

/** The [import] and [task] lines say what happened; JSON log lines only on request (LOG_LEVEL). */
const devLogLevel = 'silent';

const portFlags = { oss: '--oss-port', vm: '--vm-port' } as const;

/**
 * `dev` (what `npm start` runs): the local stack — an in-process OSS whose uploads trigger the
 * real pipeline, and the VM API emulator — with a demo upload, and every upload's task followed.
 */
export const devCommand: CliCommand = {
  name: 'dev',
  summary: 'Run the product on a local OSS and VM API emulator (npm start)',
  description:
    `Starts a local OSS (s3rver, bucket "${demo.bucket}", keys S3RVER / S3RVER) whose uploads run the real pipeline, and ` +
    'the VM API emulator; uploads a demo qcow2 and follows its import task, then follows every upload until Ctrl-C. ' +
    'It prints the commands to use it from another terminal (aws CLI, this CLI, serverless invoke local, serve).',
  arguments: [],
  options: [
    { flags: '--once', description: 'exit after the demo import ends (0 when it finished)' },
    { flags: '--oss-port <P>', description: 'port of the local OSS, 0 for a free one', default: 4569, parse: wholeNumber(0, 65535) },
    { flags: '--vm-port <P>', description: 'port of the VM API emulator, 0 for a free one', default: 9780, parse: wholeNumber(0, 65535) },
    { flags: '--task-step-ms <MS>', description: 'how long an emulated import task stays in each state', default: 1000, parse: wholeNumber(0, 60000) },
  ],
  environment: ['IMAGE_DEFAULT_*', 'LOG_LEVEL'],
  examples: ['dev', 'dev --once --oss-port 0 --vm-port 0'],
  defaultLogLevel: devLogLevel,
  async run(args, io) {
    // The SDK's notice that it will need Node 22 from 2027 concerns deployments, not this demo.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    const logger = cliLogger(io.env, devLogLevel);
    // Loaded here: the local stack needs s3rver, a development dependency.
    const { startDevStack } = await import('../../local/index.js');
    let progress: TaskProgress | undefined;
    const demoTask: { taskId?: string } = {};
    let stack;
    try {
      stack = await startDevStack({
        bucket: demo.bucket,
        region: demo.region,
        ossPort: numberValue(args, 'oss-port'),
        vmPort: numberValue(args, 'vm-port'),
        taskStepMs: numberValue(args, 'task-step-ms'),
        env: io.env,
        logger,
        onSummary: (summary) => {
          for (const outcome of summary.outcomes) {
            io.err(importLine(outcome));
            if (outcome.outcome !== 'submitted') continue;
            if (outcome.key === demo.key) demoTask.taskId = outcome.taskId;
            void progress?.follow(outcome.taskId, `s3://${outcome.bucket}/${outcome.key}`);
          }
        },
      });
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      io.err(`${error.message} Stop what is using it, or choose another port with ${portFlags[error.server]} (0 picks a free one).\n`);
      return exitCodes.failed;
    }
    progress = new TaskProgress(stack, io.err, io.signal);
    io.err(devBanner(stack));
    try {
      const image = await readDemoImage();
      io.err(`Uploading the demo image s3://${stack.bucket}/${demo.key} (${image.length} bytes, metadata platform=Ubuntu os-version=22.04)…\n`);
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: demo.key, Body: image, Metadata: { ...demo.metadata } }));
      await stack.settled();
      if (demoTask.taskId === undefined) {
        io.err('The demo import was not submitted; see the lines above.\n');
        return exitCodes.failed;
      }
      const ended = await progress.follow(demoTask.taskId, `s3://${stack.bucket}/${demo.key}`);
      if (args.values['once'] === true) return ended === 'finished' ? exitCodes.done : exitCodes.failed;
      io.err('\nWaiting for uploads; each one is followed to the end. Ctrl-C stops.\n');
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return exitCodes.done;
    } finally {
      io.err('Stopping the local stack…\n');
      await progress.settled();
      await stack.stop();
    }
  },
};
