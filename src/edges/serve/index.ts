export type { NotificationHandler } from './notification-handler.js';
export { startNotificationServer } from './notification-server.js';
export { notifyTokenFromEnv } from './notify-token.js';
export { pipelineImportsNothing, pipelineNotificationHandler } from './pipeline-notification-handler.js';
export type { PipelineNotificationOutcome } from './pipeline-notification-handler.js';
