// Notifications to IMAGE_NOTIFY_URL: the document and its signed headers (pure; sending is in adapters/webhook).
export { minNotifySecretLength, notificationDocument, notificationEvents, notificationHeaders, notificationIdFor, notificationRequestHeaders } from './notification.js';
export type { NotificationDocument, NotificationEvent } from './notification.js';
export { shownWebhookUrl } from './webhook-url.js';
