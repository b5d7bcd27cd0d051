import * as z from '../../kernel/zod.js';

// What happens after JD accepted an import (issue 13), as the status record tells it: the copies
// to other regions, the share with other accounts, the notifications, and the follower's lease.
// All of it is additive to the record's `version: 1` shape. Each schema is built with the
// record's (statusRecordSchema, on its first use), hence functions.

/**
 * One copy of the image to another region. `pending`: not asked for yet; `copying`: copyImages
 * was called (the destination id is there once JD answered); `ready` or `error`: final.
 */
export const copyStates = ['pending', 'copying', 'ready', 'error'] as const;
export type CopyState = (typeof copyStates)[number];

export const imageCopySchema = () => z.object({
  region: z.string(),
  state: z.enum(copyStates),
  destinationImageId: z.optional(z.string()),
  /** The copy's progress in percent, as describeImages reports it in its region. */
  progress: z.optional(z.number()),
  message: z.optional(z.string()),
  /** When copyImages was called: a `copying` copy without a destination id was asked for then. */
  requestedAt: z.optional(z.string()),
});
export type RecordedCopy = z.infer<ReturnType<typeof imageCopySchema>>;

/** The share with other accounts: one shareImage with every pin, once the image is ready. */
export const shareStates = ['pending', 'sharing', 'shared', 'error'] as const;
export type ShareState = (typeof shareStates)[number];

export const imageSharesSchema = () => z.object({
  pins: z.array(z.string()),
  state: z.enum(shareStates),
  message: z.optional(z.string()),
  at: z.optional(z.string()),
});
export type RecordedShares = z.infer<ReturnType<typeof imageSharesSchema>>;

/** One notification's delivery (adapters/webhook): never the URL's query, never the secret. */
export const notificationDeliverySchema = () => z.object({
  event: z.string(),
  id: z.string(),
  delivered: z.boolean(),
  attempts: z.number(),
  at: z.string(),
  httpStatus: z.optional(z.number()),
  error: z.optional(z.string()),
});
export type RecordedNotification = z.infer<ReturnType<typeof notificationDeliverySchema>>;

/**
 * The follower that takes the import to its end (docs/architecture.md, "The follower"): its
 * lease — only the holder calls copyImages, shareImage or the webhook, until `leaseUntil` —,
 * when following began, how many invocations the chain has taken, and how it ended.
 */
export const followerSchema = () => z.object({
  holder: z.string(),
  leaseUntil: z.string(),
  startedAt: z.string(),
  hop: z.number(),
  /** Set when nothing is left to do: `done`, or `gave-up` after the configured maximum. */
  finished: z.optional(z.enum(['done', 'gave-up'])),
  /**
   * The hop the lease was passed to: a deployed follower at its deadline passes it on to the next
   * invocation of its chain, which alone may take it before it runs out (no watcher slips in between).
   */
  passedTo: z.optional(z.number()),
  /** Why the follower stopped before the end: an error that no wait mends (a denied call, say). */
  error: z.optional(z.string()),
});
export type FollowerLease = z.infer<ReturnType<typeof followerSchema>>;
