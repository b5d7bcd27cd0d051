import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionConfig, ServiceConfig } from '../config/read-service-config.js';
import { bundleFunction } from './bundle-function.js';
import { checkCodePackage, type CodePackageFacts } from './code-size.js';
import { zipEntries, type ZipEntryInput } from './zip-bundle.js';

export interface FunctionArtifact extends CodePackageFacts {
  functionKey: string;
  /** Absolute path of `<packageDir>/<functionKey>.zip`. */
  zipPath: string;
}

/** The zip a function is deployed from, inside the package directory (`.serverless/`). */
export function artifactPath(packageDir: string, functionKey: string): string {
  return join(packageDir, `${functionKey}.zip`);
}

/** The unzipped bundle `invoke local` runs, next to the zips. */
export function localBundleDir(packageDir: string, functionKey: string): string {
  return join(packageDir, 'bundle', functionKey);
}

/** Bundles one function and writes both its zip and its unzipped bundle. */
export async function packageFunction(config: ServiceConfig, fn: FunctionConfig, packageDir: string): Promise<FunctionArtifact & { warnings: string[] }> {
  const bundle = await bundleFunction({
    functionKey: fn.key,
    entryFile: fn.handlerFile,
    serviceDir: config.serviceDir,
    minify: config.bundle.minify,
    sourcemap: config.bundle.sourcemap,
    awsDefaultCredentialChain: config.bundle.awsDefaultCredentialChain,
  });
  const entries: ZipEntryInput[] = [{ name: 'index.js', data: bundle.code }];
  if (bundle.sourceMap !== undefined) entries.push({ name: 'index.js.map', data: bundle.sourceMap });
  const zip = await zipEntries(entries);
  const facts = checkCodePackage(fn.key, zip);
  const zipPath = artifactPath(packageDir, fn.key);
  const bundleDir = localBundleDir(packageDir, fn.key);
  await rm(bundleDir, { recursive: true, force: true });
  await mkdir(bundleDir, { recursive: true });
  await Promise.all([
    writeFile(zipPath, zip),
    ...entries.map((entry) => writeFile(join(bundleDir, entry.name), entry.data)),
    // In fc the zip's root has no package.json, so index.js is CommonJS; here the nearest one
    // may say "type": "module" (this repository's does), so the bundle directory says otherwise.
    writeFile(join(bundleDir, 'package.json'), '{ "type": "commonjs" }\n'),
  ]);
  return { ...facts, functionKey: fn.key, zipPath, warnings: bundle.warnings };
}

/** Reads an existing zip (from an earlier `package`, or `deploy --package <dir>`) and checks it. */
export async function readFunctionArtifact(packageDir: string, functionKey: string): Promise<FunctionArtifact & { zip: Buffer }> {
  const zipPath = artifactPath(packageDir, functionKey);
  const zip = await readFile(zipPath);
  return { ...checkCodePackage(functionKey, zip), functionKey, zipPath, zip };
}

/** Removes what an earlier `package` wrote, and nothing else a user may keep in the directory. */
export async function cleanPackageDir(packageDir: string, functionKeys: readonly string[]): Promise<void> {
  await Promise.all([
    rm(join(packageDir, 'bundle'), { recursive: true, force: true }),
    ...functionKeys.map((key) => rm(artifactPath(packageDir, key), { force: true })),
  ]);
  await mkdir(packageDir, { recursive: true });
}
