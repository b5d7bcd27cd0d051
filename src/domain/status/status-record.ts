import * as z from '../../kernel/zod.js';
import { followerSchema, imageCopySchema, imageSharesSchema, notificationDeliverySchema } from './follow-through-fields.js';
import { maxObjectKeyBytes } from '../jdcloud-rules/index.js';

export const statusStates = ['submitted', 'rejected', 'failed', 'importing', 'ready', 'error'] as const;
export type StatusState = (typeof statusStates)[number];

const problemSchema = () => z.object({
  code: z.string(),
  field: z.string(),
  value: z.optional(z.string()),
  message: z.string(),
});

/**
 * A failed call. The pipeline always writes `httpStatus` and `requestId`, null when unknown (no
 * response, or none that said); records written before they were always there may lack them.
 */
const apiErrorSchema = () => z.object({
  message: z.string(),
  httpStatus: z.optional(z.nullable(z.number())),
  status: z.optional(z.string()),
  code: z.optional(z.union([z.number(), z.string()])),
  requestId: z.optional(z.nullable(z.string())),
  retryable: z.boolean(),
});

/**
 * `<IMAGE_STATUS_PREFIX><key>.json` in the source bucket: what happened to one upload.
 * A contract (README.md, "The status record"): users' scripts and the `status`/`backfill` commands read it.
 * It never holds a secret: the presigned URL's signature and key id are redacted.
 */
const recordSchema = () => z.object({
  version: z.literal(1),
  state: z.enum(statusStates),
  source: z.object({
    region: z.string(),
    bucket: z.string(),
    key: z.string(),
    etag: z.optional(z.string()),
    size: z.optional(z.number()),
  }),
  /** The importImage body as sent, imageUrl redacted. */
  request: z.optional(z.record(z.string(), z.unknown())),
  imageId: z.optional(z.string()),
  taskId: z.optional(z.string()),
  clientToken: z.optional(z.string()),
  problems: z.optional(z.array(problemSchema())),
  error: z.optional(apiErrorSchema()),
  attempts: z.optional(z.number()),
  /** Things the user should know that did not stop the import, e.g. tags that could not be read. */
  warnings: z.optional(z.array(z.string())),
  /** What the inspector found in the bytes: format, virtual size, details. */
  image: z.optional(z.record(z.string(), z.unknown())),
  /** An unpacked image's record: the packed upload it was unpacked from (issue 14). */
  unpackedFrom: z.optional(z.object({ key: z.string(), etag: z.string() })),
  /**
   * A packed upload's record (`.qcow2.gz`, `.zip`, `.ova`, …): the sibling object it was unpacked
   * to, whose own record says the same import; `packing` as `describePacking` says it.
   */
  unpackedTo: z.optional(
    z.object({ key: z.string(), etag: z.string(), size: z.number(), packing: z.string(), member: z.optional(z.string()), decoder: z.optional(z.string()), durationMs: z.optional(z.number()) }),
  ),
  /** Filled by `status --refresh`: JD's task progress and message. */
  task: z.optional(z.object({ status: z.string(), progress: z.optional(z.number()), message: z.optional(z.string()) })),
  /** After the import (issue 13): a copy per `copy-to-regions` region, the `share-with` pins, notifications sent. */
  copies: z.optional(z.array(imageCopySchema())),
  shares: z.optional(imageSharesSchema()),
  notifications: z.optional(z.array(notificationDeliverySchema())),
  /** The follower's lease and progress (docs/architecture.md, "The follower"). */
  follower: z.optional(followerSchema()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/**
 * Built on its first parse: the importImage function reads a record only when the key has one, so
 * a plain upload's cold start does not build it (issue 12).
 */
export const statusRecordSchema = z.lazySchema(recordSchema);

export type StatusRecord = z.infer<ReturnType<typeof recordSchema>>;
export type StatusApiError = z.infer<ReturnType<typeof apiErrorSchema>>;

const recordSuffix = '.json';
const inFlightSuffix = '.in-flight';

/** Where an object's record lives; the prefix keeps records out of the import trigger. */
export function statusRecordKey(statusPrefix: string, key: string): string {
  return `${statusPrefix}${key}${recordSuffix}`;
}

/**
 * Why an object's status record cannot be written, when its key would be longer than the store
 * allows; undefined when it fits. No redelivery changes that: the upload fails for good.
 */
export function statusRecordKeyProblem(statusPrefix: string, key: string): string | undefined {
  const bytes = utf8Length(statusRecordKey(statusPrefix, key));
  if (bytes <= maxObjectKeyBytes) return undefined;
  const room = maxObjectKeyBytes - (bytes - utf8Length(key));
  return (
    `The status record key would be ${bytes} bytes (IMAGE_STATUS_PREFIX "${statusPrefix}", the object key, "${recordSuffix}"), and S3 keys hold at most ${maxObjectKeyBytes} bytes, so this upload cannot be recorded. ` +
    `Rename the object to a key of at most ${room} bytes, or set a shorter IMAGE_STATUS_PREFIX.`
  );
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * The record's in-flight marker: an empty object next to it, there while the import may still
 * move (`submitted`, `importing`). The scheduled refresh lists the prefix and reads only the
 * records that have one, instead of every record. The record stays the source of truth: a
 * marker only says "read me"; it is not part of the record's contract.
 */
export function inFlightMarkerKey(statusPrefix: string, key: string): string {
  return `${statusPrefix}${key}${inFlightSuffix}`;
}

/**
 * What a key under the status prefix is: an object's record, an object's in-flight marker, or
 * neither (undefined). Records end in `.json` and markers in `.in-flight`, so one never passes
 * for the other whatever the image keys are.
 */
export function statusObjectOf(statusPrefix: string, objectKey: string): { kind: 'record' | 'in-flight'; key: string } | undefined {
  if (!objectKey.startsWith(statusPrefix)) return undefined;
  const name = objectKey.slice(statusPrefix.length);
  if (name.endsWith(recordSuffix)) return { kind: 'record', key: name.slice(0, -recordSuffix.length) };
  if (name.endsWith(inFlightSuffix)) return { kind: 'in-flight', key: name.slice(0, -inFlightSuffix.length) };
  return undefined;
}

/**
 * States that mean "this object version was handed to JD": a second delivery of the same
 * version must not submit again (the clientToken would make it harmless, but it costs a
 * call). A rejection or a failure is decided again: the user may have fixed the metadata
 * (same bytes, same ETag) or the API may be back. An `error` from JD stays: the same
 * clientToken would only return the same failed task (`backfill --force` makes a new one).
 */
export function coversVersion(record: StatusRecord, etag: string): boolean {
  return record.source.etag === etag && handedToJd(record);
}

/** JD has (or had) an import for the record's version: imageId and taskId must not be lost. */
export function handedToJd(record: StatusRecord): boolean {
  return record.state === 'submitted' || record.state === 'importing' || record.state === 'ready' || record.state === 'error';
}

/** An import JD has not finished (`submitted` or `importing`, with a task): the follower and the refresh ask JD about it. */
export function importInFlight(record: StatusRecord): boolean {
  return (record.state === 'submitted' || record.state === 'importing') && record.taskId !== undefined;
}
