import type { S3Client } from '@aws-sdk/client-s3';
import { type Config, loadConfig } from '../config/index.js';
import { createJdCloudClient, importImage, loadCredentials, type RetryNotice } from '../../adapters/jdcloud/index.js';
import { createImageUrlSigner, ossClientFor } from '../../adapters/oss/index.js';
import { createLogger, type Logger } from '../../kernel/index.js';
import type { PipelineDeps } from './pipeline.js';

export interface PipelineDepsOptions {
  logger?: Logger;
  config?: Config;
  /** Told of every VM API retry, e.g. so a backfill slows down on 429. */
  onApiRetry?: (notice: RetryNotice) => void;
  /** The deployed function's timeout: unpacking a packed upload must fit in it (issue 14). */
  unpackTimeLimitSeconds?: number;
}

/**
 * Wires the pipeline from the environment (names in README.md, "Environment"): one OSS client, one
 * VM API client with its keep-alive pool, one presigner per region. Throws ConfigError or
 * MissingCredentialsError naming the variable at fault.
 */
export function createPipelineDeps(env: NodeJS.ProcessEnv, options: PipelineDepsOptions = {}): PipelineDeps & { close(): Promise<void> } {
  const config = options.config ?? loadConfig(env);
  const credentials = loadCredentials(env);
  const logger = options.logger ?? createLogger();
  const s3 = ossClientFor(config, credentials);
  const client = createJdCloudClient({
    endpoint: config.vmEndpoint,
    service: 'vm',
    credentials,
    onRetry: (notice) => {
      logger.warn({ attempt: notice.attempt, delayMs: notice.delayMs, error: notice.error.message }, 'retrying VM API call');
      options.onApiRetry?.(notice);
    },
  });
  const signers = new Map<string, S3Client>();
  return {
    s3,
    // Only the call the pipeline makes: the other VM operations' schemas stay out of the function's bundle.
    vm: { importImage: (regionId, input) => importImage(client, regionId, input) },
    imageUrlSigner(region) {
      let signer = signers.get(region);
      if (signer === undefined) {
        signer = createImageUrlSigner(region, credentials);
        signers.set(region, signer);
      }
      return signer;
    },
    config,
    now: () => new Date(),
    logger,
    ...(options.unpackTimeLimitSeconds !== undefined ? { unpackTimeLimitSeconds: options.unpackTimeLimitSeconds } : {}),
    async close() {
      s3.destroy();
      await client.close();
    },
  };
}
