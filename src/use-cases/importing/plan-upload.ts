import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/index.js';
import type { Upload } from '../../domain/events/index.js';
import { inspectImage, type ImageFacts } from '../../domain/image/index.js';
import { decideImportRequest, type Decision } from '../../domain/import-request/index.js';
import { ovfHintsOf, type Packing, packingFromKey } from '../../domain/unpacking/index.js';
import { type ObjectFacts, readObjectFacts, readStatusRecord, type StoredStatus } from '../../adapters/oss/index.js';
import { type RecordSource, type StatusRecord, statusRecordKey } from '../../domain/status/index.js';

export interface PlanOptions {
  /** Re-import even when a record covers this version, with a new clientToken (`backfill --force`). */
  force?: boolean;
  /** The status record of the first key candidate, when the caller has just read it (backfill). */
  knownStatus?: StoredStatus;
}

/** What every plan of an object that was found carries. */
interface FoundObject {
  facts: ObjectFacts;
  source: RecordSource & { etag: string; size: number };
  /** The inspector's facts of the object's own bytes (of a packed upload: the packing's, e.g. zstd's unpacked size). */
  image: ImageFacts;
  /** The record of an earlier delivery of this key, if any. */
  existing: StatusRecord | undefined;
}

/**
 * What reading one upload found: an image with its decision, a compressed or packaged upload
 * (`.gz`, `.zip`, `.ova`, …, issue 14) to unpack before anything is decided, or no object under
 * any spelling.
 */
export type Plan =
  | ({ kind: 'found'; decision: Decision } & FoundObject)
  | ({ kind: 'packed'; packing: Packing } & FoundObject)
  | { kind: 'not-found'; triedKeys: string[]; existing: StatusRecord | undefined };

function recordOf(stored: StoredStatus): StatusRecord | undefined {
  return stored.kind === 'record' ? stored.record : undefined;
}

/**
 * Reads the object and its record, inspects the bytes and decides; no API call and nothing
 * written (the `plan` command, and the first step of the pipeline). A packed upload is only
 * read and inspected: what is inside decides. Throws ObjectStoreError when the store fails.
 */
export async function planUpload(upload: Upload, deps: { s3: S3Client; config: Config; now: () => Date }, options: PlanOptions = {}): Promise<Plan> {
  const { s3, config } = deps;
  const firstKey = upload.keyCandidates[0];
  // The record of the likeliest spelling is read alongside the facts: one round trip.
  const [read, stored] = await Promise.all([
    readObjectFacts(s3, { bucket: upload.bucket, keyCandidates: upload.keyCandidates, ...(upload.etag !== undefined ? { etag: upload.etag } : {}) }),
    options.knownStatus ?? readStatusRecord(s3, upload.bucket, statusRecordKey(config.statusPrefix, firstKey)),
  ]);
  if (read.kind === 'not-found') return { kind: 'not-found', triedKeys: read.triedKeys, existing: recordOf(stored) };
  const { facts } = read;
  const existing =
    facts.key === firstKey ? recordOf(stored) : recordOf(await readStatusRecord(s3, upload.bucket, statusRecordKey(config.statusPrefix, facts.key)));
  const source = { region: upload.region, bucket: upload.bucket, key: facts.key, etag: facts.etag, size: facts.size };
  const image = inspectImage({ head: facts.bytes.head, tail: facts.bytes.tail, size: facts.size, name: facts.key });
  const packing = packingFromKey(facts.key);
  if (packing !== undefined) return { kind: 'packed', facts, source, image, packing, existing };
  const decision = decideImportRequest({
    source,
    metadata: facts.metadata,
    tags: facts.tags,
    defaults: config.defaults,
    // An OVA's sibling carries the OS its descriptor names (issue 14).
    hints: ovfHintsOf(facts.metadata),
    image,
    ...(options.force === true ? { tokenSalt: deps.now().toISOString() } : {}),
  });
  return { kind: 'found', facts, source, image, decision, existing };
}
