import { numberValue, positiveNumber, wholeNumber } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { parseS3Uri } from '../s3-uri.js';
import { backfill, type BackfillItem, rateLimitedImporter, RateLimiter, renderProgressLine } from '../../../use-cases/operations/index.js';
import { JdCloudApiError } from '../../../adapters/jdcloud/index.js';
import { cliLogLevel, cliPipelineDeps, pipelineEnvironment } from './pipeline-command.js';
import { type CliCommand, jsonOption, regionOption } from './command.js';

/** JD allows about 1000 OpenAPI calls a minute per account; 5/s leaves room for everything else. */
const defaultRate = 5;


function describeItem(item: BackfillItem): string {
  switch (item.outcome) {
    case 'submitted':
      return `image ${item.imageId}, task ${item.taskId}`;
    case 'already-imported':
      return `record says ${item.state}`;
    case 'rejected':
    case 'would-reject':
      return item.problems.map((problem) => problem.message).join(' ');
    case 'failed':
      return item.error;
    case 'would-import':
      return JSON.stringify(item.request);
  }
}

/** `backfill`: import what is already in a bucket, resumably, at a polite rate. */
export const backfillCommand: CliCommand = {
  name: 'backfill',
  summary: 'Import the images already in a bucket (re-runnable)',
  description:
    'Lists the bucket a page at a time, keeps the image keys (.qcow2, .qcow, .vhd, .vmdk, .raw, .img), skips versions a ' +
    'status record already covers and imports the rest through the function\'s pipeline. Ctrl-C lets the objects in ' +
    'flight finish; running the same command again resumes. Exit 0 done, 3 some rejected, 1 some failed or interrupted.',
  arguments: [{ name: 'location', usage: 's3://bucket[/prefix]', description: 'the bucket, optionally a key prefix in it', required: true }],
  options: [
    { flags: '--concurrency <N>', description: 'objects imported at once, 1-64', default: 4, parse: wholeNumber(1, 64) },
    { flags: '--rate <R>', description: "VM API calls per second at most (each 429 halves it; JD allows about 1000 a minute)", default: defaultRate, parse: positiveNumber },
    { flags: '--dry-run', description: 'show what would be imported or rejected; call no API, write nothing' },
    { flags: '--force', description: 're-import versions a status record already covers (a new clientToken)' },
    regionOption,
    jsonOption,
  ],
  environment: [...pipelineEnvironment, 'JDCLOUD_VM_ENDPOINT'],
  examples: ['backfill s3://disk-images/ --dry-run', 'backfill s3://disk-images/base/ --concurrency 8 --rate 2'],
  defaultLogLevel: cliLogLevel,
  async run(args, io) {
    const location = parseS3Uri(args.positionals[0] ?? '', { keyRequired: false });
    const concurrency = numberValue(args, 'concurrency');
    const limiter = new RateLimiter(numberValue(args, 'rate'));
    const json = args.values['json'] === true;
    const deps = cliPipelineDeps(io, args, {
      onApiRetry: (notice) => {
        if (notice.error instanceof JdCloudApiError && notice.error.httpStatus === 429) limiter.slowDown();
      },
    });
    const started = Date.now();
    const items: BackfillItem[] = [];
    let lastDraw = 0;
    const progress = io.isTty && !json;
    try {
      const counts = await backfill(
        { ...deps, vm: rateLimitedImporter(deps.vm, limiter) },
        {
          bucket: location.bucket,
          prefix: location.key,
          concurrency,
          dryRun: args.values['dry-run'] === true,
          force: args.values['force'] === true,
          signal: io.signal,
        },
        (item, current) => {
          if (json) {
            // Memory stays flat: objects a record already covers are counted, not listed.
            if (item.outcome !== 'already-imported') items.push(item);
          } else if (progress) {
            if (item.outcome === 'rejected' || item.outcome === 'failed' || item.outcome === 'would-reject') {
              io.err(`\r\x1b[K${item.outcome}: ${item.key}: ${describeItem(item)}\n`);
            }
            if (Date.now() - lastDraw > 100) {
              lastDraw = Date.now();
              io.err(`\r\x1b[K${renderProgressLine(current, Date.now() - started)}`);
            }
          } else {
            io.out(`${item.outcome}\t${item.key}\t${describeItem(item)}\n`);
          }
        },
      );
      if (json) {
        io.out(`${JSON.stringify({ bucket: location.bucket, prefix: location.key, counts, items }, null, 2)}\n`);
      } else {
        if (progress) io.err(`\r\x1b[K${renderProgressLine(counts, Date.now() - started)}\n`);
        io.err(
          `${counts.interrupted ? 'Interrupted: in-flight objects finished; run the same command again to resume.\n' : ''}` +
            `Listed ${counts.listed} objects, ${counts.images} images: ${counts.submitted} imported, ${counts.alreadyImported} already imported, ` +
            `${counts.rejected} rejected, ${counts.failed} failed${counts.wouldImport > 0 ? `, ${counts.wouldImport} would be imported` : ''}.\n`,
        );
        if (counts.images === 0) io.err(`No image keys (.qcow2, .qcow, .vhd, .vmdk, .raw, .img, or packed: .gz, .xz, .zst, .bz2, .zip, .tar, .tgz, .ova) under s3://${location.bucket}/${location.key}.\n`);
      }
      if (counts.failed > 0 || counts.interrupted) return exitCodes.failed;
      return counts.rejected > 0 ? exitCodes.rejected : exitCodes.done;
    } finally {
      await deps.close();
    }
  },
};
