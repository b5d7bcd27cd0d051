import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import JdCloudProviderPlugin from '../../plugins/jdcloud/index.js';
import { providerHookNames } from '../../plugins/jdcloud/jdcloud-provider.js';
import { zipEntries } from '../../plugins/jdcloud/package/zip-bundle.js';
import { listZipEntries, readZipEntry } from '../../src/adapters/jdcloud/fc/index.js';
import { fixtureYml, frameworkError, makeServiceDir, repoRoot, runServerless, type ServiceDir } from './serverless-cli.js';

function zipNames(zip: Buffer): string[] {
  return listZipEntries(zip).map((entry) => entry.name);
}

function zipFile(zip: Buffer, name: string): Buffer {
  const entry = listZipEntries(zip).find((candidate) => candidate.name === name);
  assert.ok(entry, `${name} in the zip`);
  return readZipEntry(zip, entry);
}

describe('serverless package with the repository serverless.yml', () => {
  let output: string;
  let stderr: string;
  const zips = new Map<string, Buffer>();
  const functionKeys = ['importImage', 'refreshStatus'];
  const secrets = { JDCLOUD_SECRET_ACCESS_KEY: 'deploy-secret-never-packaged', IMPORT_FUNCTION_SECRET_ACCESS_KEY: 'function-secret-never-packaged' };

  before(async () => {
    output = await mkdtemp(join(tmpdir(), 'oss-image-import-package-'));
    const result = await runServerless(repoRoot, ['package', '--package', output], { JDCLOUD_ACCESS_KEY_ID: 'AKID', ...secrets });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    stderr = result.stderr;
    for (const key of functionKeys) zips.set(key, await readFile(join(output, `${key}.zip`)));
  });
  after(async () => rm(output, { recursive: true, force: true }));

  it('packages every function: one zip each, and nothing else in the package directory', async () => {
    // importImage loads unpacking (and its decoders) from a second file, only for packed uploads.
    const files = { importImage: 'index\\.js, unpacking\\.js', refreshStatus: 'index\\.js' };
    for (const key of functionKeys) {
      assert.match(stderr, new RegExp(`^Packaged ${key}: .*${key}\\.zip, [\\d.]+ KB zip, [\\d.]+ KB unzipped \\(${files[key as keyof typeof files]}\\), built for nodejs16$`, 'm'));
    }
    assert.deepEqual((await readdir(output)).sort(), ['bundle', 'importImage.runtime.json', 'importImage.zip', 'refreshStatus.runtime.json', 'refreshStatus.zip']);
  });

  for (const key of functionKeys) {
    describe(key, () => {
      const code = (): string => zipFile(zips.get(key) ?? Buffer.alloc(0), 'index.js').toString('utf8');

      it('zips minified CommonJS files: no node_modules, no tests, no source map', () => {
        assert.deepEqual(zipNames(zips.get(key) ?? Buffer.alloc(0)), key === 'importImage' ? ['index.js', 'unpacking.js'] : ['index.js']);
        assert.ok(code().startsWith('"use strict";'), 'CommonJS output');
        assert.ok(!code().includes('sourceMappingURL'), 'no source map reference');
        // Minified: long lines (template literals keep their own line breaks).
        assert.ok(code().length / code().split('\n').length > 2000, 'minified');
      });

      it('never puts credentials into the package', () => {
        const zip = zips.get(key) ?? Buffer.alloc(0);
        for (const name of zipNames(zip)) {
          for (const secret of Object.values(secrets)) assert.ok(!zipFile(zip, name).toString('utf8').includes(secret), `secret not in ${name}`);
        }
      });

      it('exports handler(event, context) when required as CommonJS', async () => {
        const file = join(output, `${key}.cjs`);
        await writeFile(file, code());
        const type = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(file)}).handler)`], { encoding: 'utf8' });
        assert.equal(type, 'function');
      });
    });
  }
});

describe('serverless package with the plugin fixture service', () => {
  let service: ServiceDir;

  before(async () => {
    service = await makeServiceDir(fixtureYml);
  });
  after(async () => service.remove());

  it('tree-shakes @aws-sdk/client-s3 to what the handler uses, and zips the same bytes every time', async () => {
    const first = await runServerless(service.dir, ['package']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const zip = await readFile(join(service.dir, '.serverless', 'importImage.zip'));
    const code = zipFile(zip, 'index.js');
    // One S3 command bundled from the ES build is ~290 KB; the CommonJS build alone is over 600 KB.
    assert.ok(code.length < 350 * 1024, `bundle is ${code.length} bytes`);
    assert.deepEqual(await readFile(join(service.dir, '.serverless', 'bundle', 'importImage', 'index.js')), code);

    const second = await runServerless(service.dir, ['package']);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const again = await readFile(join(service.dir, '.serverless', 'importImage.zip'));
    assert.equal(createHash('sha256').update(again).digest('hex'), createHash('sha256').update(zip).digest('hex'));
  });

  it('adds index.js.map only when provider.bundle.sourcemap is true', async () => {
    await service.writeConfig(fixtureYml.replace('  timeout: 30\n', '  timeout: 30\n  bundle: { sourcemap: true }\n'));
    const result = await runServerless(service.dir, ['package']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const zip = await readFile(join(service.dir, '.serverless', 'importImage.zip'));
    assert.deepEqual(zipNames(zip), ['index.js', 'index.js.map']);
    assert.match(zipFile(zip, 'index.js').toString('utf8'), /\/\/# sourceMappingURL=index\.js\.map\s*$/);
    await service.writeConfig(fixtureYml);
  });

  it('fails on a typo in an oss event with the framework\'s own message', async () => {
    await service.writeConfig(fixtureYml.replace('filter: { suffix: .vhd }', 'filter: { suffx: .vhd }'));
    const result = await runServerless(service.dir, ['package']);
    assert.equal(result.code, 1);
    assert.equal(
      frameworkError(result),
      "Configuration error at 'functions.importImage.events.1.oss.filter': unrecognized property 'suffx'\n\nLearn more about configuration validation here: https://github.com/oss-serverless/osls/blob/4.x/docs/guides/configuration-validation.md",
    );
    await service.writeConfig(fixtureYml);
  });

  it('says which import could not be bundled', async () => {
    await writeFile(join(service.dir, 'broken.ts'), "import { missing } from './not-there.js';\nexport const handler = () => missing;\n");
    await service.writeConfig(fixtureYml.replace('handler: handler.handler', 'handler: broken.handler'));
    const result = await runServerless(service.dir, ['package']);
    assert.equal(result.code, 1);
    assert.equal(
      frameworkError(result),
      'Could not bundle function "importImage" from broken.ts:\n  - broken.ts:1:24: Could not resolve "./not-there.js"\nFix the import or syntax error and package again.',
    );
    await service.writeConfig(fixtureYml);
  });
});

describe('the zip writer and reader', () => {
  it('round-trips entries, and the same input gives the same bytes', async () => {
    const entries = [
      { name: 'index.js', data: Buffer.from('exports.handler = async () => 1;\n'.repeat(100)) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];
    const zip = await zipEntries(entries);
    assert.deepEqual(await zipEntries(entries), zip);
    assert.deepEqual(
      listZipEntries(zip).map((entry) => [entry.name, entry.uncompressedBytes]),
      [
        ['index.js', 3300],
        ['empty.txt', 0],
      ],
    );
    assert.deepEqual(readZipEntry(zip, listZipEntries(zip)[0]!), entries[0]!.data);
  });
});

describe('plugins/jdcloud/index.js', () => {
  it('registers a hook for every lifecycle event the provider implements', () => {
    const providers: string[] = [];
    const plugin = new JdCloudProviderPlugin({ setProvider: (name: string) => providers.push(name) }, {}, {});
    assert.deepEqual(Object.keys(plugin.hooks), [...providerHookNames]);
    assert.deepEqual(providers, ['jdcloud']);
    assert.equal(JdCloudProviderPlugin.getProviderName(), 'jdcloud');
  });
});
