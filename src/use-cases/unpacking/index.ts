// Compressed and packaged uploads (issue 14): unpacked in the bucket into a sibling object,
// which the import pipeline then imports exactly once.
export { decoderName, decode } from './decoders.js';
export { prepareUnpack } from './prepare-unpack.js';
export type { PreparedUnpack, UnpackDeps } from './prepare-unpack.js';
export { unpackAndImport } from './unpack-upload.js';
export type { PackedOutcome, UnpackedTo, UnpackOptions } from './unpack-upload.js';
export { planPackedUpload } from './plan-packed.js';
export type { PackedPlan } from './plan-packed.js';
export { inspectPacked } from './inspect-packed.js';
export type { PackedInspection } from './inspect-packed.js';
export { objectSource } from './packed-source.js';
export type { PackedSource } from './packed-source.js';
