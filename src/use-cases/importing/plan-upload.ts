import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/index.js';
import type { Upload } from '../../domain/events/index.js';
import { inspectImage, type ImageFacts } from '../../domain/image/index.js';
import { decideImportRequest, type Decision } from '../../domain/import-request/index.js';
import { type ObjectFacts, readObjectFacts, readStatusRecord, type StoredStatus } from '../../adapters/oss/index.js';
import { type RecordSource, type StatusRecord, statusRecordKey } from '../../domain/status/index.js';

export interface PlanOptions {
  /** Re-import even when a record covers this version, with a new clientToken (`backfill --force`). */
  force?: boolean;
  /** The status record of the first key candidate, when the caller has just read it (backfill). */
  knownStatus?: StoredStatus;
}

/** What reading one upload found: the object with its decision, or no object under any spelling. */
export type Plan =
  | {
      kind: 'found';
      facts: ObjectFacts;
      source: RecordSource & { etag: string; size: number };
      image: ImageFacts;
      decision: Decision;
      /** The record of an earlier delivery of this key, if any. */
      existing: StatusRecord | undefined;
    }
  | { kind: 'not-found'; triedKeys: string[]; existing: StatusRecord | undefined };

function recordOf(stored: StoredStatus): StatusRecord | undefined {
  return stored.kind === 'record' ? stored.record : undefined;
}

/**
 * Reads the object and its record, inspects the bytes and decides; no API call and nothing
 * written (the `plan` command, and the first step of the pipeline). Throws ObjectStoreError
 * when the store fails.
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
  const decision = decideImportRequest({
    source,
    metadata: facts.metadata,
    tags: facts.tags,
    defaults: config.defaults,
    image,
    ...(options.force === true ? { tokenSalt: deps.now().toISOString() } : {}),
  });
  return { kind: 'found', facts, source, image, decision, existing };
}
