export { coversVersion, handedToJd, inFlightMarkerKey, statusObjectOf, statusRecordKey, statusRecordSchema } from './status-record.js';
export type { StatusApiError, StatusRecord } from './status-record.js';
export { copyStates, shareStates } from './follow-through-fields.js';
export type { CopyState, FollowerLease, RecordedCopy, RecordedShares, RecordedNotification, ShareState } from './follow-through-fields.js';
