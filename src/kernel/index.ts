export { boundedMap } from './bounded-map.js';
export { listenHttp } from './listen-http.js';
export { createLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export type { Problem } from './problem.js';
export { redactImageUrl, redactSecretsInText } from './redact-secrets.js';
