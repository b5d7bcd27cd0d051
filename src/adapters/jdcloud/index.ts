// The library API: `import { signRequest } from 'oss-image-import/jdcloud'` (package.json "exports").
export { signRequest, buildSignedRequest } from './signing/sign-request.js';
export type { SignRequestInput, SignedRequest } from './signing/sign-request.js';
export { signCanonicalRequest } from './signing/sign-canonical-request.js';
export type { JdCloudCredentials, CanonicalSigningInput, SignatureSteps } from './signing/sign-canonical-request.js';
export { canonicalUri } from './signing/canonical-uri.js';
export { canonicalQuery, parseQueryPairs } from './signing/canonical-query.js';
export type { QueryPair } from './signing/canonical-query.js';
export { canonicalHeaders } from './signing/canonical-headers.js';
export { payloadHash, emptyPayloadHash } from './signing/payload-hash.js';
export { formatJdcloudDate, parseJdcloudDate } from './signing/jdcloud-date.js';
export { encodeRfc3986 } from './signing/rfc3986.js';

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

export { JdCloudError } from './errors/jdcloud-error.js';
export { JdCloudApiError } from './errors/jdcloud-api-error.js';
export { JdCloudNetworkError } from './errors/jdcloud-network-error.js';
export { JdCloudTimeoutError } from './errors/jdcloud-timeout-error.js';
export { JdCloudResponseError } from './errors/jdcloud-response-error.js';
export { MissingCredentialsError } from './errors/missing-credentials-error.js';
export { JdCloudConfigError } from './errors/jdcloud-config-error.js';
export { JdCloudInputError } from './errors/jdcloud-input-error.js';
export type { InputIssue } from './errors/jdcloud-input-error.js';

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
export { describeImage, imageStatuses } from './vm/describe-image.js';
export type { DescribeImageResult, VmImage } from './vm/describe-image.js';
export { parseAuthorizationHeader } from './signing/authorization.js';
export { decodePercent } from './signing/rfc3986.js';
export { SigningKeyCache } from './signing/signing-key.js';
export { describeImages } from './vm/describe-images.js';
export { listImageTasks, taskPageSize } from './vm/list-image-tasks.js';
