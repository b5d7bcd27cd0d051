import type { Problem } from '../../../src/kernel/index.js';
import { minFollowerTimeoutSeconds } from '../../../src/use-cases/following/index.js';

/**
 * A warning when the refresh function's timeout is too short for its follower: each invocation
 * keeps time to hand on and starts a step only if the step's worst case fits before its timeout
 * (a notification's retries alone take up to 82.5 s). In a shorter timeout it takes one step per
 * invocation, which fc may kill under way, with the lease still held and no hand-off.
 */
export function followerTimeoutWarning(functionKey: string, timeoutSeconds: number): Problem | undefined {
  if (timeoutSeconds >= minFollowerTimeoutSeconds) return undefined;
  return {
    code: 'short-follower-timeout',
    field: `functions.${functionKey}.timeout`,
    value: String(timeoutSeconds),
    message:
      `functions.${functionKey}.timeout: ${timeoutSeconds} s is too short for the follower, which needs ${minFollowerTimeoutSeconds} s to fit its longest step and the hand-off; ` +
      `each invocation would take one step, which fc may kill under way. Set it to at least ${minFollowerTimeoutSeconds} (serverless.yml has 300).`,
  };
}
