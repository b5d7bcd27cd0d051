import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials, startLocalOss, type LocalOss } from '../../src/edges/local/local-oss.js';
import { createOssClient } from '../../src/adapters/oss/oss-client.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { fixtureYml, makeServiceDir, repoRoot, runServerless, type ServiceDir } from './serverless-cli.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

/** The handler's result: the pretty-printed JSON document invoke local writes last on stdout. */
function printedResult(stdout: string): Record<string, unknown> {
  const start = stdout.lastIndexOf('\n{\n');
  return JSON.parse(stdout.slice(start === -1 ? stdout.indexOf('{') : start + 1)) as Record<string, unknown>;
}

describe('serverless invoke local with the repository serverless.yml', () => {
  let stack: DevStack;
  let work: string;

  before(async () => {
    stack = await startTestStack({ autoImport: false, bucket: 'disk-images' });
    work = await mkdtemp(join(tmpdir(), 'oss-image-import-invoke-'));
  });
  after(async () => {
    await stack.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** What the functions need to run against the local stack (serverless.yml reads these). */
  const functionEnvironment = () => ({
    JDCLOUD_ACCESS_KEY_ID: localOssCredentials.accessKeyId,
    JDCLOUD_SECRET_ACCESS_KEY: localOssCredentials.secretAccessKey,
    OSS_ENDPOINT: stack.ossEndpoint,
    JDCLOUD_VM_ENDPOINT: stack.vmEndpoint,
    IMAGE_BUCKET: stack.bucket,
  });

  it('imports an uploaded qcow2 through the bundled handler, against local OSS and the VM emulator', async () => {
    await upload(stack, 'images/ubuntu-22.04.qcow2', makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'os-version': '22.04' } });
    const eventFile = join(work, 'event.json');
    await writeFile(eventFile, JSON.stringify(await ossTriggerEvent(stack, 'images/ubuntu-22.04.qcow2')));

    const result = await runServerless(repoRoot, ['invoke', 'local', '-f', 'importImage', '-p', eventFile], functionEnvironment());
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const summary = printedResult(result.stdout);
    assert.deepEqual(
      { records: summary['records'], submitted: summary['submitted'], rejected: summary['rejected'], failed: summary['failed'] },
      { records: 1, submitted: 1, rejected: 0, failed: 0 },
    );
    assert.equal(stack.emulator.counters.imagesCreated, 1);
  });

  it('refreshes the status records through the bundled refreshStatus handler', async () => {
    // The import above was submitted; the emulator finishes a task within ~100 ms (20 ms steps),
    // far less than the CLI takes to start, so the refresh finds it done.
    const result = await runServerless(repoRoot, ['invoke', 'local', '-f', 'refreshStatus'], functionEnvironment());
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const summary = printedResult(result.stdout) as { buckets: unknown; apiCalls: number };
    // The import left an in-flight marker: its record is read, re-read before it is written back,
    // and read once more after its marker is deleted.
    assert.deepEqual(summary.buckets, [
      { bucket: stack.bucket, records: 1, inFlight: 1, recentUnmarked: 0, read: 3, changed: 1, unreadable: 0, markersWritten: 0, markersDeleted: 1 },
    ]);
    // imageTasks for the task, then describeImages for the finished image.
    assert.ok(summary.apiCalls >= 2 && summary.apiCalls <= 3, `apiCalls ${summary.apiCalls}`);
  });
});

describe('serverless invoke local with the fixture service', () => {
  let oss: LocalOss;
  let service: ServiceDir;

  before(async () => {
    oss = await startLocalOss({ buckets: ['disk-images'] });
    const s3 = createOssClient({ region: 'cn-north-1', endpoint: oss.endpoint, credentials: localOssCredentials });
    await s3.send(new PutObjectCommand({ Bucket: 'disk-images', Key: 'a.qcow2', Body: 'qcow2 bytes' }));
    s3.destroy();
    service = await makeServiceDir(fixtureYml);
  });
  after(async () => {
    await service.remove();
    await oss.stop();
  });

  it('runs the bundle in-process with the function\'s environment over the shell\'s, and a context', async () => {
    await writeFile(join(service.dir, 'event.json'), JSON.stringify({ Records: [{ s3: { bucket: { name: 'disk-images' }, object: { key: 'a.qcow2' } } }] }));
    const result = await runServerless(service.dir, ['invoke', 'local', '-f', 'importImage', '-p', 'event.json'], {
      JDCLOUD_ACCESS_KEY_ID: localOssCredentials.accessKeyId,
      JDCLOUD_SECRET_ACCESS_KEY: localOssCredentials.secretAccessKey,
      OSS_ENDPOINT: oss.endpoint,
      // serverless.yml sets this one: the function's value wins, as in fc.
      IMAGE_STATUS_PREFIX: 'from-the-shell/',
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(printedResult(result.stdout), {
      node: process.versions.node,
      functionName: 'importImage',
      hasRequestId: true,
      environment: { IMAGE_STATUS_PREFIX: '.image-import/', IS_LOCAL: 'true' },
      objects: [{ bucket: 'disk-images', key: 'a.qcow2', size: 11, eTag: `"${createHash('md5').update('qcow2 bytes').digest('hex')}"` }],
    });
  });

  it('lets --env override the function\'s environment', async () => {
    const result = await runServerless(service.dir, ['invoke', 'local', '-f', 'importImage', '-d', '{}', '--env', 'IMAGE_STATUS_PREFIX=override/'], {
      JDCLOUD_ACCESS_KEY_ID: localOssCredentials.accessKeyId,
      JDCLOUD_SECRET_ACCESS_KEY: localOssCredentials.secretAccessKey,
      OSS_ENDPOINT: oss.endpoint,
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(printedResult(result.stdout)['environment'], { IMAGE_STATUS_PREFIX: 'override/', IS_LOCAL: 'true' });
  });
});
