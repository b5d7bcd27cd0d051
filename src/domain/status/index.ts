export { coversVersion, handedToJd, importInFlight, inFlightMarkerKey, statusObjectOf, statusRecordKey, statusRecordKeyProblem, statusRecordSchema } from './status-record.js';
export type { StatusApiError, StatusRecord } from './status-record.js';
export { copyStates, shareStates } from './follow-through-fields.js';
export type { CopyState, FollowerLease, RecordedCopy, RecordedShares, RecordedNotification, ShareState } from './follow-through-fields.js';
export { failedRecord, notFoundRecord, rejectedRecord, submittedRecord, unpackedRecord, unreadRecord, unreadRejectedRecord } from './status-record-builders.js';
export type { ReadObject, RecordedFailure, RecordSource, RecordTimes, Submission, UnpackedTo } from './status-record-builders.js';
