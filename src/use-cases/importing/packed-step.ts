// The pipeline's step for compressed and packaged uploads (issue 14): unpack into a sibling
// object (src/use-cases/unpacking), import the sibling with the pipeline itself, and answer
// for the packed upload.
import type { Upload } from '../../domain/events/index.js';
import { isPackedKey } from '../../domain/unpacking/index.js';
import { unpackAndImport } from '../unpacking/index.js';
import type { OutcomeWithSource, PipelineDeps, UploadOptions } from './pipeline.js';

export function isPackedUpload(upload: Upload): boolean {
  return isPackedKey(upload.keyCandidates[0]);
}

export async function processPackedUpload(
  upload: Upload,
  deps: PipelineDeps,
  options: UploadOptions,
  importSibling: (sibling: Upload, deps: PipelineDeps, options: UploadOptions) => Promise<OutcomeWithSource>,
): Promise<OutcomeWithSource> {
  const started = Date.now();
  const siblingOptions: UploadOptions = { ...(options.force !== undefined ? { force: options.force } : {}), recordMissing: false };
  const packed = await unpackAndImport(upload, deps, options, (sibling) => importSibling(sibling, deps, siblingOptions));
  const where = { bucket: upload.bucket, region: upload.region, durationMs: Date.now() - started };
  switch (packed.kind) {
    case 'imported': {
      const { bucket: _bucket, region: _region, durationMs: _durationMs, ...outcome } = packed.sibling;
      return { ...outcome, ...where, key: packed.key, unpackedTo: packed.unpackedTo };
    }
    case 'duplicate': {
      const { record } = packed;
      return {
        outcome: 'duplicate',
        key: packed.key,
        state: record.state,
        ...(record.imageId !== undefined ? { imageId: record.imageId } : {}),
        ...(record.taskId !== undefined ? { taskId: record.taskId } : {}),
        ...(record.unpackedTo !== undefined ? { unpackedTo: record.unpackedTo } : {}),
        ...where,
      };
    }
    case 'rejected':
      return { outcome: 'rejected', key: packed.key, problems: packed.problems, ...where };
    case 'failed':
      return { outcome: 'failed', key: packed.key, error: packed.error, retryable: packed.retryable, ...where };
    case 'not-found':
      return { outcome: 'not-found', key: packed.key, triedKeys: packed.triedKeys, ...where };
  }
}
