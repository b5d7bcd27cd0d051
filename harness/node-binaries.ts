import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The Node binaries at hand, one per major, this process's own first: those listed in
 * OSS_IMAGE_IMPORT_NODE_BINARIES (colon-separated; .ci/run sets it from scripts/node-runtimes.sh
 * install), then any the script has cached (NODE_RUNTIMES_CACHE, default
 * ~/.cache/oss-image-import/node-runtimes/node<major>/node_modules/node/bin/node).
 */
export function nodeBinaries(env: NodeJS.ProcessEnv = process.env): Array<{ binary: string; major: number }> {
  const cache = env['NODE_RUNTIMES_CACHE'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'oss-image-import', 'node-runtimes');
  const cached = [16, 18, 20, 22, 24].map((major) => join(cache, `node${major}`, 'node_modules', 'node', 'bin', 'node')).filter((path) => existsSync(path));
  const listed = (env['OSS_IMAGE_IMPORT_NODE_BINARIES'] ?? '').split(':').filter((path) => path !== '');
  const byMajor = new Map<number, string>();
  for (const binary of [process.execPath, ...listed, ...cached]) {
    const major = Number(/^v(\d+)\./.exec(execFileSync(binary, ['--version'], { encoding: 'utf8' }))?.[1]);
    if (!byMajor.has(major)) byMajor.set(major, binary);
  }
  return [...byMajor].map(([major, binary]) => ({ binary, major }));
}
