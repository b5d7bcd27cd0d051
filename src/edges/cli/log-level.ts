import { createLogger, type Logger } from '../../kernel/index.js';
import { ConfigError } from '../../use-cases/config/index.js';

/** pino's levels, and `silent` for none. */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The command's logger at LOG_LEVEL, or at the command's default when it is unset. A level pino
 * does not know is a ConfigError (exit 2, like any bad value of a variable), not pino's stack trace.
 */
export function cliLogger(env: NodeJS.ProcessEnv, defaultLevel: string): Logger {
  const given = env['LOG_LEVEL']?.trim() ?? '';
  const level = given === '' ? defaultLevel : given.toLowerCase();
  if (!(logLevels as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL=${JSON.stringify(given)} is not allowed: use one of ${logLevels.join(', ')}.`);
  }
  return createLogger({ level });
}
