import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseS3Uri } from '../s3-uri.js';
import { type EventSummary, processUpload } from '../../../use-cases/importing/index.js';
import { followRequestAfter } from '../../../use-cases/following/index.js';
import { cliLogLevel, cliPipelineDeps, cliUpload, pipelineEnvironment } from './pipeline-command.js';
import { type CliCommand, jsonOption, regionOption } from './command.js';
import { followEnvironment, followExitCode, followInCli, followSummaryLine } from './follow-through.js';

/** Says what the pipeline did (on stdout, unless --json) and returns the exit code for it. */
function reportOutcome(outcome: EventSummary['outcomes'][number], io: CliIo, json: boolean): number {
  const where = `s3://${outcome.bucket}/${outcome.key}`;
  switch (outcome.outcome) {
    case 'submitted':
      if (!json) io.out(`Submitted ${where}: image ${outcome.imageId}, task ${outcome.taskId}.\n`);
      return exitCodes.done;
    case 'duplicate':
      if (!json) io.out(`Already ${outcome.state}: ${where}${outcome.imageId !== undefined ? ` (image ${outcome.imageId})` : ''}. Nothing submitted.\n`);
      return exitCodes.done;
    case 'rejected':
      if (!json) io.out(`Rejected ${where}:\n${outcome.problems.map((problem) => `  - ${problem.message}\n`).join('')}`);
      return exitCodes.rejected;
    case 'deferred':
      if (!json) io.out(`Nothing submitted for ${where}: it was unpacked from s3://${outcome.bucket}/${outcome.packedKey}, whose import imports it (with its tags). Import that one instead.\n`);
      return exitCodes.done;
    case 'not-found':
      io.err(`${where} does not exist.\n`);
      return exitCodes.failed;
    case 'failed':
      io.err(`Failed ${where}: ${outcome.error}\n`);
      return exitCodes.failed;
  }
}

/** `import`: the function's pipeline for one object, run from a terminal or a script. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import one object now, exactly as the function would',
  description:
    'Runs the function\'s pipeline for one object: checks it, submits importImage once (a version a status record ' +
    'already covers is not submitted again) and writes the status record. Exit 0 submitted or already imported, 3 rejected, 1 failed. ' +
    'With --wait it then follows the import here until it is ready or in error, copied, shared and notified, with a progress ' +
    'line on stderr; --json then prints the outcome with the final record. Exit 0 ready with every copy and the share done, ' +
    '3 rejected, 1 otherwise (the import, a copy or the share in error, or following stopped before the end).',
  arguments: [{ name: 'object', usage: 's3://bucket/key', description: 'the uploaded image', required: true }],
  options: [{ flags: '--wait', description: 'follow the import to its end: ready, copies, share, notifications' }, regionOption, jsonOption],
  environment: [...pipelineEnvironment, 'JDCLOUD_VM_ENDPOINT', ...followEnvironment],
  examples: ['import s3://disk-images/ubuntu-22.04.qcow2', 'import s3://disk-images/ubuntu-22.04.qcow2 --json', 'import s3://disk-images/ubuntu-22.04.qcow2 --wait --json'],
  defaultLogLevel: cliLogLevel,
  async run(args, io) {
    const location = parseS3Uri(args.positionals[0] ?? '', { keyRequired: true });
    const json = args.values['json'] === true;
    const deps = cliPipelineDeps(io, args);
    try {
      const outcome = await processUpload(cliUpload(deps.config.region, location), deps, { recordMissing: false });
      // --wait follows final outcomes too: it prints the record they end with.
      const request = args.values['wait'] === true ? followRequestAfter(outcome, { now: new Date(), finalOutcomes: true }) : undefined;
      if (json && request === undefined) io.out(`${JSON.stringify(outcome, null, 2)}\n`);
      const code = reportOutcome(outcome, io, json);
      if (request === undefined) return code;
      // --wait: followed here to ready (or error), copies, share and notifications; progress on stderr.
      const [followed] = await followInCli([request], { config: deps.config, env: io.env, s3: deps.s3, logger: deps.logger, io });
      const record = followed?.record;
      if (json) io.out(`${JSON.stringify({ ...outcome, ...(record !== undefined ? { record } : {}) }, null, 2)}\n`);
      else if (record !== undefined) io.out(`${followSummaryLine(record)}\n`);
      if (followed?.outcome === 'stopped') io.err(`Stopped following ${request.key}; \`oss-image-import status s3://${request.bucket}/${request.key} --follow\` goes on.\n`);
      if (followed?.outcome === 'failed') io.err(`Following ${request.key} stopped: ${followed.error ?? ''}\n`);
      return followExitCode(followed);
    } finally {
      await deps.close();
    }
  },
};
