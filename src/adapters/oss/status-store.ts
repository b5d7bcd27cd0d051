import { DeleteObjectCommand, GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { type StatusRecord, statusRecordSchema } from '../../domain/status/index.js';
import { isNotFound, ObjectStoreError } from './object-store-error.js';

export type StoredStatus =
  | { kind: 'absent' }
  | { kind: 'record'; record: StatusRecord }
  /** Not JSON, or another version: reported, never a crash, and overwritten by the next import. */
  | { kind: 'unreadable'; reason: string };

/** Reads one status record. */
export async function readStatusRecord(s3: S3Client, bucket: string, recordKey: string): Promise<StoredStatus> {
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: recordKey }));
    text = response.Body === undefined ? '' : await response.Body.transformToString('utf8');
  } catch (error) {
    if (isNotFound(error)) return { kind: 'absent' };
    throw new ObjectStoreError('GetObject', `s3://${bucket}/${recordKey}`, error);
  }
  return parseStatusRecord(text);
}

export function parseStatusRecord(text: string): StoredStatus {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
  const parsed = statusRecordSchema.safeParse(json);
  if (!parsed.success) {
    const version = typeof json === 'object' && json !== null && 'version' in json ? String(json.version) : 'none';
    const first = parsed.error.issues[0];
    return {
      kind: 'unreadable',
      reason: version !== '1' ? `version ${version}, expected 1` : `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`,
    };
  }
  return { kind: 'record', record: parsed.data };
}

export async function writeStatusRecord(s3: S3Client, bucket: string, recordKey: string, record: StatusRecord): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: recordKey,
        Body: `${JSON.stringify(record, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  } catch (error) {
    throw new ObjectStoreError('PutObject', `s3://${bucket}/${recordKey}`, error);
  }
}

/** Writes an in-flight marker (inFlightMarkerKey): an empty object, nothing in it to read. */
export async function writeInFlightMarker(s3: S3Client, bucket: string, markerKey: string): Promise<void> {
  try {
    // An empty body needs its length said: without it the SDK warns of a stream of unknown length.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: markerKey, Body: '', ContentLength: 0, ContentType: 'text/plain' }));
  } catch (error) {
    throw new ObjectStoreError('PutObject', `s3://${bucket}/${markerKey}`, error);
  }
}

/** Removes an in-flight marker; one already gone is fine (S3 answers a DELETE of no key with 204). */
export async function deleteInFlightMarker(s3: S3Client, bucket: string, markerKey: string): Promise<void> {
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: markerKey }));
  } catch (error) {
    if (isNotFound(error)) return;
    throw new ObjectStoreError('DeleteObject', `s3://${bucket}/${markerKey}`, error);
  }
}

/**
 * Updates our tags on a source object, keeping the user's: reads the current set first (the
 * refresh has no facts in hand). Best effort, like tagSourceObject.
 */
export async function retagSourceObject(s3: S3Client, target: { bucket: string; key: string }, outcome: Record<string, string>): Promise<boolean> {
  let existingTags: Record<string, string>;
  try {
    const response = await s3.send(new GetObjectTaggingCommand({ Bucket: target.bucket, Key: target.key }));
    existingTags = Object.fromEntries((response.TagSet ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])));
  } catch {
    return false;
  }
  return tagSourceObject(s3, { ...target, existingTags }, outcome);
}

/** S3 allows at most 10 tags per object. */
const maxTags = 10;

/**
 * Marks the source object with the outcome, keeping the user's own tags (PutObjectTagging
 * replaces the whole set). Best effort: a store without tagging, or no room for our tags,
 * leaves the object as it is. Returns whether the tags were written.
 */
export async function tagSourceObject(
  s3: S3Client,
  target: { bucket: string; key: string; existingTags: Record<string, string> },
  outcome: Record<string, string>,
): Promise<boolean> {
  const merged = { ...target.existingTags, ...outcome };
  if (Object.keys(merged).length > maxTags) return false;
  try {
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: target.bucket,
        Key: target.key,
        Tagging: { TagSet: Object.entries(merged).map(([Key, Value]) => ({ Key, Value })) },
      }),
    );
    return true;
  } catch {
    return false;
  }
}
