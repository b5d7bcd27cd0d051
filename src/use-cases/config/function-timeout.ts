import { fcLimits } from '../../domain/jdcloud-rules/index.js';
import { ConfigError } from './config-error.js';
import { nonEmpty } from './env-value.js';

/** A number of seconds fc allows as a function's timeout (FunctionSpec.timeout, 1–900), or undefined when unset. */
export function timeoutSecondsOf(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < fcLimits.minTimeoutSeconds || seconds > fcLimits.maxTimeoutSeconds) {
    throw new ConfigError(`${name}="${raw}" is not allowed: use a whole number of seconds from ${fcLimits.minTimeoutSeconds} to ${fcLimits.maxTimeoutSeconds}.`);
  }
  return seconds;
}

/**
 * The deployed function's own timeout, which unpacking a packed upload must fit in (issue 14) and
 * the follower plans its steps by: OSS_IMAGE_IMPORT_FC_TIMEOUT, which the plugin sets on every
 * function (fc documents no context to read it from). Without it, fc's maximum (the function
 * cannot run longer). Only the functions read it: the CLI and `serve` have no limit.
 */
export function functionTimeoutSeconds(follow: { functionTimeoutSeconds?: number }): number {
  return follow.functionTimeoutSeconds ?? fcLimits.maxTimeoutSeconds;
}
