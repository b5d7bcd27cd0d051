import { minNotifySecretLength, shownWebhookUrl } from '../../domain/notification/index.js';
import { defaultFcEndpoint, isRegionId } from '../../domain/jdcloud-rules/index.js';
import { isLoopbackHost, parseEndpoint } from '../../adapters/jdcloud/index.js';
import { ConfigError } from './config-error.js';
import { nonEmpty } from './env-value.js';
import { timeoutSecondsOf } from './function-timeout.js';

/**
 * Variables the plugin adds to every deployed function (docs/deploy.md), so a function finds
 * itself and its siblings in fc: the import hands off to the refresh function, which re-invokes
 * itself (asynchronous invocations, docs/reference/jdcloud-api.md §3.1). Defined once: the plugin
 * writes them, the functions read them.
 */
export const platformEnvironmentNames = {
  service: 'OSS_IMAGE_IMPORT_FC_SERVICE',
  functionName: 'OSS_IMAGE_IMPORT_FC_FUNCTION',
  refreshFunction: 'OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION',
  region: 'OSS_IMAGE_IMPORT_FC_REGION',
  endpoint: 'JDCLOUD_FC_ENDPOINT',
  /** The function's own timeout in seconds: fc documents no context, so the follower cannot count on reading it there. */
  timeout: 'OSS_IMAGE_IMPORT_FC_TIMEOUT',
} as const;

/** Where the follower runs in fc: the refresh function of this service, invoked asynchronously. */
export interface FcFollower {
  service: string;
  functionName: string;
  region: string;
  endpoint: string;
}

export interface NotifyConfig {
  /** IMAGE_NOTIFY_URL; its path or query may hold the receiver's token, so only its origin is ever shown. */
  url: URL;
  /** IMAGE_NOTIFY_SECRET: signs each body (HMAC-SHA256). */
  secret?: string;
}

export interface FollowConfig {
  /** IMAGE_FOLLOW_MAX_HOURS as milliseconds: after it, what is still under way is given up. */
  maxFollowMs: number;
  notify?: NotifyConfig;
  /** Set when deployed by the plugin: the function to hand imports to. */
  fc?: FcFollower;
  /** OSS_IMAGE_IMPORT_FC_TIMEOUT, set by the plugin: this function's timeout in seconds. */
  functionTimeoutSeconds?: number;
  /** IMAGE_FOLLOW_SLICE_SECONDS: how long one follower invocation goes on before it hands on (default: as long as its timeout allows). */
  sliceSeconds?: number;
}

export const defaultFollowMaxHours = 24;
/** A week: JD's import queue takes hours at worst, and a presigned imageUrl lives at most 168 h. */
const maxFollowHours = 168;

/** https, or plain http only to a loopback receiver (the rule the JD client applies to its endpoints). */
function notifyUrlOf(raw: string): URL {
  // The value may carry a receiver's token in its path or query: messages show its origin only.
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`IMAGE_NOTIFY_URL is not a URL: use https://host/path (http only for localhost or 127.0.0.1).`);
  }
  const shown = shownWebhookUrl(url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError(`IMAGE_NOTIFY_URL="${shown}" is not allowed: use https (plain http only for localhost or 127.0.0.1).`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`IMAGE_NOTIFY_URL="${shown}" has a user name or password: put a receiver's token in the query or use IMAGE_NOTIFY_SECRET.`);
  }
  return url;
}

function notifyOf(env: NodeJS.ProcessEnv): NotifyConfig | undefined {
  const rawUrl = nonEmpty(env['IMAGE_NOTIFY_URL']);
  const secret = env['IMAGE_NOTIFY_SECRET'];
  if (secret !== undefined && secret !== '' && [...secret].length < minNotifySecretLength) {
    // Never the value: it is a secret.
    throw new ConfigError(`IMAGE_NOTIFY_SECRET is ${[...secret].length} characters long: use at least ${minNotifySecretLength} (e.g. openssl rand -hex 24).`);
  }
  if (rawUrl === undefined) {
    if (secret !== undefined && secret !== '') throw new ConfigError('IMAGE_NOTIFY_SECRET is set but IMAGE_NOTIFY_URL is not: set the URL notifications go to, or unset the secret.');
    return undefined;
  }
  return { url: notifyUrlOf(rawUrl), ...(secret !== undefined && secret !== '' ? { secret } : {}) };
}

/**
 * The deployed follower, when the plugin's variables are all there (none of them outside fc).
 * `serverless invoke local` sets IS_LOCAL=true: a local run hands nothing to the deployed functions.
 */
function fcFollowerOf(env: NodeJS.ProcessEnv): FcFollower | undefined {
  if (env['IS_LOCAL'] === 'true') return undefined;
  const service = nonEmpty(env[platformEnvironmentNames.service]);
  const functionName = nonEmpty(env[platformEnvironmentNames.refreshFunction]);
  const region = nonEmpty(env[platformEnvironmentNames.region]);
  const endpoint = nonEmpty(env[platformEnvironmentNames.endpoint]);
  if (service === undefined || functionName === undefined || region === undefined) return undefined;
  if (!isRegionId(region)) throw new ConfigError(`${platformEnvironmentNames.region}="${region}" is not a JD Cloud region id, e.g. cn-north-1.`);
  const checked = parseEndpoint(endpoint ?? defaultFcEndpoint, platformEnvironmentNames.endpoint);
  return { service, functionName, region, endpoint: `${checked.origin}${checked.basePath}` };
}

/** Reads the follow-through settings; throws ConfigError naming the variable at fault. */
export function loadFollowConfig(env: NodeJS.ProcessEnv): FollowConfig {
  const rawHours = nonEmpty(env['IMAGE_FOLLOW_MAX_HOURS']);
  const hours = rawHours === undefined ? defaultFollowMaxHours : Number(rawHours);
  if (!Number.isInteger(hours) || hours < 1 || hours > maxFollowHours) {
    throw new ConfigError(`IMAGE_FOLLOW_MAX_HOURS="${rawHours ?? ''}" is not allowed: use a whole number from 1 to ${maxFollowHours}.`);
  }
  const notify = notifyOf(env);
  const fc = fcFollowerOf(env);
  const functionTimeoutSeconds = timeoutSecondsOf(env, platformEnvironmentNames.timeout);
  const sliceSeconds = timeoutSecondsOf(env, 'IMAGE_FOLLOW_SLICE_SECONDS');
  return {
    maxFollowMs: hours * 3_600_000,
    ...(notify !== undefined ? { notify } : {}),
    ...(fc !== undefined ? { fc } : {}),
    ...(functionTimeoutSeconds !== undefined ? { functionTimeoutSeconds } : {}),
    ...(sliceSeconds !== undefined ? { sliceSeconds } : {}),
  };
}
