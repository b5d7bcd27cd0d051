import { fcFunctionDefaults } from '../jdcloud-rules/index.js';

/**
 * By when a follower running as an fc invocation must hand over, `timeoutSeconds` after it
 * started (FunctionSpec.timeout, docs/reference/jdcloud-api.md §3.2; fc's default of 60 s when the
 * context does not say). It keeps a reserve for the step under way and the re-invocation: a
 * third of the timeout, at most 90 s (a notification's retries take up to ~66 s).
 */
export function sliceDeadlineMs(startedAtMs: number, timeoutSeconds: number | undefined): number {
  const timeoutMs = (timeoutSeconds ?? fcFunctionDefaults.timeout) * 1000;
  return startedAtMs + timeoutMs - Math.min(90_000, timeoutMs / 3);
}
