import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listZipEntries, readZipEntry } from '../../src/adapters/jdcloud/fc/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { repoRoot, runServerless } from './serverless-cli.js';
import { ossTriggerEvent } from './upload-event.js';

/**
 * The deployed bundle, end to end, on every Node runtime at hand: this machine's node, plus the
 * binaries listed in OSS_IMAGE_IMPORT_NODE_BINARIES (colon-separated; scripts/node-runtimes.sh
 * smoke installs Node 22 and 24 from the npm registry and sets it).
 */
const binaries = [process.execPath, ...(process.env['OSS_IMAGE_IMPORT_NODE_BINARIES'] ?? '').split(':').filter((path) => path !== '')];

function run(binary: string, args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr });
    });
  });
}

describe('the packaged importImage bundle on each Node runtime', () => {
  let stack: DevStack;
  let work: string;
  let bundle: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oss-image-import-runtimes-'));
    const packaged = await runServerless(repoRoot, ['package', '--package', work]);
    assert.equal(packaged.code, 0, packaged.stdout + packaged.stderr);
    // Run exactly what would be uploaded: index.js taken out of the zip.
    const zip = await readFile(join(work, 'importImage.zip'));
    const [entry] = listZipEntries(zip);
    assert.equal(entry?.name, 'index.js');
    bundle = join(work, 'index.js');
    await writeFile(bundle, readZipEntry(zip, entry));
    // As in fc's code directory: no "type": "module" above index.js.
    await writeFile(join(work, 'package.json'), '{ "type": "commonjs" }\n');
    stack = await startTestStack({ autoImport: false, bucket: 'disk-images' });
  });
  after(async () => {
    await stack?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const [index, binary] of binaries.entries()) {
    it(`imports an uploaded image with ${binary === process.execPath ? `this node (${process.version})` : binary}`, async () => {
      const key = `runtimes/image-${index}.qcow2`;
      await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'os-version': '24.04' } });
      const eventFile = join(work, `event-${index}.json`);
      const resultFile = join(work, `result-${index}.json`);
      await writeFile(eventFile, JSON.stringify(await ossTriggerEvent(stack, key)));
      const created = stack.emulator.counters.imagesCreated;

      const outcome = await run(binary, [join(repoRoot, 'test', 'plugins', 'fixtures', 'run-bundle.cjs'), bundle, eventFile, resultFile], {
        JDCLOUD_ACCESS_KEY_ID: localOssCredentials.accessKeyId,
        JDCLOUD_SECRET_ACCESS_KEY: localOssCredentials.secretAccessKey,
        JDCLOUD_REGION: stack.region,
        OSS_ENDPOINT: stack.ossEndpoint,
        JDCLOUD_VM_ENDPOINT: stack.vmEndpoint,
        IMAGE_ALLOWED_BUCKETS: stack.bucket,
      });
      const printed = JSON.parse(await readFile(resultFile, 'utf8')) as { node: string; result?: Record<string, unknown>; error?: string };
      assert.equal(outcome.code, 0, `${printed.error ?? ''}\n${outcome.stderr}`);
      assert.match(printed.node, /^v(20|22|24)\./);
      assert.deepEqual(
        { submitted: printed.result?.['submitted'], rejected: printed.result?.['rejected'], failed: printed.result?.['failed'] },
        { submitted: 1, rejected: 0, failed: 0 },
      );
      assert.equal(stack.emulator.counters.imagesCreated, created + 1);
    });
  }
});
