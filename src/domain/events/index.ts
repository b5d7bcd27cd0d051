export { eventRegionProblem } from './event-region.js';
export { selectUploads, uploadPolicyOf } from './select-uploads.js';
export type { InvalidRecord, SkippedRecord, Upload } from './upload.js';
