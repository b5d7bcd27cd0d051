import { exitCodes } from '../exit-codes.js';
import { parseS3Uri } from '../s3-uri.js';
import { processUpload } from '../../../use-cases/importing/index.js';
import { cliLogLevel, cliPipelineDeps, cliUpload, pipelineEnvironment } from './pipeline-command.js';
import { type CliCommand, jsonOption, regionOption } from './command.js';

/** `import`: the function's pipeline for one object, run from a terminal or a script. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import one object now, exactly as the function would',
  description:
    'Runs the function\'s pipeline for one object: checks it, submits importImage once (a version a status record ' +
    'already covers is not submitted again) and writes the status record. Exit 0 submitted or already imported, 3 rejected, 1 failed.',
  arguments: [{ name: 'object', usage: 's3://bucket/key', description: 'the uploaded image', required: true }],
  options: [regionOption, jsonOption],
  environment: [...pipelineEnvironment, 'JDCLOUD_VM_ENDPOINT'],
  examples: ['import s3://disk-images/ubuntu-22.04.qcow2', 'import s3://disk-images/ubuntu-22.04.qcow2 --json'],
  defaultLogLevel: cliLogLevel,
  async run(args, io) {
    const location = parseS3Uri(args.positionals[0] ?? '', { keyRequired: true });
    const deps = cliPipelineDeps(io, args);
    try {
      const outcome = await processUpload(cliUpload(deps.config.region, location), deps, { recordMissing: false });
      if (args.values['json'] === true) {
        io.out(`${JSON.stringify(outcome, null, 2)}\n`);
      }
      const where = `s3://${outcome.bucket}/${outcome.key}`;
      switch (outcome.outcome) {
        case 'submitted':
          if (args.values['json'] !== true) io.out(`Submitted ${where}: image ${outcome.imageId}, task ${outcome.taskId}.\n`);
          return exitCodes.done;
        case 'duplicate':
          if (args.values['json'] !== true) {
            io.out(`Already ${outcome.state}: ${where}${outcome.imageId !== undefined ? ` (image ${outcome.imageId})` : ''}. Nothing submitted.\n`);
          }
          return exitCodes.done;
        case 'rejected':
          if (args.values['json'] !== true) io.out(`Rejected ${where}:\n${outcome.problems.map((problem) => `  - ${problem.message}\n`).join('')}`);
          return exitCodes.rejected;
        case 'not-found':
          io.err(`${where} does not exist.\n`);
          return exitCodes.failed;
        case 'failed':
          io.err(`Failed ${where}: ${outcome.error}\n`);
          return exitCodes.failed;
      }
    } finally {
      await deps.close();
    }
  },
};
