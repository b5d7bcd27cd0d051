import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { bundleEnvironment } from '../../harness/bundle-environment.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { nodeBinaries } from '../../harness/node-binaries.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packedCases } from '../../harness/packed-cases.js';
import { packageRuntimeMatrix } from './runtime-matrix.js';
import { repoRoot } from './serverless-cli.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

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

interface BundleRun {
  node: string;
  result?: { outcomes?: Array<Record<string, unknown>> } & Record<string, unknown>;
  error?: string;
  /** The bundle's files the run loaded. */
  loaded?: string[];
}

describe('the packaged importImage bundle on each Node runtime', () => {
  let stack: DevStack;
  let work: string;

  before(async () => {
    assert.ok(process.env['CI'] !== 'true' || majors.length >= 5, `CI runs Node 16, 18, 20, 22 and 24; found ${majors.join(', ')} (run scripts/node-runtimes.sh install)`);
    work = await mkdtemp(join(tmpdir(), 'oss-image-import-runtimes-'));
    // Run exactly what would be uploaded: the zip's files, in a directory with no package.json
    // above it, as in fc's code directory. Unpacking and its decoders are the second file.
    const files = await packageRuntimeMatrix(work, majors);
    for (const major of majors) assert.deepEqual(files.get(major), ['index.js', 'unpacking.js'], `nodejs${major}`);
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

      const outcome = await run(binary, [join(repoRoot, 'harness', 'run-bundle.cjs'), join(work, `node${major}`, 'index.js'), eventFile, resultFile], bundleEnvironment(stack));
      const printed = JSON.parse(await readFile(resultFile, 'utf8')) as BundleRun;
      assert.equal(outcome.code, 0, `${printed.error ?? ''}\n${outcome.output}`);
      assert.match(printed.node, new RegExp(`^v${major}\\.`));
      assert.deepEqual(
        { submitted: printed.result?.['submitted'], rejected: printed.result?.['rejected'], failed: printed.result?.['failed'], attempts: printed.result?.outcomes?.[0]?.['attempts'] },
        { submitted: 1, rejected: 0, failed: 0, attempts: 2 },
      );
      assert.equal(stack.emulator.counters.imagesCreated, created + 1);
      // A plain image never loads the unpacking file.
      assert.deepEqual(printed.loaded, ['index.js']);
      const record = JSON.parse(
        await (await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${key}.json` }))).Body!.transformToString(),
      ) as Record<string, unknown>;
      assert.deepEqual({ version: record['version'], state: record['state'], key: (record['source'] as { key?: string } | undefined)?.key }, { version: 1, state: 'submitted', key });
      assert.ok(!outcome.output.includes(localOssCredentials.secretAccessKey), 'the secret key is not in the logs');
      assert.doesNotMatch(outcome.output, /X-Amz-Signature=[0-9a-f]{8}/, 'no presigned signature in the logs');
    });

    it(`unpacks and imports a .raw.xz with the nodejs${major} bundle: unpacking.js is loaded from the zip and decodes xz (WASM)`, async () => {
      const packed = packedCases()[1]!;
      const key = `runtimes/packed-${index}/${packed.name}`;
      await upload(stack, key, packed.packed, { metadata: { platform: 'Ubuntu', 'os-version': '24.04' } });
      const eventFile = join(work, `packed-event-${index}.json`);
      const resultFile = join(work, `packed-result-${index}.json`);
      await writeFile(eventFile, JSON.stringify(await ossTriggerEvent(stack, key)));
      const created = stack.emulator.counters.imagesCreated;

      const outcome = await run(binary, [join(repoRoot, 'harness', 'run-bundle.cjs'), join(work, `node${major}`, 'index.js'), eventFile, resultFile], bundleEnvironment(stack));
      const printed = JSON.parse(await readFile(resultFile, 'utf8')) as BundleRun;
      assert.equal(outcome.code, 0, `${printed.error ?? ''}\n${outcome.output}`);
      assert.match(printed.node, new RegExp(`^v${major}\\.`));
      const unpackedTo = printed.result?.outcomes?.[0]?.['unpackedTo'] as Record<string, unknown> | undefined;
      assert.deepEqual(
        { submitted: printed.result?.['submitted'], key: unpackedTo?.['key'], packing: unpackedTo?.['packing'], decoder: unpackedTo?.['decoder'], size: unpackedTo?.['size'] },
        { submitted: 1, key: `runtimes/packed-${index}/${packed.sibling}`, packing: 'xz-compressed file', decoder: 'xz-decompress', size: packed.image.length },
      );
      assert.deepEqual(printed.loaded, ['index.js', 'unpacking.js']);
      assert.equal(stack.emulator.counters.imagesCreated, created + 1);
      const sibling = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: `runtimes/packed-${index}/${packed.sibling}` }));
      assert.deepEqual(Buffer.from(await sibling.Body!.transformToByteArray()), packed.image);
    });
  }
});
