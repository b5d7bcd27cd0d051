// JD Cloud's rules, one home each: what the API accepts, region ids, OSS hosts and names, fc limits.
export {
  architectures,
  diskFormats,
  imageNameDisallowedRun,
  imageNameRule,
  isDiskFormat,
  isSystemDiskSizeGb,
  isValidImageName,
  maxClientTokenCharacters,
  maxDescriptionCharacters,
  maxImportBytes,
  maxOsVersionCharacters,
  osTypes,
  platforms,
  systemDiskSizeGb,
  systemDiskSizeRule,
} from './image-import.js';
export type { ApiArchitecture, DiskFormat, OsType, Platform } from './image-import.js';
export { defaultFcEndpoint, defaultVmEndpoint } from './endpoints.js';
export { isDocumentedRegion, isRegionId, knownRegionIds, regionIdPattern } from './regions.js';
export { describeImagesPageSize, imageStatuses, isAccountPin, maxCopyImagesSourceIds, maxFollowThroughEntries, maxImageIdCharacters } from './vm-images.js';
export type { ImageStatus } from './vm-images.js';
export { bucketNameRulesBroken, maxObjectKeyBytes, ossInternalEndpoint, ossPublicEndpoint, ossRegionOfHost } from './oss.js';
export {
  instanceTypesText,
  fcDocumentedRuntime,
  fcFunctionDefaults,
  fcInstanceTypes,
  fcLimits,
  fcResourceNamePattern,
  reservedEnvironmentNames,
  reservedEnvironmentPrefixes,
} from './function-compute.js';
export type { FcInstanceType } from './function-compute.js';
