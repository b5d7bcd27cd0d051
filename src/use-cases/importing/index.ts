export { handleEvent } from './handle-event.js';
export type { EventSummary } from './handle-event.js';
export { createPipelineDeps } from './pipeline-deps.js';
export type { PipelineDepsOptions } from './pipeline-deps.js';
export { buildImportRequest, planUpload, processUpload, redactRequest } from './pipeline.js';
export type { ImageImporter, PipelineDeps } from './pipeline.js';
export { TransientImportFailure } from './transient-import-failure.js';
