import { GetObjectTaggingCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { httpStatusOf, isNotFound, ObjectStoreError } from './object-store-error.js';
import { readImageBytes, type ImageRangesRead } from './read-image-bytes.js';

/** Everything the decision needs to know about one object, read without reading the object. */
export interface ObjectFacts {
  key: string;
  size: number;
  /** Unquoted. */
  etag: string;
  /** User metadata, names lower-cased without `x-amz-meta-`. */
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** False where the store has no tagging API (JD OSS does not list it): no tags, not a failure. */
  taggingSupported: boolean;
  /**
   * Why tags could not be read, when the store answered with an error. A 403 may mean "no
   * tagging" (JD OSS) or a missing permission: the upload goes on without tags, and says so.
   */
  tagsUnreadable?: string;
  bytes: ImageRangesRead;
}

export type ObjectFactsResult = { kind: 'found'; facts: ObjectFacts } | { kind: 'not-found'; triedKeys: string[] };

/** What GetObjectTagging told: the tags, no tagging at all, or tags that could not be read (and why). */
type TagsRead =
  | { kind: 'tags'; tags: Record<string, string> }
  | { kind: 'unsupported' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'not-found' };

/** An object's ETag (unquoted), size and user metadata (names lower-case). */
export interface ObjectHead {
  etag: string;
  size: number;
  metadata: Record<string, string>;
}

/** HEAD of one key: undefined when there is no object under it. */
export async function readObjectHead(s3: S3Client, bucket: string, key: string): Promise<ObjectHead | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      etag: (head.ETag ?? '').replace(/"/g, ''),
      size: head.ContentLength ?? 0,
      metadata: Object.fromEntries(Object.entries(head.Metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ObjectStoreError('HeadObject', `s3://${bucket}/${key}`, error);
  }
}

/** A store without tagging answers NotImplemented, 501, 400 or 403: that means "no tags". */
function isTaggingUnsupported(error: unknown): boolean {
  const status = httpStatusOf(error);
  const name = error instanceof Error ? error.name : '';
  return name === 'NotImplemented' || status === 501 || status === 400 || status === 403 || status === 405;
}

async function getTags(s3: S3Client, bucket: string, key: string): Promise<TagsRead> {
  try {
    const response = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    const tags: Record<string, string> = {};
    for (const tag of response.TagSet ?? []) {
      if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    }
    return { kind: 'tags', tags };
  } catch (error) {
    if (isNotFound(error)) return { kind: 'not-found' };
    if (!isTaggingUnsupported(error)) throw new ObjectStoreError('GetObjectTagging', `s3://${bucket}/${key}`, error);
    const status = httpStatusOf(error);
    // NotImplemented/501/405 plainly mean "no tagging here"; 400 and 403 may hide a problem.
    if (status !== 400 && status !== 403) return { kind: 'unsupported' };
    return {
      kind: 'unreadable',
      reason: `GetObjectTagging answered ${error instanceof Error ? error.name : 'an error'} (HTTP ${status}): tags were not used. Grant oss:GetObjectTagging if the store supports tagging.`,
    };
  }
}

async function readOneKey(s3: S3Client, bucket: string, key: string) {
  // One round trip: HEAD, tagging and both byte ranges go out together. The tail is a suffix
  // range, so no size is needed up front (an event's size may be stale or absent).
  const [head, tagging, bytes] = await Promise.all([
    readObjectHead(s3, bucket, key),
    getTags(s3, bucket, key),
    readImageBytes(s3, { bucket, key }),
  ]);
  if (head === undefined || tagging.kind === 'not-found' || bytes === 'not-found') return undefined;
  const { etag, size: objectSize } = head;
  if ((bytes.etag !== undefined && bytes.etag !== etag) || (bytes.sizeFromRange !== undefined && bytes.sizeFromRange !== objectSize)) {
    // Overwritten between our reads: the facts would describe two different objects.
    const changed = new Error('the object changed while it was read (its ETag or size differ between the reads); a later delivery reads it again');
    changed.name = 'ObjectChangedWhileReading';
    throw new ObjectStoreError('read', `s3://${bucket}/${key}`, changed);
  }
  const facts: ObjectFacts = {
    key,
    size: objectSize,
    etag,
    metadata: head.metadata,
    tags: tagging.kind === 'tags' ? tagging.tags : {},
    taggingSupported: tagging.kind === 'tags',
    ...(tagging.kind === 'unreadable' ? { tagsUnreadable: tagging.reason } : {}),
    bytes,
  };
  return facts;
}

/**
 * Reads HEAD, tags and the head and tail bytes of the object a key names. Candidates differ
 * only when an event key could be URL-encoded: the first that exists is the object, unless the
 * event's ETag says another one is (a second round trip, only when the first one's ETag differs).
 * When no spelling has that ETag (the object changed since the event), the first that exists is taken.
 */
export async function readObjectFacts(
  s3: S3Client,
  target: { bucket: string; keyCandidates: readonly string[]; etag?: string },
): Promise<ObjectFactsResult> {
  let firstFound: ObjectFacts | undefined;
  for (const key of target.keyCandidates) {
    const facts = await readOneKey(s3, target.bucket, key);
    if (facts === undefined) continue;
    if (target.etag === undefined || facts.etag === target.etag) return { kind: 'found', facts };
    firstFound ??= facts;
  }
  return firstFound !== undefined ? { kind: 'found', facts: firstFound } : { kind: 'not-found', triedKeys: [...target.keyCandidates] };
}
