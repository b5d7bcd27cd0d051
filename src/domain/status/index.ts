export { coversVersion, handedToJd, inFlightMarkerKey, statusObjectOf, statusRecordKey, statusRecordKeyProblem, statusRecordSchema } from './status-record.js';
export type { StatusApiError, StatusRecord } from './status-record.js';
export { failedRecord, notFoundRecord, rejectedRecord, submittedRecord, unpackedRecord, unreadRecord, unreadRejectedRecord } from './status-record-builders.js';
export type { ReadObject, RecordedFailure, RecordSource, RecordTimes, Submission, UnpackedTo } from './status-record-builders.js';
