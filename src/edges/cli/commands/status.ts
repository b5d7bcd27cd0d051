import { loadConfig } from '../../../use-cases/config/index.js';
import { createJdCloudClient, loadCredentials } from '../../../adapters/jdcloud/index.js';
import { ossClientFor } from '../../../adapters/oss/index.js';
import { jdcloudImportTracker, type MarkerSummary, readAndRefreshBucket, statusRow } from '../../../use-cases/operations/index.js';
import { envWithRegionOption, UsageError } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { parseS3Uri, type S3Location } from '../s3-uri.js';
import { renderTextTable, type TextColumn } from '../text-table.js';
import { type CliCommand, jsonOption, regionOption } from './command.js';
import { followEnvironment, followInCli, unfinishedFollowRequests } from './follow-through.js';
import { cliLogger } from '../log-level.js';
import { cliLogLevel } from './pipeline-command.js';

function locationOf(positional: string | undefined, allowedBuckets: string[] | undefined): S3Location {
  if (positional !== undefined) return parseS3Uri(positional, { keyRequired: false });
  if (allowedBuckets?.length === 1 && allowedBuckets[0] !== undefined) return { bucket: allowedBuckets[0], key: '' };
  throw new UsageError('Name the bucket: status s3://bucket[/prefix] (or set IMAGE_ALLOWED_BUCKETS to one bucket).');
}

/** Keys keep their folder and extension when cut; the message gives way first. */
const statusColumns: TextColumn[] = [
  { title: 'KEY', cut: 'middle', minWidth: 24 },
  { title: 'STATE' },
  { title: 'IMAGE' },
  { title: 'PROGRESS' },
  { title: 'AGE' },
  { title: 'MESSAGE', cut: 'end', minWidth: 16 },
];

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
  summary: 'Show the status records of a bucket; --refresh asks JD Cloud for progress; --follow follows them to the end',
  description:
    'Reads every status record under the prefix and shows key, state, image, progress, age and message (cut to the ' +
    'terminal\'s width on a terminal; whole when piped or with --json). --refresh asks JD for the imports under way, moves ' +
    'their records to importing, ready or error, and puts the in-flight markers in order. --follow first follows every import ' +
    'under the prefix whose follow-through is not over (under way, copies, share or notifications to come) to its end, ' +
    'here, with a progress line on stderr (watching one another follower holds, taking over if its lease runs out).',
  arguments: [{ name: 'location', usage: 's3://bucket[/prefix]', description: 'the bucket, optionally a key prefix (default: the one bucket of IMAGE_ALLOWED_BUCKETS)', required: false }],
  options: [
    { flags: '--refresh', description: 'ask JD Cloud about imports under way and update their records' },
    { flags: '--follow', description: 'follow every unfinished import to its end first: ready, copies, share, notifications' },
    regionOption,
    jsonOption,
  ],
  environment: ['JDCLOUD_ACCESS_KEY_ID', 'JDCLOUD_SECRET_ACCESS_KEY', 'JDCLOUD_REGION', 'OSS_ENDPOINT', 'JDCLOUD_VM_ENDPOINT', 'IMAGE_STATUS_PREFIX', 'IMAGE_ALLOWED_BUCKETS', ...followEnvironment],
  examples: ['status s3://disk-images/', 'status s3://disk-images/base/ --refresh', 'status s3://disk-images/base/ --follow'],
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
        const logger = cliLogger(io.env, cliLogLevel);
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
        else {
          const rows = result.records.map((listed) => statusRow(listed, now)).map((row) => [row.key, row.state, row.imageId, row.progress, row.age, row.message]);
          io.out(renderTextTable(statusColumns, rows, io.isTty ? io.columns : undefined));
        }
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
