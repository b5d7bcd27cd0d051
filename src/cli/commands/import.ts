import { exitCodes } from '../exit-codes.js';
import { parseS3Uri } from '../s3-uri.js';
import { processUpload } from '../../importing/pipeline.js';
import { cliPipelineDeps, cliUpload } from './pipeline-command.js';
import type { CliCommand } from './command.js';

/** `import`: the function's pipeline for one object, run from a terminal or a script. */
export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import s3://bucket/key [--region R] [--json]',
  summary: 'Import one object now, exactly as the function would',
  options: { json: { type: 'boolean' }, region: { type: 'string' } },
  positionals: [1, 1],
  async run(args, io) {
    const location = parseS3Uri(args.positionals[0] ?? '', { keyRequired: true });
    const deps = cliPipelineDeps(io, args);
    try {
      const outcome = await processUpload(cliUpload(deps.config.region, location), deps);
      if (args.values['json'] === true) {
        io.out(`${JSON.stringify(outcome, null, 2)}\n`);
      } else if (outcome.outcome === 'submitted') {
        io.out(`Submitted s3://${outcome.bucket}/${outcome.key}: image ${outcome.imageId}, task ${outcome.taskId}.\n`);
      } else if (outcome.outcome === 'duplicate') {
        io.out(`Already ${outcome.state}: s3://${outcome.bucket}/${outcome.key}${outcome.imageId !== undefined ? ` (image ${outcome.imageId})` : ''}. Nothing submitted.\n`);
      } else if (outcome.outcome === 'rejected') {
        io.out(`Rejected s3://${outcome.bucket}/${outcome.key}:\n${outcome.problems.map((problem) => `  - ${problem.message}\n`).join('')}`);
      } else {
        io.err(`Failed s3://${outcome.bucket}/${outcome.key}: ${outcome.error}\n`);
      }
      switch (outcome.outcome) {
        case 'submitted':
        case 'duplicate':
          return exitCodes.done;
        case 'rejected':
          return exitCodes.rejected;
        case 'failed':
          return exitCodes.failed;
      }
    } finally {
      await deps.close();
    }
  },
};
