import { type DeliveryOptions, deliveryWorstCaseMs } from '../../adapters/webhook/index.js';
import type { FollowStep } from '../../domain/following/index.js';
import { fcFunctionDefaults } from '../../domain/jdcloud-rules/index.js';

/**
 * The follower's JD clients (polls, describeImages, shareImage, the hand-off) give up sooner than
 * the pipeline's, whose importImage must get through: a poll that fails is asked again at the next
 * poll anyway. One call then takes at most 25 s: its last retry starts within 10 s of the first
 * attempt, and an attempt lasts at most 15 s.
 */
export const followerJdClientLimits = { retry: { maxAttempts: 3, maxElapsedMs: 10_000 }, timeouts: { attemptMs: 15_000 } } as const;

const jdCallMs = followerJdClientLimits.retry.maxElapsedMs + followerJdClientLimits.timeouts.attemptMs;
/** The status record's reads and writes within one step: a few round trips of a small object. */
const storeMs = 10_000;

export type StepKind = Exclude<FollowStep['kind'], 'done'>;
const stepKinds: readonly StepKind[] = ['poll-import', 'copy', 'share', 'notify', 'poll-copies', 'give-up'];

/** The longest a step can take: its JD calls at their limits, a notification's every attempt and wait, the store's round trips. */
export function stepWorstCaseMs(step: StepKind, deliveryOptions?: DeliveryOptions): number {
  switch (step) {
    case 'poll-import':
      // imageTasks, then describeImages once the task has finished.
      return 2 * jdCallMs + storeMs;
    case 'copy':
      // copyImages is sent once: it has no clientToken.
      return followerJdClientLimits.timeouts.attemptMs + storeMs;
    case 'share':
    case 'poll-copies':
      // The copies' regions are asked at once.
      return jdCallMs + storeMs;
    case 'notify':
      return deliveryWorstCaseMs(deliveryOptions) + storeMs;
    case 'give-up':
      return storeMs;
  }
}

/** What an invocation keeps for handing on at its end: passing the lease (the store) and invoking the next hop (one JD call). */
export const handOffReserveMs = jdCallMs + storeMs;

/**
 * The shortest refreshStatus timeout in which every step still fits after the hand-off's reserve
 * (118 s with the defaults: 35 s + a notification's 82.5 s): in a shorter one each invocation
 * takes a single step, which fc may kill under way.
 */
export const minFollowerTimeoutSeconds = Math.ceil((handOffReserveMs + Math.max(...stepKinds.map((step) => stepWorstCaseMs(step)))) / 1000);

/**
 * The time one fc invocation of the follower has, started at `startedAtMs` with a timeout of
 * `timeoutSeconds` (fc's default of 60 s when unknown, docs/reference/jdcloud-api.md §3.2):
 * `hardDeadlineMs`, by which every step must have ended (the timeout less the hand-off's
 * reserve), and `deadlineMs`, after which no step starts (the same, or sooner with `sliceSeconds`,
 * IMAGE_FOLLOW_SLICE_SECONDS).
 */
export function invocationWindow(startedAtMs: number, timeoutSeconds: number | undefined, sliceSeconds?: number): { deadlineMs: number; hardDeadlineMs: number } {
  const hardDeadlineMs = startedAtMs + (timeoutSeconds ?? fcFunctionDefaults.timeout) * 1000 - handOffReserveMs;
  return { hardDeadlineMs, deadlineMs: sliceSeconds === undefined ? hardDeadlineMs : Math.min(hardDeadlineMs, startedAtMs + sliceSeconds * 1000) };
}
