// Following an import to its end without a scheduler (issue 13): the follow request, the next
// step for a record, and the lease that keeps two followers from doubling a side effect. Pure.
export { followedObject, followRequestFor, followRequestSchema, parseFollowEvent, recordFollowed } from './follow-request.js';
export type { FollowEvent, FollowRequest } from './follow-request.js';
export { heldByProcess, holdsLease, leaseAvailable, processHolderPrefix, withLease, withLeasePassed, withLeaseReleased } from './lease.js';
export { finalEvent, gaveUpRecord, nextFollowStep, notified, pendingFollowThrough, withFollowThroughCancelled } from './next-step.js';
export type { FollowSituation, FollowStep } from './next-step.js';
export { followThroughParts } from './follow-through-text.js';
