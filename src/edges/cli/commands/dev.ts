import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PortInUseError } from '../../local/index.js';
import { numberValue, wholeNumber } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { cliLogger } from '../log-level.js';
import type { CliCommand } from './command.js';
import { devBanner } from './dev-banner.js';
import { demo, readDemoImage } from './dev-demo.js';
import { DevFollowLines, devNotifyTarget } from './dev-follow.js';
import { importLine } from './dev-progress.js';
import { readStatusRecord } from '../../../adapters/oss/index.js';
import { statusRecordKey } from '../../../domain/status/index.js';

/** The [import] and [task] lines say what happened; JSON log lines only on request (LOG_LEVEL). */
const devLogLevel = 'silent';

const portFlags = { oss: '--oss-port', vm: '--vm-port' } as const;

/**
 * `dev` (what `npm start` runs): the local stack — an in-process OSS whose uploads trigger the
 * real pipeline, and the VM API emulator — with a demo upload, and every upload followed to its
 * end in-process (ready, copies, share, notifications to a local receiver), as serve does.
 */
export const devCommand: CliCommand = {
  name: 'dev',
  summary: 'Run the product on a local OSS and VM API emulator (npm start)',
  description:
    `Starts a local OSS (s3rver, bucket "${demo.bucket}", keys S3RVER / S3RVER) whose uploads run the real pipeline, and ` +
    'the VM API emulator; uploads a demo qcow2 (copied to cn-east-2 and cn-south-1, shared with two pins) and follows it to ' +
    'the end — ready, copies, share, notifications (to a receiver on loopback unless IMAGE_NOTIFY_URL is set) —, then ' +
    'follows every upload until Ctrl-C. ' +
    'It prints the commands to use it from another terminal (aws CLI, this CLI, serverless invoke local, serve).',
  arguments: [],
  options: [
    { flags: '--once', description: 'exit after the demo is followed to its end (0 when it is ready, copied and shared)' },
    { flags: '--oss-port <P>', description: 'port of the local OSS, 0 for a free one', default: 4569, parse: wholeNumber(0, 65535) },
    { flags: '--vm-port <P>', description: 'port of the VM API emulator, 0 for a free one', default: 9780, parse: wholeNumber(0, 65535) },
    { flags: '--task-step-ms <MS>', description: 'how long an emulated import task stays in each state', default: 1000, parse: wholeNumber(0, 60000) },
  ],
  environment: ['IMAGE_DEFAULT_*', 'IMAGE_NOTIFY_URL', 'IMAGE_NOTIFY_SECRET', 'LOG_LEVEL'],
  examples: ['dev', 'dev --once --oss-port 0 --vm-port 0'],
  defaultLogLevel: devLogLevel,
  async run(args, io) {
    // The SDK's notice that it will need Node 22 from 2027 concerns deployments, not this demo.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    const logger = cliLogger(io.env, devLogLevel);
    // Loaded here: the local stack needs s3rver, a development dependency.
    const { startDevStack } = await import('../../local/index.js');
    const lines = new DevFollowLines(io.err);
    const taskStepMs = numberValue(args, 'task-step-ms');
    // The follower polls on the emulator's time scale.
    const step = Math.max(50, taskStepMs);
    let notify: Awaited<ReturnType<typeof devNotifyTarget>> | undefined;
    let stack;
    try {
      notify = await devNotifyTarget(io.env, lines);
      stack = await startDevStack({
        bucket: demo.bucket,
        region: demo.region,
        ossPort: numberValue(args, 'oss-port'),
        vmPort: numberValue(args, 'vm-port'),
        taskStepMs,
        env: notify.env,
        logger,
        follow: { timing: { pollDelaysMs: [step, 2 * step, 4 * step], claimSettleMs: Math.min(1000, step) }, onProgress: (request, record) => lines.progress(request, record) },
        onSummary: (summary) => {
          for (const outcome of summary.outcomes) io.err(importLine(outcome));
        },
      });
    } catch (error) {
      await notify?.receiver?.stop();
      if (!(error instanceof PortInUseError)) throw error;
      io.err(`${error.message} Stop what is using it, or choose another port with ${portFlags[error.server]} (0 picks a free one).\n`);
      return exitCodes.failed;
    }
    io.err(devBanner(stack, notify.receiver));
    try {
      const image = await readDemoImage();
      const metadata = Object.entries(demo.metadata).map(([name, value]) => `${name}=${value}`).join(' ');
      io.err(`Uploading the demo image s3://${stack.bucket}/${demo.key} (${image.length} bytes, metadata ${metadata})…\n`);
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: demo.key, Body: image, Metadata: { ...demo.metadata } }));
      // The import, then its follow-through to the end.
      await stack.settled();
      const stored = await readStatusRecord(stack.s3, stack.bucket, statusRecordKey(stack.deps.config.statusPrefix, demo.key));
      const record = stored.kind === 'record' ? stored.record : undefined;
      const ended = record?.state === 'ready' && (record.copies ?? []).every((copy) => copy.state === 'ready') && record.shares?.state === 'shared';
      if (!ended) io.err('The demo did not end ready, copied and shared; see the lines above.\n');
      if (args.values['once'] === true) return ended ? exitCodes.done : exitCodes.failed;
      io.err('\nWaiting for uploads; each one is followed to the end. Ctrl-C stops.\n');
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return exitCodes.done;
    } finally {
      io.err('Stopping the local stack…\n');
      await stack.stop();
      await notify.receiver?.stop();
    }
  },
};
