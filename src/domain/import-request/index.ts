export { decideImportRequest } from './decide-import.js';
export type { Decision, ImportRequestDraft } from './decide-import.js';
export { resolveOsFields } from './os-fields.js';
export type { FieldSource } from './os-fields.js';
export { followThroughFields, resolveFollowThrough } from './follow-through-fields.js';
export type { FollowThrough } from './follow-through-fields.js';
