// Compressed and packaged uploads (issue 14), the pure rules: what an upload is packed in, the
// sibling it unpacks to, which archive members are safe and which are disks, the OVF's OS hint,
// whether unpacking fits the function's time (and the unpacked size an xz index gives), and
// what the first unpacked bytes prove.
export { archives, codecs, describePacking, isPackedKey, packedSuffixes, packingFromKey } from './packing.js';
export type { Archive, Codec, Packing } from './packing.js';
export { archiveFromMagic, checkArchiveMagic, checkPackingMagic, codecFromMagic } from './packing-magic.js';
export { archiveSiblingKey, compressedSiblingKey, isSiblingKeyOf } from './sibling-key.js';
export type { SiblingKey } from './sibling-key.js';
export { diskCountProblem, isDiskMember, memberBaseName, sameMemberName, unsafeMemberName, unsafeMemberProblem } from './member-name.js';
export { ovfFileHrefs, platformFromOvfOs, readOvfDescriptor, unsafeOvfHref } from './ovf-descriptor.js';
export { ovaDiskMismatchProblem, ovaWithoutDescriptorProblem, ovfDiskCountProblem, ovfUnsafeHrefProblem } from './ova-problems.js';
export type { OvfDescriptor } from './ovf-descriptor.js';
export { ovfHintsOf, siblingMetadata, siblingMetadataNames, unpackedFromOf } from './sibling-metadata.js';
export type { SiblingSource } from './sibling-metadata.js';
export { assumedCompressionRatio, estimateUnpack, importMarginSeconds, unpackBudgetSeconds, unpackRates, unpackSafetyFactor, unpackTimeoutProblem, unpackTimeProblem, unpackTooLargeProblem } from './unpack-estimate.js';
export type { UnpackedSizeHint, UnpackEstimate } from './unpack-estimate.js';
export { xzSizeFromEnd } from './xz-index.js';
export type { XzEnd } from './xz-index.js';
export { checkUnpackedHead, looksLikeText } from './unpacked-head-check.js';
export { findZipEnd, readCentralDirectory, readZip64End } from './zip-directory.js';
export { readZipLocalHeader, zipHeadersDisagree, zipLocalHeaderFixedBytes, zipLocalHeaderLength } from './zip-local-header.js';
export type { ZipLocalHeader } from './zip-local-header.js';
export { zipCorruption, zipEncryptedProblem, zipMethodProblem } from './zip-problems.js';
export type { ZipEnd, ZipEntry } from './zip-directory.js';
