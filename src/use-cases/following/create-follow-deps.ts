import type { S3Client } from '@aws-sdk/client-s3';
import { createJdCloudClient, createVmApi, type JdCloudClient, type JdCloudCredentials } from '../../adapters/jdcloud/index.js';
import { ossClientFor } from '../../adapters/oss/index.js';
import type { Logger } from '../../kernel/index.js';
import type { Config } from '../config/index.js';
import { jdcloudImportTracker } from '../operations/index.js';
import type { FollowDeps, FollowTiming } from './follow-deps.js';
import { followerJdClientLimits } from './step-time.js';

export interface FollowDepsOptions {
  logger: Logger;
  /** The OSS client to use (the pipeline's, say); default a new one, closed with the deps. */
  s3?: S3Client;
  timing?: Partial<FollowTiming>;
  /** The process stopping: see FollowDeps.signal. */
  signal?: AbortSignal;
}

/**
 * The client with `signal` on every call, so a stopping process does not wait for JD's answer
 * or the client's retries. Not for copyImages: its answer must be recorded (no clientToken).
 */
function stoppedBy(client: JdCloudClient, signal: AbortSignal | undefined): JdCloudClient {
  if (signal === undefined) return client;
  return { endpoint: client.endpoint, service: client.service, call: (input) => client.call({ ...input, signal: input.signal ?? signal }), close: () => client.close() };
}

/**
 * Wires a follower from the configuration: the OSS client, a VM client with retries (polls,
 * describeImages, shareImage) and one without (copyImages: no clientToken, see copyImagesOutcome),
 * and the notification target.
 */
export function createFollowDeps(config: Config, credentials: JdCloudCredentials, options: FollowDepsOptions): FollowDeps & { close(): Promise<void> } {
  const s3 = options.s3 ?? ossClientFor(config, credentials);
  // The follower's limits (followerJdClientLimits): a call never outlasts what the step's budget counts on.
  const vmClient = (maxAttempts: number): JdCloudClient =>
    createJdCloudClient({ endpoint: config.vmEndpoint, service: 'vm', credentials, retry: { ...followerJdClientLimits.retry, maxAttempts }, timeouts: followerJdClientLimits.timeouts });
  const client = vmClient(followerJdClientLimits.retry.maxAttempts);
  const copyClient = vmClient(1);
  const { notify } = config.follow;
  return {
    s3,
    statusPrefix: config.statusPrefix,
    tracker: jdcloudImportTracker(stoppedBy(client, options.signal)),
    vm: createVmApi(stoppedBy(client, options.signal)),
    copier: createVmApi(copyClient),
    ...(notify !== undefined ? { notify: { url: notify.url, ...(notify.secret !== undefined ? { secret: notify.secret } : {}) } } : {}),
    maxFollowMs: config.follow.maxFollowMs,
    now: () => new Date(),
    logger: options.logger,
    ...(options.timing !== undefined ? { timing: options.timing } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    async close() {
      if (options.s3 === undefined) s3.destroy();
      await Promise.all([client.close(), copyClient.close()]);
    },
  };
}
