// The scheduled entry point: moves status records along (importing → ready / error) by asking
// JD Cloud about the imports still under way, for every bucket in IMAGE_ALLOWED_BUCKETS.
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { createJdCloudClient } from '../../src/jdcloud/client/create-jdcloud-client.js';
import { loadCredentials } from '../../src/jdcloud/credentials.js';
import { createLogger } from '../../src/importing/logger.js';
import { ossClientFor } from '../../src/oss/oss-client.js';
import { jdcloudImportTracker } from '../../src/operations/jdcloud-import-tracker.js';
import { readAndRefreshBucket } from '../../src/operations/refresh-bucket.js';

export interface RefreshSummary {
  buckets: Array<{ bucket: string; records: number; changed: number; unreadable: number }>;
  apiCalls: number;
}

/** Refreshes every allowed bucket; the event (a timer tick) carries nothing we need. */
export async function handler(_event?: unknown, _context?: unknown): Promise<RefreshSummary> {
  const config = loadConfig(process.env);
  if (config.allowedBuckets === undefined || config.allowedBuckets.length === 0) {
    throw new ConfigError('IMAGE_ALLOWED_BUCKETS is not set: the refresh function needs the buckets whose status records it keeps up to date.');
  }
  const credentials = loadCredentials(process.env);
  const logger = createLogger({ name: 'refresh-status' });
  const s3 = ossClientFor(config, credentials);
  const client = createJdCloudClient({ endpoint: config.vmEndpoint, service: 'vm', credentials });
  const tracker = jdcloudImportTracker(client);
  try {
    const buckets: RefreshSummary['buckets'] = [];
    for (const bucket of config.allowedBuckets) {
      const result = await readAndRefreshBucket(s3, { bucket, prefix: '', statusPrefix: config.statusPrefix }, { tracker, now: new Date() });
      const summary = {
        bucket,
        records: result.records.length,
        changed: result.changed,
        unreadable: result.records.filter((listed) => listed.stored.kind !== 'record').length,
      };
      logger.info(summary, 'status records refreshed');
      buckets.push(summary);
    }
    return { buckets, apiCalls: tracker.calls() };
  } finally {
    s3.destroy();
    await client.close();
  }
}
