// The refresh function as the follower (issue 13): invoked asynchronously with `{"follow": …}` by
// the import function (or by itself), it takes one import forward until shortly before its own
// timeout, then invokes itself again with the same request. No scheduler involved.
import { randomUUID } from 'node:crypto';
import * as z from '../../src/kernel/zod.js';
import { createLogger } from '../../src/kernel/index.js';
import { loadCredentials } from '../../src/adapters/jdcloud/index.js';
import type { FollowRequest } from '../../src/domain/following/index.js';
import { loadConfig } from '../../src/use-cases/config/index.js';
import { createFollowDeps, fcHandOff, followInvocation, type FollowInvocationSummary, invocationWindow } from '../../src/use-cases/following/index.js';

/**
 * What fc passes as the context, as far as the follower uses it. fc documents no context
 * (docs/deploy.md), so the timeout comes from OSS_IMAGE_IMPORT_FC_TIMEOUT, which the plugin sets;
 * the context's is only the fallback.
 */
const contextSchema = z.object({
  requestId: z.optional(z.string()),
  function: z.optional(z.object({ timeout: z.optional(z.number()) })),
});

export async function follow(request: FollowRequest, rawContext: unknown): Promise<FollowInvocationSummary> {
  const startedAtMs = Date.now();
  const parsed = contextSchema.safeParse(rawContext ?? {});
  const context = parsed.success ? parsed.data : {};
  const logger = createLogger({ name: 'follow' });
  const config = loadConfig(process.env);
  if (config.allowedBuckets !== undefined && !config.allowedBuckets.includes(request.bucket)) {
    logger.warn({ bucket: request.bucket, key: request.key }, 'follow request for a bucket not in IMAGE_ALLOWED_BUCKETS: ignored');
    return { follow: { bucket: request.bucket, key: request.key, hop: request.hop, outcome: 'absent', steps: 0 } };
  }
  const credentials = loadCredentials(process.env);
  const deps = createFollowDeps(config, credentials, { logger });
  const handOff = config.follow.fc === undefined ? undefined : fcHandOff(config.follow.fc, credentials);
  try {
    const summary = await followInvocation(request, deps, handOff, {
      // Unique per invocation: a second delivery of the same event is another follower.
      holder: context.requestId ?? `invocation-${randomUUID()}`,
      ...invocationWindow(startedAtMs, config.follow.functionTimeoutSeconds ?? context.function?.timeout, config.follow.sliceSeconds),
    });
    logger.info(summary.follow, 'follow-through slice ended');
    return summary;
  } finally {
    await Promise.all([deps.close(), handOff?.close()]);
  }
}
