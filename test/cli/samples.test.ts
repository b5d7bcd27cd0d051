// samples/events/ name the object `npm start` uploads, in the bucket it makes, and each one
// imports it: through the pipeline, through `serve`, and through `serverless invoke local` run
// exactly as the banner prints it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { runCli } from '../../src/edges/cli/main.js';
import { demo, readDemoImage } from '../../src/edges/cli/commands/dev-demo.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { pipelineNotificationHandler, startNotificationServer } from '../../src/edges/serve/index.js';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import { captureIo } from '../../harness/capture-io.js';
import { startTestStack } from '../../harness/local-stack.js';
import { repoRoot, runServerless } from '../plugins/serverless-cli.js';

const sample = async (name: string) => JSON.parse(await readFile(new URL(`../../samples/events/${name}`, import.meta.url), 'utf8')) as unknown;
const samples = ['s3-put-notification.json', 'jdcloud-fc-oss-trigger.json', 'serve-notification.json'];

describe('samples/events', () => {
  let stack: DevStack;

  before(async () => {
    stack = await startTestStack({ bucket: demo.bucket, region: demo.region, autoImport: false });
    await stack.s3.send(new PutObjectCommand({ Bucket: demo.bucket, Key: demo.key, Body: await readDemoImage(), Metadata: { ...demo.metadata } }));
  });
  after(() => stack.stop());

  it('name the demo object with its real ETag and size', async () => {
    const image = await readDemoImage();
    const etag = createHash('md5').update(image).digest('hex');
    for (const name of samples) {
      const text = JSON.stringify(await sample(name));
      assert.match(text, new RegExp(`"name":"${demo.bucket}"`), name);
      assert.match(text, new RegExp(`"key":"${demo.key.replace(/\./g, '\\.')}"`), name);
      assert.match(text, new RegExp(`"eTag":"${etag}"`), name);
      assert.match(text, new RegExp(`"size":${image.length}[,}]`), name);
    }
  });

  it('each imports the demo object once: the S3/RGW and fc events through the pipeline, the serve body through serve', async () => {
    const token = 'samples-notify-token-0123456789';
    const server = await startNotificationServer({ token, handleNotification: pipelineNotificationHandler(stack.deps) });
    try {
      const served = await fetch(`${server.notificationUrl}?token=${token}`, { method: 'POST', body: JSON.stringify(await sample('serve-notification.json')) });
      assert.equal(served.status, 200);
      const { outcome } = (await served.json()) as { outcome: { summary: { submitted: number } } };
      assert.equal(outcome.summary.submitted, 1);
    } finally {
      await server.stop();
    }
    for (const name of ['s3-put-notification.json', 'jdcloud-fc-oss-trigger.json']) {
      const summary = await handleEvent(await sample(name), stack.deps);
      assert.deepEqual(
        summary.outcomes.map((outcome) => [outcome.bucket, outcome.key, outcome.outcome]),
        [[demo.bucket, demo.key, 'duplicate']],
        name,
      );
    }
    assert.equal(stack.emulator.counters.imagesCreated, 1);
  });
});

describe('serverless invoke local against npm start, as the banner prints it', () => {
  it('finds the demo import already done (exit 0, a duplicate, nothing submitted twice)', async () => {
    const controller = new AbortController();
    const { io, captured } = captureIo({}, { signal: controller.signal });
    const running = runCli(['dev', '--oss-port', '0', '--vm-port', '0', '--task-step-ms', '20'], io);
    try {
      for (const deadline = Date.now() + 30_000; !captured.err.includes('Waiting for uploads'); await sleep(20)) {
        assert.ok(Date.now() < deadline, captured.err);
      }
      const exported = /\n {2}export (JDCLOUD_ACCESS_KEY_ID=.*)\n/.exec(captured.err)?.[1] ?? '';
      const env = Object.fromEntries(exported.split(' ').map((pair) => pair.split('=') as [string, string]));
      const command = /\n {2}npx serverless (invoke local -f importImage -p \S+)/.exec(captured.err)?.[1] ?? '';
      assert.deepEqual(Object.keys(env), ['JDCLOUD_ACCESS_KEY_ID', 'JDCLOUD_SECRET_ACCESS_KEY', 'OSS_ENDPOINT', 'JDCLOUD_VM_ENDPOINT', 'IMAGE_BUCKET']);
      const result = await runServerless(repoRoot, command.split(' '), env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const summary = JSON.parse(result.stdout.slice(result.stdout.lastIndexOf('\n{\n') + 1)) as Record<string, unknown>;
      assert.deepEqual([summary['records'], summary['submitted'], summary['duplicates'], summary['failed']], [1, 0, 1, 0]);
    } finally {
      controller.abort();
    }
    assert.equal(await running, 0);
  });
});
