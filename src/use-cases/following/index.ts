// The follower (issue 13): takes an import from `submitted` to its end — ready, copied, shared,
// notified — in slices that hand over to each other, with a lease in the status record.
export { followRequestAfter, followRequestsAfter } from './after-import.js';
export { BackgroundFollowers } from './background-followers.js';
export { createFollowDeps } from './create-follow-deps.js';
export type { FollowDepsOptions } from './create-follow-deps.js';
export { copyImagesOutcome } from './copy-steps.js';
export { fcHandOff, handOffAll } from './fc-hand-off.js';
export type { FollowHandOff, HandOffs } from './fc-hand-off.js';
export { defaultFollowTiming } from './follow-deps.js';
export type { FollowDeps, FollowTiming } from './follow-deps.js';
export { followImport, processHolder } from './follow-import.js';
export { FollowProgressLines } from './follow-progress.js';
export type { FollowImportOptions } from './follow-import.js';
export { followInvocation } from './follow-invocation.js';
export type { FollowInvocationSummary } from './follow-invocation.js';
export { followSlice } from './follow-slice.js';
export { followerJdClientLimits, invocationWindow, minFollowerTimeoutSeconds, stepWorstCaseMs } from './step-time.js';
export type { FollowOutcome, FollowResult, SliceOptions } from './follow-slice.js';
