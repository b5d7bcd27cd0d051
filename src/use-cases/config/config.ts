import * as z from '../../kernel/zod.js';
import { defaultVmEndpoint, isRegionId, maxImportBytes } from '../../domain/jdcloud-rules/index.js';
import { parseEndpoint } from '../../adapters/jdcloud/index.js';
import { followThroughFields, resolveOsFields } from '../../domain/import-request/index.js';
import { ConfigError } from './config-error.js';
import { nonEmpty } from './env-value.js';
import { type FollowConfig, loadFollowConfig } from './follow-config.js';

/** What the function and the CLI read from the environment (names in README.md, "Environment"). */
export interface Config {
  region: string;
  vmEndpoint: string;
  /** Where we read objects from; undefined means the region's public JD OSS endpoint. */
  ossEndpoint?: string;
  statusPrefix: string;
  allowedBuckets?: string[];
  /** Validity of the presigned imageUrl: JD's import may queue for hours. */
  imageUrlExpiresSeconds: number;
  /** Lowest-precedence OS fields, by metadata name (`architecture`, `platform`, …). */
  defaults: Record<string, string>;
  /** Records processed at once within one event. */
  concurrency: number;
  /** IMAGE_UNPACK_MAX_BYTES: past this many unpacked bytes a packed upload is a likely decompression bomb (issue 14). */
  unpackMaxBytes: number;
  /** After the import: the follower's limits, notifications, the deployed follower (issue 13). */
  follow: FollowConfig;
}

const defaultNames = {
  IMAGE_DEFAULT_ARCHITECTURE: 'architecture',
  IMAGE_DEFAULT_OS_TYPE: 'os-type',
  IMAGE_DEFAULT_PLATFORM: 'platform',
  IMAGE_DEFAULT_OS_VERSION: 'os-version',
  IMAGE_DEFAULT_SYSTEM_DISK_SIZE_GB: 'system-disk-size-gb',
  IMAGE_DEFAULT_FORCE_IMPORT: 'force-import',
  IMAGE_DEFAULT_COPY_TO_REGIONS: 'copy-to-regions',
  IMAGE_DEFAULT_SHARE_WITH: 'share-with',
} as const;

function intInRange(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}="${raw}" is not allowed: use a whole number from ${min} to ${max}.`);
  }
  return value;
}

function httpUrl(name: string, raw: string): string {
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${name}="${raw}" is not an http(s) URL, e.g. https://vm.jdcloud-api.com.`);
  }
  return raw.replace(/\/+$/, '');
}

/** The client's own check: https, or plain http only for a loopback emulator. */
function vmEndpointOf(raw: string): string {
  const endpoint = parseEndpoint(raw, 'JDCLOUD_VM_ENDPOINT');
  return `${endpoint.origin}${endpoint.basePath}`;
}

/** Reads and checks the configuration; throws ConfigError naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const region = nonEmpty(env['JDCLOUD_REGION']) ?? 'cn-north-1';
  if (!isRegionId(region)) {
    throw new ConfigError(`JDCLOUD_REGION="${region}" is not a JD Cloud region id, e.g. cn-north-1.`);
  }
  const statusPrefix = env['IMAGE_STATUS_PREFIX'] ?? '.image-import/';
  if (statusPrefix === '' || statusPrefix.startsWith('/') || !statusPrefix.endsWith('/')) {
    // Without the final `/`, a prefix like `status` would also swallow uploads named status-….
    throw new ConfigError(`IMAGE_STATUS_PREFIX="${statusPrefix}" is not allowed: use a folder-like key prefix ending in "/", such as .image-import/.`);
  }
  const allowed = nonEmpty(env['IMAGE_ALLOWED_BUCKETS']);
  const ossEndpoint = nonEmpty(env['OSS_ENDPOINT']);
  const defaults: Record<string, string> = {};
  for (const [variable, field] of Object.entries(defaultNames)) {
    const value = nonEmpty(env[variable]);
    if (value !== undefined) defaults[field] = value;
  }
  // A bad default would reject every upload: refuse it at start-up instead, naming the variable.
  const badDefaults = [...resolveOsFields({}, {}, defaults).problems, ...followThroughFields({}, {}, defaults, region).problems].filter((problem) => problem.code !== 'missing-platform');
  if (badDefaults.length > 0) {
    const variableOf = (field: string) => Object.entries(defaultNames).find(([, name]) => name === field)?.[0] ?? field;
    throw new ConfigError(badDefaults.map((problem) => `${variableOf(problem.field)}: ${problem.message}`).join(' '));
  }
  return {
    region,
    // The client's own check: https, or http only for a loopback emulator.
    vmEndpoint: vmEndpointOf(nonEmpty(env['JDCLOUD_VM_ENDPOINT']) ?? defaultVmEndpoint),
    ...(ossEndpoint !== undefined ? { ossEndpoint: httpUrl('OSS_ENDPOINT', ossEndpoint) } : {}),
    statusPrefix,
    ...(allowed !== undefined ? { allowedBuckets: allowed.split(',').map((name) => name.trim()).filter(Boolean) } : {}),
    imageUrlExpiresSeconds: intInRange('IMAGE_URL_EXPIRES_HOURS', env['IMAGE_URL_EXPIRES_HOURS'], 24, 24, 168) * 3600,
    defaults,
    concurrency: intInRange('IMAGE_IMPORT_CONCURRENCY', env['IMAGE_IMPORT_CONCURRENCY'], 8, 1, 64),
    // JD imports images up to 500 GiB: a larger limit could only let a bomb run longer.
    unpackMaxBytes: intInRange('IMAGE_UNPACK_MAX_BYTES', env['IMAGE_UNPACK_MAX_BYTES'], maxImportBytes, 1, maxImportBytes),
    follow: loadFollowConfig(env),
  };
}
