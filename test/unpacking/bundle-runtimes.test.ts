// The packaged importImage bundle (esbuild, one CommonJS file) unpacks every codec on every
// Node runtime at hand: this node plus OSS_IMAGE_IMPORT_NODE_BINARIES (Node 16 through 24 in
// CI). zstd uses node:zlib where the runtime has it and fzstd elsewhere; xz is WebAssembly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listZipEntries, readZipEntry } from '../../plugins/jdcloud/package/zip-contents.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packedCases } from '../../harness/packed-cases.js';
import { objectBytes } from '../../harness/unpack-checks.js';
import { repoRoot, runServerless } from '../plugins/serverless-cli.js';
import { ossTriggerEvent } from '../plugins/upload-event.js';

const binaries = [process.execPath, ...(process.env['OSS_IMAGE_IMPORT_NODE_BINARIES'] ?? '').split(':').filter((path) => path !== '')];

function run(binary: string, args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr });
    });
  });
}

describe('the packaged importImage bundle unpacks gzip, xz, zstd and bzip2 on each Node runtime', () => {
  let stack: DevStack;
  let work: string;
  let bundle: string;
  // One of each codec: .qcow2.gz, .raw.xz, .vhd.zst, .vmdk.bz2.
  const cases = packedCases().slice(0, 4);

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oss-image-import-unpack-runtimes-'));
    const packaged = await runServerless(repoRoot, ['package', '--package', work]);
    assert.equal(packaged.code, 0, packaged.stdout + packaged.stderr);
    const zip = await readFile(join(work, 'importImage.zip'));
    const [entry] = listZipEntries(zip);
    assert.equal(entry?.name, 'index.js');
    bundle = join(work, 'index.js');
    await writeFile(bundle, readZipEntry(zip, entry));
    await writeFile(join(work, 'package.json'), '{ "type": "commonjs" }\n');
    stack = await startTestStack({ autoImport: false, bucket: 'disk-images' });
  });
  after(async () => {
    await stack?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const [index, binary] of binaries.entries()) {
    it(`with ${binary === process.execPath ? `this node (${process.version})` : binary}`, async () => {
      for (const packed of cases) {
        const key = `runtime-${index}/${packed.name}`;
        await upload(stack, key, packed.packed, { metadata: { platform: 'Ubuntu' } });
        const eventFile = join(work, `event-${index}-${packed.name}.json`);
        const resultFile = join(work, `result-${index}-${packed.name}.json`);
        await writeFile(eventFile, JSON.stringify(await ossTriggerEvent(stack, key)));
        const outcome = await run(binary, [join(repoRoot, 'test', 'plugins', 'fixtures', 'run-bundle.cjs'), bundle, eventFile, resultFile], {
          JDCLOUD_ACCESS_KEY_ID: localOssCredentials.accessKeyId,
          JDCLOUD_SECRET_ACCESS_KEY: localOssCredentials.secretAccessKey,
          JDCLOUD_REGION: stack.region,
          OSS_ENDPOINT: stack.ossEndpoint,
          JDCLOUD_VM_ENDPOINT: stack.vmEndpoint,
          IMAGE_ALLOWED_BUCKETS: stack.bucket,
        });
        const printed = JSON.parse(await readFile(resultFile, 'utf8')) as { result?: { submitted?: number; outcomes?: Array<{ unpackedTo?: { key: string } }> }; error?: string };
        assert.equal(outcome.code, 0, `${packed.name}: ${printed.error ?? ''}\n${outcome.stderr}`);
        assert.equal(printed.result?.submitted, 1, `${packed.name}: ${JSON.stringify(printed.result)}`);
        assert.equal(printed.result?.outcomes?.[0]?.unpackedTo?.key, `runtime-${index}/${packed.sibling}`);
        assert.deepEqual(await objectBytes(stack.s3, stack.bucket, `runtime-${index}/${packed.sibling}`), packed.image, packed.name);
      }
    });
  }
});
