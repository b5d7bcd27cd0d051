import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundledFunction, bundleFunction } from '../plugins/jdcloud/package/bundle-function.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/**
 * One of the repository's functions (`functions/<folder>/handler.ts`) bundled as the deploy
 * bundles it: minified, no source map, without the default AWS credential chain.
 */
export function bundleRepositoryFunction(functionKey: string, folder: string, nodeMajor: number): Promise<BundledFunction> {
  return bundleFunction({ functionKey, entryFile: join(repoRoot, 'functions', folder, 'handler.ts'), serviceDir: repoRoot, minify: true, sourcemap: false, awsDefaultCredentialChain: false, nodeMajor });
}
