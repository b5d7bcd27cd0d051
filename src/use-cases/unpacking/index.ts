// Compressed and packaged uploads (issue 14): unpacked in the bucket into a sibling object,
// which the import pipeline (its unpack step) then imports exactly once.
export { decoderName, decode } from './decoders.js';
export type { PackedObject, UnpackDeps } from './prepare-unpack.js';
export { unpackToSibling } from './unpack-to-sibling.js';
export type { UnpackResult } from './unpack-to-sibling.js';
export { planPackedUpload } from './plan-packed.js';
export type { PackedPlan } from './plan-packed.js';
export { inspectPacked } from './inspect-packed.js';
export type { PackedInspection } from './inspect-packed.js';
export type { PackedSource } from './packed-source.js';
