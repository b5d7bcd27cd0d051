import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createLogger } from '../../../kernel/index.js';
import { readStatusRecord } from '../../../adapters/oss/index.js';
import { type StatusRecord, statusRecordKey } from '../../../domain/status/index.js';
import { packageRoot } from '../../local/index.js';
import type { EventSummary } from '../../../use-cases/importing/index.js';
import { exitCodes } from '../exit-codes.js';
import { wholeNumberOption } from '../args.js';
import type { CliCommand } from './command.js';
import { DevFollowLines, devNotifyTarget } from './dev-follow.js';

const sampleKey = 'ubuntu-22.04.qcow2';
const sampleMetadata = { platform: 'Ubuntu', 'os-version': '22.04', 'copy-to-regions': 'cn-east-2,cn-south-1', 'share-with': 'jdpin-alice,jdpin-bob' };


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
    // Every upload is followed to the end: ready, copies, share, notifications (to a local receiver
    // unless IMAGE_NOTIFY_URL is set), on the emulator's time scale.
    const lines = new DevFollowLines(io.err);
    const notify = await devNotifyTarget(io.env, lines);
    const step = Math.max(50, taskStepMs);
    const stack = await startDevStack({
      ossPort,
      vmPort,
      taskStepMs,
      env: notify.env,
      logger,
      follow: { timing: { pollDelaysMs: [step, 2 * step, 4 * step], claimSettleMs: Math.min(1000, step) }, onProgress: (request, record) => lines.progress(request, record) },
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
        ...(notify.receiver !== undefined ? [`  notification receiver:      ${notify.receiver.url}/notifications   (IMAGE_NOTIFY_URL, signed)`] : []),
        '',
        'Upload an image from another terminal (qemu-img create -f qcow2 my.qcow2 10G):',
        `  curl -sS -X PUT --upload-file my.qcow2 -H 'x-amz-meta-platform: Ubuntu' -H 'x-amz-meta-os-version: 22.04' -H 'x-amz-meta-copy-to-regions: cn-east-2' ${stack.ossEndpoint}/${stack.bucket}/my.qcow2`,
        'Use the CLI against it:',
        `  export JDCLOUD_ACCESS_KEY_ID=S3RVER JDCLOUD_SECRET_ACCESS_KEY=S3RVER OSS_ENDPOINT=${stack.ossEndpoint} JDCLOUD_VM_ENDPOINT=${stack.vmEndpoint}`,
        `  npx oss-image-import plan s3://${stack.bucket}/my.qcow2`,
        `  npx oss-image-import tasks`,
        '',
      ].join('\n'),
    );

    try {
      const sample = gunzipSync(await readFile(join(packageRoot(), 'samples', 'demo-disk.qcow2.gz')));
      io.err(`Uploading the demo image s3://${stack.bucket}/${sampleKey} (${sample.length} bytes, metadata ${Object.entries(sampleMetadata).map(([name, value]) => `${name}=${value}`).join(' ')})…\n`);
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: sampleKey, Body: sample, Metadata: sampleMetadata }));
      // The import, then its follow-through: ready, copies, share, notifications.
      await stack.settled();
      const submitted = summaries.flatMap((summary) => summary.outcomes).find((outcome) => outcome.key === sampleKey && outcome.outcome === 'submitted');
      if (submitted === undefined || submitted.outcome !== 'submitted') {
        io.err('The demo import was not submitted; see the lines above.\n');
        return exitCodes.failed;
      }
      const record = await demoRecord(stack, sampleKey);
      const done = record?.state === 'ready' && (record.copies ?? []).every((copy) => copy.state === 'ready') && record.shares?.state === 'shared';
      if (args.values['once'] === true) return done ? exitCodes.done : exitCodes.failed;
      io.err('\nWaiting for uploads. Ctrl-C stops.\n');
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

type Stack = Awaited<ReturnType<typeof import('../../local/index.js').startDevStack>>;

/** The demo's status record as the follower left it. */
async function demoRecord(stack: Stack, key: string): Promise<StatusRecord | undefined> {
  const stored = await readStatusRecord(stack.s3, stack.bucket, statusRecordKey(stack.deps.config.statusPrefix, key));
  return stored.kind === 'record' ? stored.record : undefined;
}
