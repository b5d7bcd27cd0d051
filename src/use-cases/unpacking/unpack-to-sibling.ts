// One packed upload into its sibling object: prepare → wait for one of the unpack slots →
// stream, decode and upload the sibling (first bytes checked, multipart, aborted on any
// failure). Importing the sibling and writing the records are the pipeline's
// (src/use-cases/importing, its unpack step).
import type { UnpackedTo } from '../../domain/status/index.js';
import type { Problem } from '../../kernel/index.js';
import { describePacking } from '../../domain/unpacking/index.js';
import { decoderName } from './decoders.js';
import { type OpenSink, outOfTimeRejection, type SinkDeadline, type UnpackSink } from './image-sink.js';
import { osProblemsWithOvf, siblingSinkOpener } from './open-sibling.js';
import { type PackedObject, prepareUnpack, type PreparedUnpack, type UnpackDeps } from './prepare-unpack.js';
import { SiblingAlreadyUnpacked, SiblingSuperseded, UnpackRejection } from './unpack-rejection.js';
import { unpackStream, type Unpacked } from './unpack-stream.js';
import { unpackZip } from './zip-member.js';
import { withUnpackSlot } from './unpack-slots.js';

/**
 * The sibling is there (unpacked now, or earlier from this very version: then without
 * `durationMs`), or the upload cannot be unpacked for a reason a retry would not change.
 */
export type UnpackResult =
  | { kind: 'unpacked'; unpackedTo: UnpackedTo }
  | { kind: 'rejected'; problems: Problem[] }
  /** A newer version of the packed upload was unpacked meanwhile: its run owns the sibling and the records. */
  | { kind: 'superseded'; siblingKey: string };

/**
 * Unpacks the packed upload into its sibling. Rejections are values; a store failure throws
 * ObjectStoreError (retryable or not), and leaves no multipart upload in progress.
 */
export async function unpackToSibling(object: PackedObject, deps: UnpackDeps): Promise<UnpackResult> {
  // The deadline counts from the start: time spent waiting for a slot is the function's too.
  const started = deps.now().getTime();
  // Every S3 call of this unpack stops when the deadline passes, a stalled one included.
  const timeUp = new AbortController();
  const unpackDeps: UnpackDeps = { ...deps, store: deps.store.abortableBy(timeUp.signal) };
  const prepared = await prepareUnpack(object, unpackDeps);
  if (prepared.problems.length > 0) return { kind: 'rejected', problems: prepared.problems };
  const deadline = prepared.budgetSeconds === undefined ? undefined : { atMs: started + prepared.budgetSeconds * 1000, now: deps.now };
  let sink: UnpackSink | undefined;
  const stopWatch = deadline === undefined ? () => {} : watchDeadline(deadline, () => timeUp.abort(new Error('the unpack deadline passed')));
  let sibling: { key: string; etag: string; size: number };
  let unpacked: Unpacked | undefined;
  try {
    unpacked = await withUnpackSlot(
      () =>
        unpackInto(prepared, unpackDeps, deadline, (opened) => {
          sink = opened;
        }),
      prepared.packing.codec,
    );
    sibling = { key: unpacked.siblingKey, etag: unpacked.etag, size: unpacked.size };
  } catch (error) {
    if (error instanceof SiblingAlreadyUnpacked) sibling = error.sibling;
    else if (error instanceof SiblingSuperseded) return { kind: 'superseded', siblingKey: error.siblingKey };
    // Whatever the aborted calls threw (the store's AbortError, a decoder cut short), the record says why.
    else if (timeUp.signal.aborted) return { kind: 'rejected', problems: outOfTimeRejection(source(object), sink?.bytesWritten ?? 0).problems };
    else if (error instanceof UnpackRejection) return { kind: 'rejected', problems: error.problems };
    else throw error;
  } finally {
    stopWatch();
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

function source(object: PackedObject): { bucket: string; key: string } {
  return { bucket: object.source.bucket, key: object.source.key };
}

/** How often the deadline timer looks at the clock: at most this late, on a clock that is not the wall clock too (tests inject one). */
const clockCheckMs = 1000;

/**
 * Calls `passed` once the pipeline's clock is past the deadline, even while no byte flows
 * (a stalled GET or UploadPart: the sink checks the clock only on a write). Returns the stop.
 */
function watchDeadline(deadline: SinkDeadline, passed: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const look = () => {
    const left = deadline.atMs - deadline.now().getTime();
    if (left < 0) {
      timer = undefined;
      passed();
      return;
    }
    timer = setTimeout(look, Math.min(left + 1, clockCheckMs));
    timer.unref();
  };
  look();
  return () => clearTimeout(timer);
}

function unpackInto(prepared: PreparedUnpack, deps: UnpackDeps, deadline: SinkDeadline | undefined, opened: (sink: UnpackSink) => void): Promise<Unpacked> {
  const { facts, source, packing } = prepared;
  const openSibling = siblingSinkOpener(prepared, deps, deadline);
  const openSink: OpenSink = async (siblingKey, found) => {
    const sink = await openSibling(siblingKey, found);
    opened(sink);
    return sink;
  };
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
