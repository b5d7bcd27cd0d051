// The library API: `import { signRequest } from 'oss-image-import/jdcloud'` (package.json "exports").
export { signRequest, buildSignedRequest, signCanonicalRequest } from './signing/sign-request.js';
export type { SignRequestInput, SignedRequest, JdCloudCredentials, CanonicalSigningInput, SignatureSteps } from './signing/sign-request.js';
export {
  canonicalUri,
  canonicalQuery,
  parseQueryPairs,
  canonicalHeaders,
  payloadHash,
  emptyPayloadHash,
  encodeRfc3986,
  decodePercent,
} from './signing/canonical-request.js';
export type { QueryPair } from './signing/canonical-request.js';
export { formatJdCloudDate, parseJdCloudDate } from './signing/jdcloud-date.js';
export { parseAuthorizationHeader } from './signing/authorization.js';
export { SigningKeyCache } from './signing/signing-key.js';

export { createJdCloudClient, defaultTimeouts } from './client/create-jdcloud-client.js';
export type {
  JdCloudClient,
  JdCloudClientOptions,
  JdCloudCallInput,
  JdCloudCallResult,
  RetryNotice,
} from './client/create-jdcloud-client.js';
export type { ClientTimeouts } from './client/send-attempt.js';
export { defaultRetryOptions } from './client/retry-policy.js';
export type { RetryOptions } from './client/retry-policy.js';
export type { QueryValue } from './client/query-params.js';
export { parseEndpoint, isLoopbackHost } from './client/endpoint.js';
export { checkRegionId } from './region.js';
export { isRegionId, knownRegionIds } from '../../domain/jdcloud-rules/index.js';
export { loadCredentials, checkCredentials, accessKeyIdVariable, secretAccessKeyVariable } from './credentials.js';

export {
  JdCloudError,
  JdCloudApiError,
  JdCloudNetworkError,
  JdCloudTimeoutError,
  JdCloudResponseError,
  MissingCredentialsError,
  JdCloudConfigError,
  JdCloudInputError,
} from './errors.js';
export type { InputIssue } from './errors.js';

export { createVmApi } from './vm/vm-api.js';
export type { VmApi } from './vm/vm-api.js';
export {
  importImage,
  importImageInputSchema,
  importImageResultSchema,
} from './vm/import-image.js';
export { architectures, osTypes, platforms, diskFormats } from '../../domain/jdcloud-rules/index.js';
export type { ImportImageInput, ImportImageResult } from './vm/import-image.js';
export { describeImageTasks, describeImageTasksQuerySchema, taskActions, taskStatuses } from './vm/describe-image-tasks.js';
export type { DescribeImageTasksQuery, DescribeImageTasksResult, ImageTask } from './vm/describe-image-tasks.js';
export { describeImage } from './vm/describe-image.js';
export { imageStatuses, maxCopyImagesSourceIds } from '../../domain/jdcloud-rules/index.js';
export type { DescribeImageResult, VmImage } from './vm/describe-image.js';
export { describeImages, describeImagesQuerySchema, imageSources } from './vm/describe-images.js';
export type { DescribeImagesQuery, DescribeImagesResult } from './vm/describe-images.js';
export { copyImages, copyImagesInputSchema } from './vm/copy-images.js';
export type { CopyImagesInput, CopyImagesResult, ImageCopy } from './vm/copy-images.js';
export { shareImage, shareImageInputSchema } from './vm/share-image.js';
export type { ShareImageInput, ShareImageResult } from './vm/share-image.js';
export { listImageTasks, taskPageSize } from './vm/list-image-tasks.js';

// Old spellings (`Jdcloud`), deprecated aliases so existing imports keep working.
export { formatJdcloudDate, parseJdcloudDate } from './signing/jdcloud-date.js';
