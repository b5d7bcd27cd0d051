import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseS3Uri } from '../s3-uri.js';
import { type EventSummary, processUpload } from '../../../use-cases/importing/index.js';
import { cliPipelineDeps, cliUpload } from './pipeline-command.js';
import type { CliCommand } from './command.js';
import { followExitCode, followInCli, followSummaryLine } from './follow-through.js';
import { waitRequest } from './wait-request.js';

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
  usage: 'import s3://bucket/key [--wait] [--region R] [--json]',
  summary: 'Import one object now, exactly as the function would; --wait follows it to the end',
  options: { json: { type: 'boolean' }, region: { type: 'string' }, wait: { type: 'boolean' } },
  positionals: [1, 1],
  async run(args, io) {
    const location = parseS3Uri(args.positionals[0] ?? '', { keyRequired: true });
    const json = args.values['json'] === true;
    const deps = cliPipelineDeps(io, args);
    try {
      const outcome = await processUpload(cliUpload(deps.config.region, location), deps, { recordMissing: false });
      const request = args.values['wait'] === true ? waitRequest(outcome, new Date()) : undefined;
      if (json && request === undefined) io.out(`${JSON.stringify(outcome, null, 2)}\n`);
      const code = reportOutcome(outcome, io, json);
      if (request === undefined) return code;
      // --wait: followed here to ready (or error), copies, share and notifications; progress on stderr.
      const [followed] = await followInCli([request], { config: deps.config, env: io.env, s3: deps.s3, logger: deps.logger, io });
      const record = followed?.record;
      if (json) io.out(`${JSON.stringify({ ...outcome, ...(record !== undefined ? { record } : {}) }, null, 2)}\n`);
      else if (record !== undefined) io.out(`${followSummaryLine(record)}\n`);
      if (followed?.outcome === 'stopped') io.err(`Stopped following ${request.key}; \`oss-image-import status s3://${request.bucket}/${request.key} --follow\` goes on.\n`);
      return followExitCode(record);
    } finally {
      await deps.close();
    }
  },
};
