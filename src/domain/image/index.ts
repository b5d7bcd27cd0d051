// The image stage: what an uploaded object is, whether it is safe to import, how big a disk
// it needs. Pure functions over bytes already read (see imageByteRanges for which bytes).
export type { DetectedFormat } from './disk-format.js';
export { diskExtensionList, formatFromKey, unknownExtensionOf } from './format-from-key.js';
export type { FormatFromKey } from './format-from-key.js';
export { inspectImage } from './inspect-image.js';
export type { ImageBytesRead } from './inspect-image.js';
export type { ImageFacts } from './image-facts.js';
export type { ImageDetails } from './format-match.js';
export { checkImageAgainstKey } from './check-against-key.js';
export { headBytes, httpRangeHeader, imageByteRanges, tailBytes } from './byte-ranges.js';
export type { ByteRange } from './byte-ranges.js';
export {
  checkSystemDiskSizeCoversImage,
  systemDiskSizeFromVirtualSize,
  virtualSizeUnknownProblem,
} from './system-disk-size.js';
export type { SystemDiskSize } from './system-disk-size.js';
export { describeByteSize } from './byte-size-text.js';
