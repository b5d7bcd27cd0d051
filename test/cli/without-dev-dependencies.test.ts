// The published package ships without its development dependencies (s3rver is one): every
// command but `dev` must load without them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 's3rver' || specifier.startsWith('s3rver/')) throw new Error('s3rver is a development dependency, not installed');
  return next(specifier, context);
}`;
const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--import', 'tsx', 'test/rgw/serve-cli.ts', ...args],
      { cwd: root, env: { PATH: process.env['PATH'] ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

describe('oss-image-import without development dependencies', () => {
  it('prints its version and a command\'s help when s3rver cannot be loaded', async () => {
    const version = await cli(['--version']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const help = await cli(['inspect', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: oss-image-import inspect /);
  });
});
