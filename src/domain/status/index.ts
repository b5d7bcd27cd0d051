export { coversVersion, handedToJd, inFlightMarkerKey, statusObjectOf, statusRecordKey, statusRecordSchema } from './status-record.js';
export type { StatusApiError, StatusRecord } from './status-record.js';
