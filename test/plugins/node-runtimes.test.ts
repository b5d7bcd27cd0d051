import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { listZipEntries, readZipEntry } from '../../src/adapters/jdcloud/fc/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { bundleEnvironment } from '../../harness/bundle-environment.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { nodeBinaries } from '../../harness/node-binaries.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { repoRoot, runServerless } from './serverless-cli.js';
import { ossTriggerEvent } from './upload-event.js';

/**
 * The deployed bundle, end to end, on every Node runtime fc may offer (issue 12): one binary per
 * major (harness/node-binaries.ts; .ci/run installs Node 16, 18, 20, 22 and 24). Each runs the
 * importImage zip `serverless package` builds for its own runtime (nodejsNN).
 */
const runtimes = nodeBinaries();
const majors = runtimes.map((runtime) => runtime.major).sort((a, b) => a - b);

function run(binary: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: stdout + stderr });
    });
  });
}

/** The repository's importImage once per runtime at hand: one function per Node major, no triggers. */
function matrixYml(): string {
  const functions = majors.map((major) => `  importImage${major}:\n    handler: functions/import-image/handler.handler\n    runtime: nodejs${major}\n`).join('');
  return `service: runtime-matrix\nframeworkVersion: '^4.3.1'\nplugins:\n  - ./plugins/jdcloud\nprovider:\n  name: jdcloud\n  region: cn-north-1\nfunctions:\n${functions}`;
}

describe('the packaged importImage bundle on each Node runtime', () => {
  let stack: DevStack;
  let work: string;

  before(async () => {
    assert.ok(process.env['CI'] !== 'true' || majors.length >= 5, `CI runs Node 16, 18, 20, 22 and 24; found ${majors.join(', ')} (run scripts/node-runtimes.sh install)`);
    work = await mkdtemp(join(tmpdir(), 'oss-image-import-runtimes-'));
    const service = join(work, 'service');
    await mkdir(service);
    for (const name of ['functions', 'src', 'plugins', 'node_modules', 'package.json', 'tsconfig.json']) await symlink(join(repoRoot, name), join(service, name));
    await writeFile(join(service, 'serverless.yml'), matrixYml());
    const packaged = await runServerless(service, ['package', '--package', join(work, 'out')]);
    assert.equal(packaged.code, 0, packaged.stdout + packaged.stderr);
    for (const major of majors) {
      // Run exactly what would be uploaded: index.js taken out of the zip, in a directory with no
      // package.json above it, as in fc's code directory.
      const zip = await readFile(join(work, 'out', `importImage${major}.zip`));
      const [entry] = listZipEntries(zip);
      assert.equal(entry?.name, 'index.js');
      await mkdir(join(work, `node${major}`));
      await writeFile(join(work, `node${major}`, 'index.js'), readZipEntry(zip, entry));
    }
    stack = await startTestStack({ autoImport: false, bucket: 'disk-images' });
  });
  after(async () => {
    await stack?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const [index, { binary, major }] of runtimes.entries()) {
    it(`imports an upload with the nodejs${major} bundle on ${binary === process.execPath ? `this node (${process.version})` : binary}: one signed import after a retry, the submitted record, no secret in the logs`, async () => {
      const key = `runtimes/image-${index}.qcow2`;
      await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'os-version': '24.04' } });
      const eventFile = join(work, `event-${index}.json`);
      const resultFile = join(work, `result-${index}.json`);
      await writeFile(eventFile, JSON.stringify(await ossTriggerEvent(stack, key)));
      const created = stack.emulator.counters.imagesCreated;
      // The same retries on every Node: the first importImage answers 503.
      stack.emulator.injectFault({ kind: 'status', status: 503, operation: 'importImage' });

      const outcome = await run(binary, [join(repoRoot, 'test', 'plugins', 'fixtures', 'run-bundle.cjs'), join(work, `node${major}`, 'index.js'), eventFile, resultFile], bundleEnvironment(stack));
      const printed = JSON.parse(await readFile(resultFile, 'utf8')) as { node: string; result?: { outcomes?: Array<Record<string, unknown>> } & Record<string, unknown>; error?: string };
      assert.equal(outcome.code, 0, `${printed.error ?? ''}\n${outcome.output}`);
      assert.match(printed.node, new RegExp(`^v${major}\\.`));
      assert.deepEqual(
        { submitted: printed.result?.['submitted'], rejected: printed.result?.['rejected'], failed: printed.result?.['failed'], attempts: printed.result?.outcomes?.[0]?.['attempts'] },
        { submitted: 1, rejected: 0, failed: 0, attempts: 2 },
      );
      assert.equal(stack.emulator.counters.imagesCreated, created + 1);
      const record = JSON.parse(
        await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${key}.json` }))).Body!.transformToString(),
      ) as Record<string, unknown>;
      assert.deepEqual({ version: record['version'], state: record['state'], key: (record['source'] as { key?: string } | undefined)?.key }, { version: 1, state: 'submitted', key });
      assert.ok(!outcome.output.includes(localOssCredentials.secretAccessKey), 'the secret key is not in the logs');
      assert.doesNotMatch(outcome.output, /X-Amz-Signature=[0-9a-f]{8}/, 'no presigned signature in the logs');
    });
  }
});
