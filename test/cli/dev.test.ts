import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';

/** Waits (at most 30 s) until the text so far matches. */
async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(20)) {
    const match = pattern.exec(read());
    if (match !== null) return match;
  }
  throw new Error(`not printed within 30 s: ${pattern}\n${read()}`);
}

/** A port some other process holds. */
async function busyPort(t: TestContext): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** A temporary folder of the test's own as os.tmpdir(), so nothing else's folders are counted. */
async function ownTmpdir(t: TestContext): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'oss-image-import-dev-test-'));
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = folder;
  t.after(async () => {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
    await rm(folder, { recursive: true, force: true });
  });
  return folder;
}

describe('oss-image-import dev (npm start)', () => {
  it('--once: prints how to use the stack, uploads the demo image, shows it submitted, ready, copied, shared and notified', async () => {
    const { io, captured } = captureIo({});
    const code = await runCli(['dev', '--once', '--oss-port', '0', '--vm-port', '0', '--task-step-ms', '100'], io);
    assert.equal(code, 0, captured.err);
    const oss = /local OSS \(S3 API, s3rver\): {2}(http:\/\/127\.0\.0\.1:\d+) {3}bucket "disk-images", keys S3RVER \/ S3RVER\n/.exec(captured.err)?.[1];
    const vm = /VM API emulator \(JDCLOUD2\): {2}(http:\/\/127\.0\.0\.1:\d+) {3}region cn-north-1\n/.exec(captured.err)?.[1];
    assert.ok(oss !== undefined && vm !== undefined, captured.err);
    const lines = captured.err.split('\n');
    for (const line of [
      '  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=cn-north-1 AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required',
      `  aws --endpoint-url ${oss} s3 cp my.qcow2 s3://disk-images/my.qcow2 --metadata platform=Ubuntu,os-version=22.04`,
      `  aws --endpoint-url ${oss} s3api put-object --bucket disk-images --key tagged.qcow2 --body my.qcow2 --tagging 'platform=CentOS&architecture=x86_64'`,
      `  export JDCLOUD_ACCESS_KEY_ID=S3RVER JDCLOUD_SECRET_ACCESS_KEY=S3RVER OSS_ENDPOINT=${oss} JDCLOUD_VM_ENDPOINT=${vm} IMAGE_BUCKET=disk-images`,
      '  npx serverless invoke local -f importImage -p samples/events/jdcloud-fc-oss-trigger.json     # the demo upload, as fc delivers it',
    ]) {
      assert.ok(lines.includes(line), `missing line:\n${line}\nin:\n${captured.err}`);
    }
    assert.match(captured.err, /\n\[import\] s3:\/\/disk-images\/ubuntu-22\.04\.qcow2: submitted — image img-\w+, task \d+\n/);
    // The follow-through: ready, both copies, the share, and two signed notifications at the local receiver.
    assert.match(captured.err, /notification receiver: {6}http:\/\/127\.0\.0\.1:\d+\/notifications {3}signed with a fresh IMAGE_NOTIFY_SECRET\n/);
    assert.match(captured.err, /\n\[follow\] s3:\/\/disk-images\/ubuntu-22\.04\.qcow2: 0% submitted · copies cn-east-2 pending, cn-south-1 pending · share pending · \d+s\n/);
    assert.match(captured.err, /\n\[follow\] s3:\/\/disk-images\/ubuntu-22\.04\.qcow2: 100% ready · copies cn-east-2 ready, cn-south-1 ready · shared · notified ready, copies-finished · \d+s\n/);
    assert.match(captured.err, /\n\[notify\] ready s3:\/\/disk-images\/ubuntu-22\.04\.qcow2 \(signature ok, id [0-9a-f-]{36}\)\n/);
    assert.match(captured.err, /\n\[notify\] copies-finished s3:\/\/disk-images\/ubuntu-22\.04\.qcow2 \(signature ok, id [0-9a-f-]{36}\)\n/);
    assert.match(captured.err, /Stopping the local stack…\n$/);
    // Human output only: no JSON log line mixed in.
    assert.deepEqual(lines.filter((line) => line.startsWith('{')), []);
    assert.equal(captured.out, '');
  });

  it('follows every upload to its end, not only the demo', async () => {
    const controller = new AbortController();
    const { io, captured } = captureIo({}, { signal: controller.signal });
    const running = runCli(['dev', '--oss-port', '0', '--vm-port', '0', '--task-step-ms', '20'], io);
    try {
      const endpoint = (await waitFor(() => captured.err, /local OSS \(S3 API, s3rver\): {2}(http:\/\/127\.0\.0\.1:\d+)/))[1] ?? '';
      await waitFor(() => captured.err, /Waiting for uploads/);
      const s3 = new S3Client({ endpoint, region: 'cn-north-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      try {
        await s3.send(new PutObjectCommand({ Bucket: 'disk-images', Key: 'mine/centos.qcow2', Body: makeDiskImage('qcow2', '1G'), Tagging: 'platform=CentOS' }));
        await s3.send(new PutObjectCommand({ Bucket: 'disk-images', Key: 'mine/no-platform.qcow2', Body: makeDiskImage('qcow2', '1G') }));
      } finally {
        s3.destroy();
      }
      await waitFor(() => captured.err, /\n\[follow\] s3:\/\/disk-images\/mine\/centos\.qcow2: 100% ready · \d+s\n/);
      assert.match(captured.err, /\n\[import\] s3:\/\/disk-images\/mine\/centos\.qcow2: submitted — image img-\w+, task \d+\n/);
      await waitFor(() => captured.err, /\n\[import\] s3:\/\/disk-images\/mine\/no-platform\.qcow2: rejected — platform is missing/);
    } finally {
      controller.abort();
    }
    assert.equal(await running, 0);
    assert.deepEqual(captured.err.split('\n').filter((line) => line.startsWith('{')), []);
  });

  for (const [server, flag, name] of [
    ['oss', '--oss-port', 'local OSS'],
    ['vm', '--vm-port', 'VM API emulator'],
  ] as const) {
    it(`a busy ${name} port: one line naming the port and ${flag}, exit 1, no folder left behind`, async (t) => {
      const folder = await ownTmpdir(t);
      const port = await busyPort(t);
      const ports = server === 'oss' ? ['--oss-port', String(port), '--vm-port', '0'] : ['--oss-port', '0', '--vm-port', String(port)];
      const { io, captured } = captureIo({});
      assert.equal(await runCli(['dev', '--once', ...ports], io), 1);
      assert.equal(captured.err, `Port ${port} is in use (${name}). Stop what is using it, or choose another port with ${flag} (0 picks a free one).\n`);
      assert.deepEqual(await readdir(folder), []);
    });
  }
});
