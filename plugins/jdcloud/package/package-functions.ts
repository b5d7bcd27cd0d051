import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fcDocumentedRuntime } from '../../../src/domain/jdcloud-rules/index.js';
import { nodeMajorOf } from '../config/node-runtime.js';
import type { FunctionConfig, ServiceConfig } from '../config/read-service-config.js';
import { bundleFunction } from './bundle-function.js';
import { checkCodePackage, type CodePackageFacts } from './code-size.js';
import { zipEntries, type ZipEntryInput } from './zip-bundle.js';

export interface FunctionArtifact extends CodePackageFacts {
  functionKey: string;
  /** Absolute path of `<packageDir>/<functionKey>.zip`. */
  zipPath: string;
  /** The fc runtime the bundle was built for (`nodejs16`): its esbuild target and shims. */
  runtime: string;
}

/** Next to each zip: the runtime it was built for, so `deploy --package` can check it. */
function runtimeRecordPath(packageDir: string, functionKey: string): string {
  return join(packageDir, `${functionKey}.runtime.json`);
}

/** The zip a function is deployed from, inside the package directory (`.serverless/`). */
export function artifactPath(packageDir: string, functionKey: string): string {
  return join(packageDir, `${functionKey}.zip`);
}

/** The unzipped bundle `invoke local` runs, next to the zips. */
export function localBundleDir(packageDir: string, functionKey: string): string {
  return join(packageDir, 'bundle', functionKey);
}

/** Bundles one function for `runtime` and writes its zip, its runtime record and its unzipped bundle. */
export async function packageFunction(
  config: ServiceConfig,
  fn: FunctionConfig,
  packageDir: string,
  runtime: string,
): Promise<FunctionArtifact & { warnings: string[] }> {
  const bundle = await bundleFunction({
    nodeMajor: nodeMajorOf(runtime) ?? 0,
    functionKey: fn.key,
    entryFile: fn.handlerFile,
    serviceDir: config.serviceDir,
    minify: config.bundle.minify,
    sourcemap: config.bundle.sourcemap,
    awsDefaultCredentialChain: config.bundle.awsDefaultCredentialChain,
  });
  const entries: ZipEntryInput[] = [{ name: 'index.js', data: bundle.code }];
  if (bundle.sourceMap !== undefined) entries.push({ name: 'index.js.map', data: bundle.sourceMap });
  for (const file of bundle.lazyFiles) {
    entries.push({ name: file.name, data: file.code });
    if (file.sourceMap !== undefined) entries.push({ name: `${file.name}.map`, data: file.sourceMap });
  }
  const zip = await zipEntries(entries);
  const facts = checkCodePackage(fn.key, zip);
  const zipPath = artifactPath(packageDir, fn.key);
  const bundleDir = localBundleDir(packageDir, fn.key);
  await rm(bundleDir, { recursive: true, force: true });
  await mkdir(bundleDir, { recursive: true });
  await Promise.all([
    writeFile(zipPath, zip),
    writeFile(runtimeRecordPath(packageDir, fn.key), `${JSON.stringify({ runtime })}\n`),
    ...entries.map((entry) => writeFile(join(bundleDir, entry.name), entry.data)),
    // In fc the zip's root has no package.json, so index.js is CommonJS; here the nearest one
    // may say "type": "module" (this repository's does), so the bundle directory says otherwise.
    writeFile(join(bundleDir, 'package.json'), '{ "type": "commonjs" }\n'),
  ]);
  return { ...facts, functionKey: fn.key, zipPath, runtime, warnings: bundle.warnings };
}

/** Reads an existing zip (from an earlier `package`, or `deploy --package <dir>`) and checks it. */
export async function readFunctionArtifact(packageDir: string, functionKey: string): Promise<FunctionArtifact & { zip: Buffer }> {
  const zipPath = artifactPath(packageDir, functionKey);
  const zip = await readFile(zipPath);
  const record = JSON.parse(await readFile(runtimeRecordPath(packageDir, functionKey), 'utf8').catch(() => '{}')) as { runtime?: unknown };
  // A zip without a record (packaged by hand) is taken as built for the documented runtime.
  const runtime = typeof record.runtime === 'string' ? record.runtime : fcDocumentedRuntime;
  return { ...checkCodePackage(functionKey, zip), functionKey, zipPath, runtime, zip };
}

/** Removes what an earlier `package` wrote, and nothing else a user may keep in the directory. */
export async function cleanPackageDir(packageDir: string, functionKeys: readonly string[]): Promise<void> {
  await Promise.all([
    rm(join(packageDir, 'bundle'), { recursive: true, force: true }),
    ...functionKeys.flatMap((key) => [rm(artifactPath(packageDir, key), { force: true }), rm(runtimeRecordPath(packageDir, key), { force: true })]),
  ]);
  await mkdir(packageDir, { recursive: true });
}
