// The pipeline's step for a compressed or packaged upload (issue 14): unpack it into its sibling
// object (src/use-cases/unpacking), import the sibling with the pipeline itself, and end with
// what the packed upload's record says: the sibling's story, or why nothing was unpacked.
import type { Upload } from '../../domain/events/index.js';
import type { Packing } from '../../domain/unpacking/index.js';
import { unpackStoreFor } from '../../adapters/oss/index.js';
import type { UnpackDeps } from '../unpacking/index.js';
import { describeFailure } from './import-error.js';
import type { PipelineDeps } from './pipeline.js';
import type { Ending, Subject } from './record-ending.js';
import type { UploadOutcome } from './upload-outcome.js';

/** Imports the sibling as its own upload would be (the pipeline, for an object it must not record as missing). */
export type ImportSibling = (sibling: Upload) => Promise<UploadOutcome>;

/** What unpacking needs of the pipeline's dependencies: the bucket as an UnpackStore over the same client. */
export function unpackDepsOf(deps: PipelineDeps): UnpackDeps {
  const { config, now, logger, unpackTimeLimitSeconds } = deps;
  return { store: unpackStoreFor(deps.s3), config, now, logger, ...(unpackTimeLimitSeconds !== undefined ? { unpackTimeLimitSeconds } : {}) };
}

/** Never throws: a store failure while unpacking is a `failed` ending (retryable or not, as the store said). */
export async function unpackAndImport(subject: Subject, packing: Packing, upload: Upload, deps: PipelineDeps, importSibling: ImportSibling): Promise<Ending> {
  let unpacked;
  try {
    // Loaded on the first packed upload: the function's bundle keeps unpacking and its decoders
    // in a second file, so a plain image upload never loads them (plugins/jdcloud/package).
    const { unpackToSibling } = await import('../unpacking/index.js');
    unpacked = await unpackToSibling({ facts: subject.facts, source: subject.read.source, image: subject.read.image, packing }, unpackDepsOf(deps));
  } catch (error) {
    const { attempts: _attempts, ...failure } = describeFailure(error);
    return { kind: 'failed', subject, failure: { error: failure } };
  }
  if (unpacked.kind === 'rejected') return { kind: 'rejected', subject, problems: unpacked.problems };
  // A newer version of this upload was unpacked meanwhile; its run records and imports it.
  if (unpacked.kind === 'superseded') return { kind: 'deferred', key: subject.key, packedKey: subject.key };
  const { unpackedTo } = unpacked;
  const sibling = await importSibling({
    region: upload.region,
    bucket: upload.bucket,
    keyCandidates: [unpackedTo.key],
    eventName: 'ObjectCreated:CompleteMultipartUpload',
    etag: unpackedTo.etag,
    size: unpackedTo.size,
    source: 'unpack',
  });
  return { kind: 'unpacked', subject, unpackedTo, sibling };
}
