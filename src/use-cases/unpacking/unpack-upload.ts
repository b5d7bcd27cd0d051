// One packed upload, end to end: prepare → unpack into the sibling → import the sibling with the
// normal pipeline (a callback: this folder sits beside the pipeline, not above it) → a record
// for the packed upload that mirrors the sibling's and links to it. Never throws.
import type { Upload } from '../../domain/events/index.js';
import { coversVersion, handedToJd, inFlightMarkerKey, type StatusRecord, statusRecordKey } from '../../domain/status/index.js';
import { ObjectStoreError, readStatusRecord, type StoredStatus, writeInFlightMarker, writeStatusRecord } from '../../adapters/oss/index.js';
import type { Problem } from '../../kernel/index.js';
import { describePacking } from '../../domain/unpacking/index.js';
import { decoderName } from './decoders.js';
import { osProblemsWithOvf, siblingSinkOpener } from './open-sibling.js';
import { prepareUnpack, type PreparedUnpack, type UnpackDeps } from './prepare-unpack.js';
import { SiblingAlreadyUnpacked, UnpackRejection } from './unpack-rejection.js';
import { unpackStream, type Unpacked } from './unpack-stream.js';
import { unpackZip } from './zip-member.js';
import { withUnpackSlot } from './unpack-slots.js';

export type UnpackedTo = NonNullable<StatusRecord['unpackedTo']>;

/** What happened to a packed upload, tagged; `imported` carries the sibling's own outcome. */
export type PackedOutcome<T> =
  | { kind: 'imported'; key: string; sibling: T; unpackedTo: UnpackedTo }
  | { kind: 'duplicate'; key: string; record: StatusRecord }
  | { kind: 'rejected'; key: string; problems: Problem[] }
  | { kind: 'failed'; key: string; error: string; retryable: boolean }
  | { kind: 'not-found'; key: string; triedKeys: string[] };

export interface UnpackOptions {
  force?: boolean;
  recordMissing?: boolean;
  knownStatus?: StoredStatus;
}

function failureOf(error: unknown): { error: string; retryable: boolean } {
  if (error instanceof ObjectStoreError) return { error: error.message, retryable: error.retryable };
  return { error: error instanceof Error ? error.message : String(error), retryable: true };
}

export async function unpackAndImport<T>(upload: Upload, deps: UnpackDeps, options: UnpackOptions, importSibling: (sibling: Upload) => Promise<T>): Promise<PackedOutcome<T>> {
  const firstKey = upload.keyCandidates[0];
  const timestamp = () => deps.now().toISOString();
  const started = Date.now();
  let prepared: Awaited<ReturnType<typeof prepareUnpack>>;
  try {
    prepared = await prepareUnpack(upload, deps, options.knownStatus !== undefined && !options.force ? { knownStatus: options.knownStatus } : {});
  } catch (error) {
    return { kind: 'failed', key: firstKey, ...failureOf(error) };
  }
  if ('notFound' in prepared) {
    if (options.recordMissing !== false && !(prepared.existing !== undefined && handedToJd(prepared.existing))) {
      const message = `s3://${upload.bucket}/${firstKey} does not exist: it was deleted or renamed before it could be read.`;
      await writeRecordQuietly(deps, upload.bucket, firstKey, { version: 1, state: 'rejected', source: { region: upload.region, bucket: upload.bucket, key: firstKey }, problems: [{ code: 'object-not-found', field: 'key', value: firstKey, message }], createdAt: timestamp(), updatedAt: timestamp() });
    }
    return { kind: 'not-found', key: firstKey, triedKeys: prepared.notFound };
  }
  const { source, existing } = prepared;
  if (existing !== undefined && options.force !== true && coversVersion(existing, source.etag)) return { kind: 'duplicate', key: source.key, record: existing };
  const createdAt = existing?.createdAt ?? timestamp();
  const reject = async (problems: Problem[]): Promise<PackedOutcome<T>> => {
    const record: StatusRecord = { version: 1, state: 'rejected', source, problems, createdAt, updatedAt: timestamp() };
    const written = await writeRecordQuietly(deps, upload.bucket, source.key, record);
    return written === undefined ? { kind: 'rejected', key: source.key, problems } : { kind: 'failed', key: source.key, error: `status record not written: ${written}`, retryable: true };
  };
  if (prepared.problems.length > 0) return reject(prepared.problems);

  let sibling: { key: string; etag: string; size: number };
  let unpacked: Unpacked | undefined;
  try {
    // The deadline counts from the start: time spent waiting for a slot is the function's too.
    const deadline = prepared.budgetSeconds === undefined ? undefined : started + prepared.budgetSeconds * 1000;
    unpacked = await withUnpackSlot(() => unpackInto(prepared, deps, deadline));
    sibling = { key: unpacked.siblingKey, etag: unpacked.etag, size: unpacked.size };
  } catch (error) {
    if (error instanceof SiblingAlreadyUnpacked) sibling = error.sibling;
    else if (error instanceof UnpackRejection) return reject(error.problems);
    else {
      const failure = failureOf(error);
      deps.logger.error({ bucket: upload.bucket, key: source.key, error: failure.error }, 'unpacking failed');
      await writeRecordQuietly(deps, upload.bucket, source.key, { version: 1, state: 'failed', source, error: { message: failure.error, retryable: failure.retryable }, createdAt, updatedAt: timestamp() });
      return { kind: 'failed', key: source.key, ...failure };
    }
  }
  const unpackedTo: UnpackedTo = {
    ...sibling,
    packing: describePacking(prepared.packing),
    ...(unpacked?.member !== undefined ? { member: unpacked.member } : {}),
    ...(prepared.packing.codec !== undefined ? { decoder: decoderName(prepared.packing.codec) } : {}),
    ...(unpacked !== undefined ? { durationMs: Date.now() - started } : {}),
  };
  deps.logger.info({ bucket: upload.bucket, key: source.key, unpackedTo }, unpacked === undefined ? 'already unpacked' : 'unpacked');
  const outcome = await importSibling({ region: upload.region, bucket: upload.bucket, keyCandidates: [sibling.key], eventName: 'ObjectCreated:CompleteMultipartUpload', etag: sibling.etag, size: sibling.size, source: 'unpack' });
  await mirrorSiblingRecord(deps, prepared, unpackedTo, createdAt);
  return { kind: 'imported', key: source.key, sibling: outcome, unpackedTo };
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

/** The packed upload's record says what the sibling's says, and where the sibling is. */
async function mirrorSiblingRecord(deps: UnpackDeps, prepared: PreparedUnpack, unpackedTo: UnpackedTo, createdAt: string): Promise<void> {
  const { source } = prepared;
  try {
    const stored = await readStatusRecord(deps.s3, source.bucket, statusRecordKey(deps.config.statusPrefix, unpackedTo.key));
    if (stored.kind !== 'record') return;
    const { unpackedFrom: _unpackedFrom, ...sibling } = stored.record;
    const record: StatusRecord = { ...sibling, source, unpackedTo, createdAt, updatedAt: deps.now().toISOString() };
    await writeStatusRecord(deps.s3, source.bucket, statusRecordKey(deps.config.statusPrefix, source.key), record);
    // The scheduled refresh moves this record along with the sibling's.
    if (record.state === 'submitted' || record.state === 'importing') await writeInFlightMarker(deps.s3, source.bucket, inFlightMarkerKey(deps.config.statusPrefix, source.key));
  } catch (error) {
    deps.logger.warn({ bucket: source.bucket, key: source.key, error: failureOf(error).error }, 'record of the packed upload not written');
  }
}

/** Writes a record; returns why it failed, or undefined. */
async function writeRecordQuietly(deps: UnpackDeps, bucket: string, key: string, record: StatusRecord): Promise<string | undefined> {
  try {
    await writeStatusRecord(deps.s3, bucket, statusRecordKey(deps.config.statusPrefix, key), record);
    return undefined;
  } catch (error) {
    return failureOf(error).error;
  }
}
