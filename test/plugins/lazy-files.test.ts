// A dynamic import of the service's own code becomes a second file of the function's zip
// (plugins/jdcloud/package/lazy-files.ts): index.js does not read it until the import runs, it
// works from beside index.js, and it may not hold its own copy of what index.js holds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleFunction } from '../../plugins/jdcloud/package/bundle-function.js';
import { bundleRepositoryFunction } from '../../harness/function-bundle.js';

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'oss-image-import-lazy-'));
  await writeFile(join(work, 'package.json'), '{ "type": "commonjs" }\n');
});
after(async () => rm(work, { recursive: true, force: true }));

async function bundleProbe(files: Record<string, string>) {
  for (const [name, source] of Object.entries(files)) await writeFile(join(work, name), source);
  return bundleFunction({ functionKey: 'probe', entryFile: join(work, 'main.ts'), serviceDir: work, minify: true, sourcemap: false, awsDefaultCredentialChain: false, nodeMajor: 16 });
}

function runNode(cwd: string, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { cwd, env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 }, (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`))));
  });
}

describe('lazily loaded files of a function', () => {
  it('index.js requires the second file only when the dynamic import runs, from beside itself', async () => {
    const bundle = await bundleProbe({
      'twice.ts': 'export function twice(value: number): number {\n  return value * 2;\n}\n',
      'main.ts': "export async function handler(): Promise<number> {\n  const { twice } = await import('./twice.js');\n  return twice(21);\n}\n",
    });
    assert.deepEqual(
      bundle.lazyFiles.map((file) => [file.name, Object.keys(file.inputBytes)]),
      [['twice.js', ['twice.ts']]],
    );
    assert.deepEqual(Object.keys(bundle.inputBytes), ['main.ts']);
    const out = join(work, 'zip');
    await mkdir(out);
    await writeFile(join(out, 'index.js'), bundle.code);
    await writeFile(join(out, 'twice.js'), bundle.lazyFiles[0]!.code);
    const printed = await runNode(
      out,
      `const loaded = () => Object.keys(require.cache).map((path) => require('node:path').basename(path)).sort().join(',');
const { handler } = require('./index.js');
const before = loaded();
handler().then((result) => console.log(JSON.stringify({ before, result, after: loaded() })));`,
    );
    assert.deepEqual(JSON.parse(printed), { before: 'index.js', result: 42, after: 'index.js,twice.js' });
  });

  it('refuses a second file that would hold its own copy of a module index.js holds, naming it', async () => {
    const error = await bundleProbe({
      'store.ts': 'export class StoreError extends Error {}\nexport function fail(): never {\n  throw new StoreError();\n}\n',
      'part.ts': "import { fail } from './store.js';\nexport function run(): void {\n  fail();\n}\n",
      'main.ts':
        "import { StoreError } from './store.js';\nexport async function handler(): Promise<boolean> {\n  const { run } = await import('./part.js');\n  try {\n    run();\n    return false;\n  } catch (error) {\n    return error instanceof StoreError;\n  }\n}\n",
    }).then(
      () => assert.fail('bundled'),
      (failure: unknown) => failure as Error,
    );
    assert.equal(error.name, 'LazyFileSharesStateError');
    assert.equal(
      error.message,
      'Could not bundle function "probe": part.js (loaded by a dynamic import) and index.js would each hold their own copy of:\n  - store.ts\n' +
        'Two copies are two instances (clients, caches, error classes that instanceof does not recognise). Pass what the lazily loaded code needs from these modules to it as a value, or import it statically.',
    );
  });

  it('importImage: unpacking and its decoders are in unpacking.js, which holds no package or adapter of index.js', async () => {
    const bundle = await bundleRepositoryFunction('importImage', 'import-image', 16);
    const packageOf = (path: string) => /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
    const codecs = ['fzstd', 'unbzip2-stream', 'xz-decompress'];
    const main = Object.keys(bundle.inputBytes);
    assert.deepEqual(bundle.lazyFiles.map((file) => file.name), ['unpacking.js']);
    const lazy = Object.keys(bundle.lazyFiles[0]!.inputBytes);
    assert.deepEqual([...new Set(lazy.map(packageOf).filter((name) => name !== undefined))].sort(), codecs);
    assert.deepEqual(main.filter((path) => codecs.includes(packageOf(path) ?? '') || path.startsWith('src/use-cases/unpacking/')), []);
    assert.deepEqual(lazy.filter((path) => /^src\/(adapters|kernel|use-cases\/(importing|config))\//.test(path)), []);
  });
});
