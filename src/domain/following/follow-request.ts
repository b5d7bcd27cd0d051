import * as z from '../../kernel/zod.js';
import { isRegionId } from '../jdcloud-rules/index.js';
import type { StatusRecord } from '../status/index.js';

/**
 * Which import to follow, and since when: the event of the follower's asynchronous invocation
 * (`{"follow": …}`, docs/reference/jdcloud-api.md §3.1). The import is the object version
 * (bucket, key, ETag) and, once JD has it, its clientToken: a record of another version (the
 * key uploaded again) is not this follower's to move.
 */
const requestSchema = () => z.strictObject({
  version: z.literal(1),
  region: z.string().check(z.refine((value) => isRegionId(value), { error: (issue) => `must be a region id such as cn-north-1; got ${JSON.stringify(issue.input)}` })),
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  etag: z.optional(z.string()),
  clientToken: z.optional(z.string()),
  /** When following began (ISO 8601): the maximum follow time counts from here, across invocations. */
  startedAt: z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be an ISO 8601 time' })),
  /** Invocations of the chain before this one (0 for the first). */
  hop: z.number().check(z.int(), z.nonnegative()),
});

/** Built on its first parse: only the follower reads follow requests; importImage writes them (issue 12). */
export const followRequestSchema = z.lazySchema(requestSchema);

export type FollowRequest = z.infer<ReturnType<typeof requestSchema>>;

/** The event that carries a follow request. */
export interface FollowEvent {
  follow: FollowRequest;
}

/**
 * The object whose record a follower takes forward: a packed upload's import is its sibling's
 * (issue 14, `unpackedTo`), so whichever of the two records or events a follower starts from, one
 * follower moves the one import (and brings the packed upload's record along).
 */
export function followedObject(object: { key: string; etag?: string | undefined }, unpackedTo: { key: string; etag: string } | undefined): { key: string; etag?: string } {
  const { key, etag } = unpackedTo ?? object;
  return { key, ...(etag !== undefined ? { etag } : {}) };
}

/** The follow request for a record just written, starting now. */
export function followRequestFor(record: StatusRecord, startedAt: Date): FollowRequest {
  const { region, bucket } = record.source;
  return {
    version: 1,
    region,
    bucket,
    ...followedObject(record.source, record.unpackedTo),
    ...(record.clientToken !== undefined ? { clientToken: record.clientToken } : {}),
    startedAt: startedAt.toISOString(),
    hop: 0,
  };
}

/**
 * Reads an invocation's event: a follow request, `undefined` when the event is no follow event
 * (the scheduled refresh's tick), or the problem with a follow event that is malformed.
 */
export function parseFollowEvent(event: unknown): { request: FollowRequest } | { problem: string } | undefined {
  if (typeof event !== 'object' || event === null || !('follow' in event)) return undefined;
  const parsed = followRequestSchema.safeParse(event.follow);
  if (parsed.success) return { request: parsed.data };
  return { problem: `not a follow request: ${parsed.error.issues.map((issue) => `follow.${issue.path.map(String).join('.')}: ${issue.message}`).join('; ')}` };
}

/** Whether the record is of the import the request follows (not of a newer upload of the key). */
export function recordFollowed(record: StatusRecord, request: FollowRequest): boolean {
  if (request.etag !== undefined && record.source.etag !== request.etag) return false;
  return request.clientToken === undefined || record.clientToken === request.clientToken;
}
