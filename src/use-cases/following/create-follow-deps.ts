import type { S3Client } from '@aws-sdk/client-s3';
import { createJdCloudClient, createVmApi, type JdCloudClient, type JdCloudCredentials } from '../../adapters/jdcloud/index.js';
import { ossClientFor } from '../../adapters/oss/index.js';
import type { Logger } from '../../kernel/index.js';
import type { Config } from '../config/index.js';
import { jdcloudImportTracker } from '../operations/index.js';
import type { FollowDeps, FollowTiming } from './follow-deps.js';

export interface FollowDepsOptions {
  logger: Logger;
  /** The OSS client to use (the pipeline's, say); default a new one, closed with the deps. */
  s3?: S3Client;
  timing?: Partial<FollowTiming>;
}

/**
 * Wires a follower from the configuration: the OSS client, a VM client with retries (polls,
 * describeImages, shareImage) and one without (copyImages: no clientToken, see copyImagesOutcome),
 * and the notification target.
 */
export function createFollowDeps(config: Config, credentials: JdCloudCredentials, options: FollowDepsOptions): FollowDeps & { close(): Promise<void> } {
  const s3 = options.s3 ?? ossClientFor(config, credentials);
  const vmClient = (retry?: { maxAttempts: number }): JdCloudClient =>
    createJdCloudClient({ endpoint: config.vmEndpoint, service: 'vm', credentials, ...(retry !== undefined ? { retry } : {}) });
  const client = vmClient();
  const copyClient = vmClient({ maxAttempts: 1 });
  const { notify } = config.follow;
  return {
    s3,
    statusPrefix: config.statusPrefix,
    tracker: jdcloudImportTracker(client),
    vm: createVmApi(client),
    copier: createVmApi(copyClient),
    ...(notify !== undefined ? { notify: { url: notify.url, ...(notify.secret !== undefined ? { secret: notify.secret } : {}) } } : {}),
    maxFollowMs: config.follow.maxFollowMs,
    now: () => new Date(),
    logger: options.logger,
    ...(options.timing !== undefined ? { timing: options.timing } : {}),
    async close() {
      if (options.s3 === undefined) s3.destroy();
      await Promise.all([client.close(), copyClient.close()]);
    },
  };
}
