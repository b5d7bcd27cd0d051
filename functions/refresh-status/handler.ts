// Two entry points in one function. With `{"follow": …}` it is the follower of one import
// (follow.ts: invoked by the import function and by itself, no scheduler). Otherwise it is the
// scheduled refresh: moves status records along (importing → ready / error) by asking JD Cloud
// about the imports still under way, for every bucket in IMAGE_ALLOWED_BUCKETS. It reads only the
// records with an in-flight marker and those written in the last hour (refreshInFlight);
// `status --refresh` is the full scan.
import { ConfigError, loadConfig } from '../../src/use-cases/config/index.js';
import { createJdCloudClient, loadCredentials } from '../../src/adapters/jdcloud/index.js';
import { createLogger } from '../../src/kernel/index.js';
import { ossClientFor } from '../../src/adapters/oss/index.js';
import { jdcloudImportTracker, refreshInFlight } from '../../src/use-cases/operations/index.js';
import { parseFollowEvent } from '../../src/domain/following/index.js';
import type { FollowInvocationSummary } from '../../src/use-cases/following/index.js';
import { follow } from './follow.js';

export interface RefreshSummary {
  buckets: Array<{
    bucket: string;
    /** Status records in the bucket (listed, not read). */
    records: number;
    /** In-flight markers listed. */
    inFlight: number;
    /** Unmarked records written in the last hour, read in case their marker went missing. */
    recentUnmarked: number;
    /** Record GETs: one per marker and per recent unmarked record, one more per record written back or marker deleted. */
    read: number;
    changed: number;
    /** Marked records missing or unreadable. */
    unreadable: number;
    /** Markers written for in-flight records found without one. */
    markersWritten: number;
    markersDeleted: number;
  }>;
  apiCalls: number;
}

/** Follows one import (a follow event), or refreshes every allowed bucket (a timer tick: its event carries nothing we need). */
export async function handler(event?: unknown, context?: unknown): Promise<RefreshSummary | FollowInvocationSummary | { invalidFollowEvent: string }> {
  const followEvent = parseFollowEvent(event);
  if (followEvent === undefined) return refreshAll();
  if ('problem' in followEvent) {
    // A malformed follow event will not mend by being delivered again: logged, not thrown (which fc would retry).
    createLogger({ name: 'follow' }).error({ problem: followEvent.problem }, 'follow event not understood');
    return { invalidFollowEvent: followEvent.problem };
  }
  return follow(followEvent.request, context);
}

async function refreshAll(): Promise<RefreshSummary> {
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
      const result = await refreshInFlight(s3, { bucket, statusPrefix: config.statusPrefix }, { tracker, now: new Date() });
      const summary = {
        bucket,
        records: result.records,
        inFlight: result.markers,
        recentUnmarked: result.recentUnmarked,
        read: result.reads,
        changed: result.changed,
        unreadable: result.unreadable,
        markersWritten: result.markersWritten,
        markersDeleted: result.markersDeleted,
      };
      logger.info(summary, 'status records refreshed');
      if (result.markerFailures.length > 0) {
        // Most likely a key without oss:DeleteObject on the status prefix (docs/deploy.md).
        logger.warn({ bucket, failures: result.markerFailures.length, first: result.markerFailures[0] }, 'in-flight markers not written or removed');
      }
      buckets.push(summary);
    }
    return { buckets, apiCalls: tracker.calls() };
  } finally {
    s3.destroy();
    await client.close();
  }
}
