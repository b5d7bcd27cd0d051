import type { S3Client } from '@aws-sdk/client-s3';
import type { VmApi } from '../../adapters/jdcloud/index.js';
import type { DeliveryOptions, WebhookTarget } from '../../adapters/webhook/index.js';
import type { Logger } from '../../kernel/index.js';
import type { ImportTracker } from '../operations/index.js';

/** What a follower needs; every client comes in as an argument, so tests pass real ones on loopback. */
export interface FollowDeps {
  s3: S3Client;
  statusPrefix: string;
  /** The import's task and image state (batched imageTasks and describeImages). */
  tracker: ImportTracker;
  /** describeImages in the copies' regions and shareImage, with the client's retries (both are safe to repeat). */
  vm: Pick<VmApi, 'describeImages' | 'shareImage'>;
  /**
   * copyImages on a client that never retries: it has no clientToken, so an attempt that may have
   * reached JD is never sent again (see copyImagesOutcome).
   */
  copier: Pick<VmApi, 'copyImages'>;
  /** IMAGE_NOTIFY_URL and IMAGE_NOTIFY_SECRET; none: nothing is notified. */
  notify?: WebhookTarget;
  deliveryOptions?: DeliveryOptions;
  /** IMAGE_FOLLOW_MAX_HOURS, in ms. */
  maxFollowMs: number;
  now: () => Date;
  logger: Logger;
  timing?: Partial<FollowTiming>;
  /**
   * The process stopping (serve's SIGTERM, the CLI's Ctrl-C): its JD calls and notification
   * retries are cut short rather than waited for, and every follower stops as with its own signal.
   */
  signal?: AbortSignal;
}

export interface FollowTiming {
  /** The waits between polls of JD, the last repeated: the import takes minutes, so they grow to a minute. */
  pollDelaysMs: readonly number[];
  /** How long a claim is left to settle before it is read back (a concurrent claim lands in that time). */
  claimSettleMs: number;
  /**
   * How long a lease outlives its holder's deadline, should the holder die without letting it go.
   * Longer than any step that starts just before the deadline (a notification's 4 attempts take
   * up to ~66 s, a VM call up to 30 s), so a live holder never loses its lease mid-step.
   */
  leaseGraceMs: number;
}

export const defaultFollowTiming: FollowTiming = {
  pollDelaysMs: [2_000, 5_000, 10_000, 20_000, 30_000, 60_000],
  claimSettleMs: 1_000,
  leaseGraceMs: 120_000,
};

export function followTiming(deps: FollowDeps): FollowTiming {
  return { ...defaultFollowTiming, ...deps.timing };
}
