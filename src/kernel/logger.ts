import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One JSON line per event on stderr (stdout is kept for command results). Secrets never reach
 * a log call; the redaction paths are a second guard for fields that must not leak.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'oss-image-import',
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      base: null,
      redact: { paths: ['*.secretAccessKey', '*.authorization', 'credentials', '*.credentials'], censor: '[redacted]' },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
