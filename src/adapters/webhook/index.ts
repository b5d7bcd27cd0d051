// Outgoing webhooks: notifications POSTed to IMAGE_NOTIFY_URL.
export { deliverNotification, deliveryWorstCaseMs } from './deliver-notification.js';
export type { DeliveryOptions, NotificationDelivery, WebhookTarget } from './deliver-notification.js';
