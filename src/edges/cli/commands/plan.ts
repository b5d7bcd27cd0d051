import { coversVersion } from '../../../domain/status/index.js';
import { exitCodes } from '../exit-codes.js';
import { printJsonError } from '../io.js';
import { parseS3Uri } from '../s3-uri.js';
import { buildImportRequest, planUpload, redactRequest } from '../../../use-cases/importing/index.js';
import { cliPipelineDeps, cliUpload } from './pipeline-command.js';
import type { CliCommand } from './command.js';
import { isPackedKey } from '../../../domain/unpacking/index.js';
import { printPackedPlan } from './plan-packed.js';

/** `plan`: the request that would be sent, or every reason not to. No API call, nothing written. */
export const planCommand: CliCommand = {
  name: 'plan',
  usage: 'plan s3://bucket/key [--region R] [--json]',
  summary: 'Show the import request that would be sent (for a .gz, .zip, .ova, …, after unpacking to its sibling), or why it would be rejected',
  options: { json: { type: 'boolean' }, region: { type: 'string' } },
  positionals: [1, 1],
  async run(args, io) {
    const location = parseS3Uri(args.positionals[0] ?? '', { keyRequired: true });
    const deps = cliPipelineDeps(io, args);
    try {
      const upload = cliUpload(deps.config.region, location);
      // Compressed and packaged uploads (issue 14): what would be unpacked, then imported.
      if (isPackedKey(location.key)) return await printPackedPlan(upload, deps, io, args.values['json'] === true);
      const planned = await planUpload(upload, deps);
      if ('notFound' in planned) {
        const message = `s3://${location.bucket}/${location.key} does not exist.`;
        io.err(`${message}\n`);
        if (args.values['json'] === true) printJsonError(io, 'NotFound', message);
        return exitCodes.failed;
      }
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
      if (args.values['json'] === true) {
        io.out(`${JSON.stringify({ source, importable: true, request: shown, fieldSources: decision.sources, image: imageFacts }, null, 2)}\n`);
      } else {
        io.out(`s3://${location.bucket}/${facts.key} would be imported into ${upload.region} with:\n`);
        for (const [name, value] of Object.entries(shown)) {
          const from = decision.sources[name as keyof typeof decision.sources];
          io.out(`  ${name.padEnd(17)} ${String(value)}${from !== undefined ? `  (${from})` : ''}\n`);
        }
      }
      return exitCodes.done;
    } finally {
      await deps.close();
    }
  },
};
