// `import { signRequest } from 'oss-image-import/jdcloud'` works for users: the package's own
// "exports" map, resolved by Node against a tsc build of src/jdcloud (built into a temporary
// copy of the package so the test does not depend on the rest of the tree compiling).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

test('the package self-imports oss-image-import/jdcloud after a tsc build', async (t) => {
  const packageRoot = await mkdtemp(join(tmpdir(), 'oss-image-import-export-'));
  t.after(() => rm(packageRoot, { recursive: true, force: true }));

  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(
    join(packageRoot, 'package.json'),
    JSON.stringify({ name: manifest['name'], type: manifest['type'], exports: manifest['exports'] }),
  );
  await symlink(join(repoRoot, 'node_modules'), join(packageRoot, 'node_modules'), 'dir');
  await writeFile(
    join(packageRoot, 'tsconfig.json'),
    JSON.stringify({
      extends: join(repoRoot, 'tsconfig.build.json'),
      compilerOptions: { rootDir: repoRoot, outDir: join(packageRoot, 'dist') },
      include: [],
      files: [join(repoRoot, 'src/adapters/jdcloud/index.ts')],
    }),
  );
  await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(packageRoot, 'tsconfig.json')]);

  await writeFile(
    join(packageRoot, 'probe.mjs'),
    `import { signRequest } from 'oss-image-import/jdcloud';
const headers = signRequest({
  method: 'GET',
  url: 'https://vm.jdcloud-api.com/v1/regions/cn-north-1/imageTasks?taskAction=ImportImage&taskStatus=running&pageNumber=1&pageSize=10&taskIds.1=1234&taskIds.2=5678',
  headers: { accept: 'application/json' },
  credentials: { accessKeyId: 'AKEXAMPLE0123456789', secretAccessKey: 'SKEXAMPLEabcdefghijklmnop0123456789' },
  region: 'cn-north-1',
  service: 'vm',
  date: new Date('2024-05-06T07:08:09Z'),
  nonce: '6f1c4a1e-7d2b-4c3a-9e8f-0123456789ab',
});
process.stdout.write(headers.authorization);
`,
  );
  const { stdout } = await run(process.execPath, [join(packageRoot, 'probe.mjs')], { cwd: packageRoot });
  // Vector V2 of the shared fixture (jdcloud-sdk-js output).
  assert.equal(
    stdout,
    'JDCLOUD2-HMAC-SHA256 Credential=AKEXAMPLE0123456789/20240506/cn-north-1/vm/jdcloud2_request, SignedHeaders=accept;content-type;host;x-jdcloud-date;x-jdcloud-nonce, Signature=386ab4fadc5b699adee76ffb034c899326e7fa0f41535ad738744bc8b6360588',
  );
  const declarations = await readFile(join(packageRoot, 'dist/src/adapters/jdcloud/index.d.ts'), 'utf8');
  assert.match(declarations, /signRequest/);
});
