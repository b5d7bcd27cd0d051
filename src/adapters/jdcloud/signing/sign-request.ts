// Signing one request with JDCLOUD2-HMAC-SHA256 (docs/reference/jdcloud-api.md §1): the steps in
// order over canonical parts (`signCanonicalRequest`, what the emulators' gateway recomputes),
// and over a URL, headers and body (`buildSignedRequest`, what the client sends).
import { randomUUID } from 'node:crypto';
import { authorizationHeader, signature, stringToSign } from './authorization.js';
import { canonicalHeaders, canonicalQuery, canonicalRequest, canonicalUri, parseQueryPairs, payloadHash } from './canonical-request.js';
import { formatJdCloudDate } from './jdcloud-date.js';
import { credentialScope, shortDate, signingKey, type SigningKeyCache } from './signing-key.js';

/** The headers JDCLOUD2 adds to every request (§1.2). */
export const dateHeader = 'x-jdcloud-date';
export const nonceHeader = 'x-jdcloud-nonce';

export interface JdCloudCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

interface CanonicalSigningParts {
  method: string;
  /** Already canonical (see `canonicalUri`). */
  canonicalUri: string;
  /** Already canonical (see `canonicalQuery`); `''` when there is no query. */
  canonicalQuery: string;
  /** Exactly the headers to sign, including host, x-jdcloud-date and x-jdcloud-nonce. */
  headers: Readonly<Record<string, string>>;
  payloadHash: string;
  region: string;
  service: string;
  credentials: JdCloudCredentials;
  /** Reuses derived keys across requests (the client and the emulator keep one). */
  keyCache?: SigningKeyCache;
}

/** The `x-jdcloud-date` value, `YYYYMMDDTHHMMSSZ`, as `jdCloudDate` (or the deprecated `jdcloudDate`). */
export type CanonicalSigningInput = CanonicalSigningParts &
  ({ jdCloudDate: string } | { /** @deprecated Use `jdCloudDate`. */ jdcloudDate: string });

/** Every intermediate value of one signature, so tests and the emulator can compare each step. */
export interface SignatureSteps {
  canonicalRequest: string;
  stringToSign: string;
  scope: string;
  signedHeaders: string;
  signature: string;
  authorization: string;
}

/** Runs the steps in order over already-canonical parts. Pure: no clock, no randomness. */
export function signCanonicalRequest(input: CanonicalSigningInput): SignatureSteps {
  const jdCloudDate = 'jdCloudDate' in input ? input.jdCloudDate : input.jdcloudDate;
  const headers = canonicalHeaders(input.headers);
  const request = canonicalRequest({
    method: input.method,
    canonicalUri: input.canonicalUri,
    canonicalQuery: input.canonicalQuery,
    canonicalHeaders: headers.block,
    signedHeaders: headers.signedHeaders,
    payloadHash: input.payloadHash,
  });
  const scope = credentialScope(jdCloudDate, input.region, input.service);
  const toSign = stringToSign(jdCloudDate, scope, request);
  const keyArgs = [input.credentials.secretAccessKey, shortDate(jdCloudDate), input.region, input.service] as const;
  const key = input.keyCache === undefined ? signingKey(...keyArgs) : input.keyCache.get(...keyArgs);
  const hex = signature(key, toSign);
  return {
    canonicalRequest: request,
    stringToSign: toSign,
    scope,
    signedHeaders: headers.signedHeaders,
    signature: hex,
    authorization: authorizationHeader({ accessKeyId: input.credentials.accessKeyId, scope, signedHeaders: headers.signedHeaders, signature: hex }),
  };
}

export interface SignRequestInput {
  method: string;
  /** Absolute URL; its path and query may be raw (`/images:import`) or percent-encoded. */
  url: string | URL;
  /** Extra headers; all are signed except user-agent and authorization (and hop-by-hop ones). */
  headers?: Readonly<Record<string, string>>;
  /** The exact body that will be sent; absent or empty for GET. */
  body?: string | Uint8Array;
  credentials: JdCloudCredentials;
  /** The request's regionId, e.g. `cn-north-1` (`jdcloud-api` for APIs without one). */
  region: string;
  /** The signing service, e.g. `vm`, `fc`. */
  service: string;
  /** The clock; defaults to now. */
  date?: Date;
  /** Defaults to a fresh UUID v4; must never repeat (the gateway rejects a reused nonce). */
  nonce?: string;
  /** Reuses derived signing keys across calls (the client keeps one). */
  keyCache?: SigningKeyCache;
}

export interface SignedRequest extends SignatureSteps {
  /** Everything to send: the caller's headers (names lower-cased) plus host, date, nonce, content-type, authorization. */
  headers: Record<string, string>;
  /** The path and query to put on the wire: the same canonical strings that were signed. */
  pathAndQuery: string;
}

/**
 * Signs one request with JDCLOUD2-HMAC-SHA256 and returns the headers to send. Adds `host`
 * (from the URL, no default port), `x-jdcloud-date`, `x-jdcloud-nonce` and `content-type`
 * (`application/json` unless given; the SDKs send it on GET too) and signs those together
 * with every header given. Does no I/O.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  return buildSignedRequest(input).headers;
}

/** `signRequest` with every intermediate step and the wire path: what the client sends. */
export function buildSignedRequest(input: SignRequestInput): SignedRequest {
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const jdCloudDate = formatJdCloudDate(input.date ?? new Date());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['host'] ??= url.host;
  headers['content-type'] ??= 'application/json';
  headers[dateHeader] = jdCloudDate;
  headers[nonceHeader] = input.nonce ?? randomUUID();

  const uri = canonicalUri(url.pathname);
  const query = canonicalQuery(parseQueryPairs(url.search));
  const steps = signCanonicalRequest({
    method: input.method,
    canonicalUri: uri,
    canonicalQuery: query,
    headers,
    payloadHash: payloadHash(input.body),
    jdCloudDate,
    region: input.region,
    service: input.service,
    credentials: input.credentials,
    ...(input.keyCache !== undefined ? { keyCache: input.keyCache } : {}),
  });
  headers['authorization'] = steps.authorization;
  return { ...steps, headers, pathAndQuery: query === '' ? uri : `${uri}?${query}` };
}
