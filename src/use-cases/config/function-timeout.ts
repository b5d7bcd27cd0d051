import { fcLimits } from '../../domain/jdcloud-rules/index.js';
import { ConfigError } from './config-error.js';

/**
 * The deployed function's timeout, which unpacking a packed upload must fit in (issue 14).
 * serverless.yml passes it as IMAGE_FUNCTION_TIMEOUT_SECONDS; without it, fc's maximum (the
 * function cannot run longer). Only the function reads it: the CLI and `serve` have no limit.
 */
export function functionTimeoutSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env['IMAGE_FUNCTION_TIMEOUT_SECONDS']?.trim();
  if (raw === undefined || raw === '') return fcLimits.maxTimeoutSeconds;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < fcLimits.minTimeoutSeconds || value > fcLimits.maxTimeoutSeconds) {
    throw new ConfigError(`IMAGE_FUNCTION_TIMEOUT_SECONDS="${raw}" is not allowed: use the function's timeout, a whole number from ${fcLimits.minTimeoutSeconds} to ${fcLimits.maxTimeoutSeconds}.`);
  }
  return value;
}
