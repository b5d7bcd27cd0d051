export { ConfigError } from './config-error.js';
export { loadConfig } from './config.js';
export type { Config } from './config.js';
export { functionTimeoutSeconds } from './function-timeout.js';
export { defaultFollowMaxHours, loadFollowConfig, platformEnvironmentNames } from './follow-config.js';
export type { FcFollower, FollowConfig, NotifyConfig } from './follow-config.js';
