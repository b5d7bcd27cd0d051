import { coversVersion } from '../../../domain/status/index.js';
import { exitCodes } from '../exit-codes.js';
import { printJsonError } from '../io.js';
import { parseS3Uri } from '../s3-uri.js';
import { buildImportRequest, planUpload, redactRequest } from '../../../use-cases/importing/index.js';
import { cliLogLevel, cliPipelineDeps, cliUpload, pipelineEnvironment } from './pipeline-command.js';
import { type CliCommand, jsonOption, regionOption } from './command.js';
import { printPackedPlan } from './plan-packed.js';
import { printRequestLines } from './request-lines.js';

/** `plan`: the request that would be sent, or every reason not to. No API call, nothing written. */
export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'Show the import request that would be sent (for a .gz, .zip, .ova, …, after unpacking to its sibling), or why it would be rejected',
  description:
    'Reads the object, its metadata and tags as the function would and prints the importImage request (with where each ' +
    'field came from), or every reason it would be rejected. Of a compressed or packaged upload, also what it would be ' +
    'unpacked to and how long that would take, from its first bytes unpacked in memory. No API call, nothing written. ' +
    'Exit 0 importable, 3 not.',
  arguments: [{ name: 'object', usage: 's3://bucket/key', description: 'the uploaded image, or a compressed or packaged one', required: true }],
  options: [regionOption, jsonOption],
  environment: pipelineEnvironment,
  examples: ['plan s3://disk-images/ubuntu-22.04.qcow2', 'plan s3://disk-images/win/server-2022.vhd --region cn-east-2 --json', 'plan s3://disk-images/appliance.ova'],
  defaultLogLevel: cliLogLevel,
  async run(args, io) {
    const location = parseS3Uri(args.positionals[0] ?? '', { keyRequired: true });
    const deps = cliPipelineDeps(io, args);
    try {
      const upload = cliUpload(deps.config.region, location);
      const planned = await planUpload(upload, deps);
      if (planned.kind === 'not-found') {
        const message = `s3://${location.bucket}/${location.key} does not exist.`;
        io.err(`${message}\n`);
        if (args.values['json'] === true) printJsonError(io, 'NotFound', message);
        return exitCodes.failed;
      }
      // Compressed and packaged uploads (issue 14): what would be unpacked, then imported.
      if (planned.kind === 'packed') return await printPackedPlan(upload, planned, deps, io, args.values['json'] === true);
      const { facts, source, image, decision, existing } = planned;
      const imageFacts = { format: image.format, virtualSizeBytes: image.virtualSizeBytes, details: image.details };
      if (existing !== undefined && coversVersion(existing, facts.etag)) {
        // `import` (and the function) would submit nothing for this version.
        const importedAs = { state: existing.state, imageId: existing.imageId, taskId: existing.taskId };
        if (args.values['json'] === true) io.out(`${JSON.stringify({ source, importable: true, alreadyImported: importedAs, image: imageFacts }, null, 2)}\n`);
        else io.out(`s3://${location.bucket}/${facts.key} is already ${existing.state}${existing.imageId !== undefined ? ` as image ${existing.imageId}` : ''}: an import would submit nothing.\n`);
        return exitCodes.done;
      }
      if (!decision.ok) {
        if (args.values['json'] === true) {
          io.out(`${JSON.stringify({ source, importable: false, problems: decision.problems, image: imageFacts }, null, 2)}\n`);
        } else {
          io.out(`s3://${location.bucket}/${facts.key} would be rejected:\n`);
          for (const problem of decision.problems) io.out(`  - ${problem.message}\n`);
        }
        return exitCodes.rejected;
      }
      const request = await buildImportRequest(upload, facts.key, decision.request, deps);
      const shown = redactRequest(request);
      const { copyToRegions, shareWith } = decision.followThrough;
      const after = copyToRegions.length > 0 || shareWith.length > 0 ? { followThrough: decision.followThrough } : {};
      if (args.values['json'] === true) {
        io.out(`${JSON.stringify({ source, importable: true, request: shown, fieldSources: decision.sources, ...after, image: imageFacts }, null, 2)}\n`);
      } else {
        io.out(`s3://${location.bucket}/${facts.key} would be imported into ${upload.region} with:\n`);
        printRequestLines(io, shown, decision.sources);
        // What the follower does once the image is ready.
        if (copyToRegions.length > 0) io.out(`then copied to ${copyToRegions.join(', ')}\n`);
        if (shareWith.length > 0) io.out(`then shared with ${shareWith.join(', ')}\n`);
      }
      return exitCodes.done;
    } finally {
      await deps.close();
    }
  },
};
