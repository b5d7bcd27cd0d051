// Where the Ceph RGW started by scripts/rgw/start.sh is. Used by the RGW suites and by
// bench/rgw.bench.ts; free of node:test so a benchmark can import it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface RgwEndpoint {
  endpoint: string;
  /** The region the gateway's buckets are created in (RGW refuses others as LocationConstraint). */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type RgwAvailability = { available: true; rgw: RgwEndpoint } | { available: false; reason: string };

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const defaultEnvFile = `${repoRoot}.local/rgw/env`;

function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

function radosgwInstalled(): boolean {
  try {
    execFileSync('radosgw', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where RGW is: RGW_* variables when RGW_ENDPOINT is set, else the env file start.sh wrote
 * (RGW_ENV_FILE, default .local/rgw/env). Available only if the endpoint answers HTTP.
 */
export async function findRgw(env: NodeJS.ProcessEnv = process.env): Promise<RgwAvailability> {
  const envFile = env['RGW_ENV_FILE'] ?? defaultEnvFile;
  let values: Record<string, string | undefined> = env;
  if (env['RGW_ENDPOINT'] === undefined) {
    if (!existsSync(envFile)) {
      return {
        available: false,
        reason: radosgwInstalled()
          ? `RGW is installed but not started (no ${envFile})`
          : `radosgw is not installed and RGW_ENDPOINT is not set (no ${envFile})`,
      };
    }
    values = parseEnvFile(readFileSync(envFile, 'utf8'));
  }
  const endpoint = values['RGW_ENDPOINT'];
  const accessKeyId = values['RGW_ACCESS_KEY_ID'];
  const secretAccessKey = values['RGW_SECRET_ACCESS_KEY'];
  if (endpoint === undefined || accessKeyId === undefined || secretAccessKey === undefined) {
    return { available: false, reason: 'RGW_ENDPOINT, RGW_ACCESS_KEY_ID and RGW_SECRET_ACCESS_KEY must all be set' };
  }
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(3000) });
  } catch (error) {
    return { available: false, reason: `nothing answers at ${endpoint} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})` };
  }
  return { available: true, rgw: { endpoint, region: values['RGW_REGION'] ?? 'us-east-1', accessKeyId, secretAccessKey } };
}
