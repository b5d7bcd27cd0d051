import { createHash } from 'node:crypto';

/**
 * The idempotency token for importImage: the same object version (region, bucket, key, ETag)
 * always gives the same token, so at-least-once delivery and retries never make a second
 * image. 4 + 56 characters, under JD's 64. A `salt` makes a deliberate re-import (`--force`)
 * a new request.
 */
export function clientTokenFor(source: { region: string; bucket: string; key: string; etag: string }, salt?: string): string {
  const digest = createHash('sha256')
    .update([source.region, source.bucket, source.key, source.etag, ...(salt !== undefined ? [salt] : [])].join('\n'))
    .digest('hex');
  return `oii-${digest.slice(0, 56)}`;
}
