import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** What `npx serverless` runs: the osls CLI installed as a devDependency. */
export const serverlessBin = join(repoRoot, 'node_modules', 'osls', 'bin', 'serverless.js');
const fixtureDir = join(repoRoot, 'test', 'plugins', 'fixtures', 'service');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the Serverless Framework CLI for real in a child process. The environment is built
 * from scratch: no JD Cloud or proxy variables leak in from the shell, HOME and the schema
 * cache point at a temporary directory, and every endpoint a test needs is passed in `env`.
 */
export function runServerless(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const home = join(tmpdir(), 'oss-image-import-sls-home');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [serverlessBin, ...args],
      {
        cwd,
        env: { PATH: process.env['PATH'] ?? '', HOME: home, SLS_SCHEMA_CACHE_BASE_DIR: home, ...env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The message osls prints after "Error:" (stdout), without its trailing blank lines. */
export function frameworkError(result: CliResult): string {
  const at = result.stdout.indexOf('Error:\n');
  return at === -1 ? '' : result.stdout.slice(at + 'Error:\n'.length).trimEnd();
}

export interface ServiceDir {
  dir: string;
  writeConfig(yml: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * A throwaway service directory: the fixture handler and a serverless.yml, with `plugins` and
 * `node_modules` linked to the repository's, as in a checkout after `npm install`.
 */
export async function makeServiceDir(yml: string): Promise<ServiceDir> {
  const dir = await mkdtemp(join(tmpdir(), 'oss-image-import-sls-'));
  await cp(join(fixtureDir, 'handler.ts'), join(dir, 'handler.ts'));
  await symlink(join(repoRoot, 'plugins'), join(dir, 'plugins'));
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const service: ServiceDir = {
    dir,
    writeConfig: (text) => writeFile(join(dir, 'serverless.yml'), text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await service.writeConfig(yml);
  return service;
}

/** The fixture serverless.yml, for tests that edit one line of it. */
export const fixtureYml = `service: fixture-images
frameworkVersion: '^4.3.1'

plugins:
  - ./plugins/jdcloud

provider:
  name: jdcloud
  region: cn-north-1
  timeout: 30
  environment:
    JDCLOUD_REGION: cn-north-1
    IMAGE_STATUS_PREFIX: .image-import/

functions:
  importImage:
    handler: handler.handler
    description: plugin test function
    events:
      - oss: { bucket: disk-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 } }
      - oss: { bucket: disk-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .vhd } }
`;
