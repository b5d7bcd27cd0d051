/**
 * What the endpoint does with one notification body (parsed JSON). It resolves only once every
 * record is recorded (status records written, or the rejection logged). `transientFailure`
 * tells the sender to retry (answered with 503): safe, because the pipeline is idempotent;
 * `unrecognised` tells it its format is not understood (400).
 * Throwing is treated like a transient failure (answered with 500).
 */
export type NotificationHandler = (event: unknown) => Promise<NotificationOutcome>;

export interface NotificationOutcome {
  transientFailure: boolean;
  /** Set when no record of the body is one the handler understands: answered with 400 and this message. */
  unrecognised?: string;
}

/** Structured log sink; pino's `Logger` fits. Lines must never carry the token. */
export interface ServeLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentServeLog: ServeLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
