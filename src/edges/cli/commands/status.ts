import { loadConfig } from '../../../use-cases/config/index.js';
import { createJdCloudClient, loadCredentials } from '../../../adapters/jdcloud/index.js';
import { ossClientFor } from '../../../adapters/oss/index.js';
import { jdcloudImportTracker, type MarkerSummary, readAndRefreshBucket, renderStatusTable, statusRow } from '../../../use-cases/operations/index.js';
import { envWithRegionOption, UsageError } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { parseS3Uri, type S3Location } from '../s3-uri.js';
import type { CliCommand } from './command.js';
import { followInCli, unfinishedFollowRequests } from './follow-through.js';
import { createLogger } from '../../../kernel/index.js';

function locationOf(positional: string | undefined, allowedBuckets: string[] | undefined): S3Location {
  if (positional !== undefined) return parseS3Uri(positional, { keyRequired: false });
  if (allowedBuckets?.length === 1 && allowedBuckets[0] !== undefined) return { bucket: allowedBuckets[0], key: '' };
  throw new UsageError('Name the bucket: status s3://bucket[/prefix] (or set IMAGE_ALLOWED_BUCKETS to one bucket).');
}

/** What the full scan did to the in-flight index, when it did anything. */
function markerLines(markers: MarkerSummary): string {
  const restored = markers.restored > 0 ? `, ${markers.restored} put back (a new upload came in)` : '';
  const lines = markers.written > 0 || markers.deleted > 0 || markers.restored > 0 ? [`In-flight markers: ${markers.written} written, ${markers.deleted} removed${restored}.`] : [];
  for (const failure of markers.failed.slice(0, 3)) lines.push(`In-flight marker not updated: ${failure}`);
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * `status`: every status record at a glance; `--refresh` asks JD and moves them along, and
 * brings the in-flight markers in line (the full scan that migrates records written before
 * the markers, or whose marker was never written).
 */
export const statusCommand: CliCommand = {
  name: 'status',
  usage: 'status [s3://bucket[/prefix]] [--refresh] [--follow] [--region R] [--json]',
  summary: 'Show the status records of a bucket; --refresh asks JD Cloud for progress; --follow follows them to the end',
  options: { refresh: { type: 'boolean' }, follow: { type: 'boolean' }, json: { type: 'boolean' }, region: { type: 'string' } },
  positionals: [0, 1],
  async run(args, io) {
    const env = envWithRegionOption(args, io.env);
    const config = loadConfig(env);
    const location = locationOf(args.positionals[0], config.allowedBuckets);
    const credentials = loadCredentials(env);
    const s3 = ossClientFor(config, credentials);
    const client = args.values['refresh'] === true ? createJdCloudClient({ endpoint: config.vmEndpoint, service: 'vm', credentials }) : undefined;
    const tracker = client === undefined ? undefined : jdcloudImportTracker(client);
    try {
      const target = { bucket: location.bucket, prefix: location.key, statusPrefix: config.statusPrefix };
      if (args.values['follow'] === true) {
        // --follow: every import under the prefix whose follow-through is not over, followed here to its end first.
        const listed = await readAndRefreshBucket(s3, target, undefined);
        const records = listed.records.flatMap((entry) => (entry.stored.kind === 'record' ? [entry.stored.record] : []));
        const logger = createLogger({ level: io.env['LOG_LEVEL'] ?? 'warn' });
        await followInCli(unfinishedFollowRequests(records, config, new Date()), { config, env, s3, logger, io });
      }
      const now = new Date();
      const result = await readAndRefreshBucket(
        s3,
        target,
        tracker === undefined ? undefined : { tracker, now },
      );
      if (args.values['json'] === true) {
        io.out(
          `${JSON.stringify(
            {
              bucket: location.bucket,
              prefix: location.key,
              changed: result.changed,
              ...(tracker !== undefined ? { apiCalls: tracker.calls() } : {}),
              ...(result.markers !== undefined ? { inFlightMarkers: result.markers } : {}),
              records: result.records.map((listed) =>
                listed.stored.kind === 'record'
                  ? { key: listed.key, record: listed.stored.record }
                  : { key: listed.key, unreadable: listed.stored.kind === 'unreadable' ? listed.stored.reason : 'missing' },
              ),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        if (result.records.length === 0) io.out(`No status records under s3://${location.bucket}/${config.statusPrefix}${location.key}.\n`);
        else io.out(renderStatusTable(result.records.map((listed) => statusRow(listed, now))));
        if (tracker !== undefined) io.err(`Refreshed: ${result.changed} record(s) changed, ${tracker.calls()} API call(s).\n`);
        if (result.markers !== undefined) io.err(markerLines(result.markers));
      }
      return exitCodes.done;
    } finally {
      s3.destroy();
      await client?.close();
    }
  },
};
