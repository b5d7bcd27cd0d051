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
