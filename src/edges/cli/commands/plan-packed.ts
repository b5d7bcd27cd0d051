import { buildImportRequest, type PipelineDeps, type Plan, redactRequest, unpackDepsOf } from '../../../use-cases/importing/index.js';
import { planPackedUpload } from '../../../use-cases/unpacking/index.js';
import type { Upload } from '../../../domain/events/index.js';
import { coversVersion } from '../../../domain/status/index.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { printRequestLines } from './request-lines.js';

/** `plan` of a compressed or packaged upload: what would be unpacked, to where, and imported how. Nothing is written. */
export async function printPackedPlan(upload: Upload, packed: Extract<Plan, { kind: 'packed' }>, deps: PipelineDeps, io: CliIo, json: boolean): Promise<number> {
  const plan = await planPackedUpload(packed, unpackDepsOf(deps));
  const where = `s3://${upload.bucket}/${packed.facts.key}`;
  // The record of an import already made for this version: an import would do nothing.
  const alreadyImported = packed.existing !== undefined && coversVersion(packed.existing, packed.source.etag) ? packed.existing : undefined;
  const request = plan.decision === undefined ? undefined : redactRequest(await buildImportRequest(upload, plan.unpack.to ?? '', plan.decision.request, deps));
  const importable = alreadyImported !== undefined || plan.problems.length === 0;
  if (json) {
    const { decision, ...rest } = plan;
    const imported = alreadyImported === undefined ? {} : { alreadyImported: { state: alreadyImported.state, imageId: alreadyImported.imageId, taskId: alreadyImported.taskId, unpackedTo: alreadyImported.unpackedTo } };
    io.out(`${JSON.stringify({ ...rest, importable, ...imported, ...(request !== undefined ? { request, fieldSources: decision?.sources } : {}) }, null, 2)}\n`);
    return importable ? exitCodes.done : exitCodes.rejected;
  }
  const { unpack } = plan;
  if (alreadyImported !== undefined) {
    io.out(`${where} is already ${alreadyImported.state}${alreadyImported.imageId !== undefined ? ` as image ${alreadyImported.imageId}` : ''} (unpacked to ${alreadyImported.unpackedTo?.key ?? 'its sibling'}): an import would do nothing.\n`);
    return exitCodes.done;
  }
  io.out(`${where} (${unpack.packing}) would be unpacked${unpack.to !== undefined ? ` to s3://${upload.bucket}/${unpack.to}` : ''}${unpack.member !== undefined ? ` (member ${JSON.stringify(unpack.member)})` : ''}, in about ${unpack.estimatedSeconds} s${unpack.fitsTimeLimit === false ? ' (too long for the function)' : ''}.\n`);
  if (plan.problems.length > 0) {
    io.out('It would be rejected:\n');
    for (const problem of plan.problems) io.out(`  - ${problem.message}\n`);
    return exitCodes.rejected;
  }
  if (request !== undefined) {
    io.out(`Then imported into ${upload.region} with:\n`);
    printRequestLines(io, request, plan.decision?.sources ?? {});
  }
  for (const note of plan.notes) io.out(`Note: ${note}\n`);
  return exitCodes.done;
}
