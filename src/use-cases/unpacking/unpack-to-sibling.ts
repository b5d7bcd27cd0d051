// One packed upload into its sibling object: prepare → wait for one of the unpack slots →
// stream, decode and upload the sibling (first bytes checked, multipart, aborted on any
// failure). Importing the sibling and writing the records are the pipeline's
// (src/use-cases/importing, its unpack step).
import type { UnpackedTo } from '../../domain/status/index.js';
import type { Problem } from '../../kernel/index.js';
import { describePacking } from '../../domain/unpacking/index.js';
import { decoderName } from './decoders.js';
import { osProblemsWithOvf, siblingSinkOpener } from './open-sibling.js';
import { type PackedObject, prepareUnpack, type PreparedUnpack, type UnpackDeps } from './prepare-unpack.js';
import { SiblingAlreadyUnpacked, UnpackRejection } from './unpack-rejection.js';
import { unpackStream, type Unpacked } from './unpack-stream.js';
import { unpackZip } from './zip-member.js';
import { withUnpackSlot } from './unpack-slots.js';

/**
 * The sibling is there (unpacked now, or earlier from this very version: then without
 * `durationMs`), or the upload cannot be unpacked for a reason a retry would not change.
 */
export type UnpackResult = { kind: 'unpacked'; unpackedTo: UnpackedTo } | { kind: 'rejected'; problems: Problem[] };

/**
 * Unpacks the packed upload into its sibling. Rejections are values; a store failure throws
 * ObjectStoreError (retryable or not), and leaves no multipart upload in progress.
 */
export async function unpackToSibling(object: PackedObject, deps: UnpackDeps): Promise<UnpackResult> {
  // The deadline counts from the start: time spent waiting for a slot is the function's too.
  const started = deps.now().getTime();
  const prepared = await prepareUnpack(object, deps);
  if (prepared.problems.length > 0) return { kind: 'rejected', problems: prepared.problems };
  const deadline = prepared.budgetSeconds === undefined ? undefined : started + prepared.budgetSeconds * 1000;
  let sibling: { key: string; etag: string; size: number };
  let unpacked: Unpacked | undefined;
  try {
    unpacked = await withUnpackSlot(() => unpackInto(prepared, deps, deadline), prepared.packing.codec);
    sibling = { key: unpacked.siblingKey, etag: unpacked.etag, size: unpacked.size };
  } catch (error) {
    if (error instanceof SiblingAlreadyUnpacked) sibling = error.sibling;
    else if (error instanceof UnpackRejection) return { kind: 'rejected', problems: error.problems };
    else throw error;
  }
  const unpackedTo: UnpackedTo = {
    ...sibling,
    packing: describePacking(prepared.packing),
    ...(unpacked?.member !== undefined ? { member: unpacked.member } : {}),
    ...(prepared.packing.codec !== undefined ? { decoder: decoderName(prepared.packing.codec) } : {}),
    ...(unpacked !== undefined ? { durationMs: deps.now().getTime() - started } : {}),
  };
  deps.logger.info({ bucket: object.source.bucket, key: object.source.key, unpackedTo }, unpacked === undefined ? 'already unpacked' : 'unpacked');
  return { kind: 'unpacked', unpackedTo };
}

function unpackInto(prepared: PreparedUnpack, deps: UnpackDeps, deadline: number | undefined): Promise<Unpacked> {
  const { facts, source, packing } = prepared;
  const openSink = siblingSinkOpener(prepared, deps, deadline);
  const job = { source: prepared.packedSource, key: source.key, packing, openSink };
  if (prepared.zipDisk !== undefined) return unpackZip({ ...job, maxBytes: deps.config.unpackMaxBytes }, prepared.zipDisk);
  return unpackStream(
    {
      ...job,
      ...(prepared.estimate.unpackedBytesKnown ? { expectedSize: prepared.estimate.unpackedBytes } : {}),
      onOvf: (ovf) => {
        const problems = osProblemsWithOvf(facts, deps.config.defaults, ovf);
        if (problems.length > 0) throw new UnpackRejection(problems);
      },
    },
    prepared.compressedSibling,
  );
}
