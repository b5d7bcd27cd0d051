import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listZipEntries, readZipEntry } from '../../src/adapters/jdcloud/fc/index.js';
import { repoRoot, runServerless } from './serverless-cli.js';

/** The repository's importImage once per Node major: one function each, no triggers. */
function matrixYml(majors: readonly number[]): string {
  const functions = majors.map((major) => `  importImage${major}:\n    handler: functions/import-image/handler.handler\n    runtime: nodejs${major}\n`).join('');
  return `service: runtime-matrix\nframeworkVersion: '^4.3.1'\nplugins:\n  - ./plugins/jdcloud\nprovider:\n  name: jdcloud\n  region: cn-north-1\nfunctions:\n${functions}`;
}

/**
 * `serverless package` of importImage for each major (its own esbuild target and shims), every
 * zip unpacked into `<work>/node<major>/` as fc's code directory holds it: no package.json
 * above it, the zip's files side by side. Resolves the file names of each zip, in zip order.
 */
export async function packageRuntimeMatrix(work: string, majors: readonly number[]): Promise<Map<number, string[]>> {
  const service = join(work, 'service');
  await mkdir(service);
  for (const name of ['functions', 'src', 'plugins', 'node_modules', 'package.json', 'tsconfig.json']) await symlink(join(repoRoot, name), join(service, name));
  await writeFile(join(service, 'serverless.yml'), matrixYml(majors));
  const packaged = await runServerless(service, ['package', '--package', join(work, 'out')]);
  if (packaged.code !== 0) throw new Error(`serverless package failed:\n${packaged.stdout}${packaged.stderr}`);
  const names = new Map<number, string[]>();
  for (const major of majors) {
    const zip = await readFile(join(work, 'out', `importImage${major}.zip`));
    const entries = listZipEntries(zip);
    await mkdir(join(work, `node${major}`));
    for (const entry of entries) await writeFile(join(work, `node${major}`, entry.name), readZipEntry(zip, entry));
    names.set(major, entries.map((entry) => entry.name));
  }
  return names;
}
