/**
 * IMAGE_NOTIFY_URL as it may be shown in a message, a log, a status record or a notification:
 * scheme and host only. The path and the query may both carry the receiver's secret (Slack,
 * Discord and Teams webhooks put it in the path; others use `?token=`), so neither is shown.
 */
export function shownWebhookUrl(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
