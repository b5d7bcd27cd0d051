import { randomUUID } from 'node:crypto';
import { dateHeader, nonceHeader } from './algorithm.js';
import { canonicalQuery, parseQueryPairs } from './canonical-query.js';
import { canonicalUri } from './canonical-uri.js';
import { formatJdcloudDate } from './jdcloud-date.js';
import { payloadHash } from './payload-hash.js';
import { signCanonicalRequest, type JdCloudCredentials, type SignatureSteps } from './sign-canonical-request.js';

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

/** `signRequest` with every intermediate step and the wire path, for the client and tests. */
export function buildSignedRequest(input: SignRequestInput): SignedRequest {
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const jdcloudDate = formatJdcloudDate(input.date ?? new Date());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['host'] ??= url.host;
  headers['content-type'] ??= 'application/json';
  headers[dateHeader] = jdcloudDate;
  headers[nonceHeader] = input.nonce ?? randomUUID();

  const uri = canonicalUri(url.pathname);
  const query = canonicalQuery(parseQueryPairs(url.search));
  const steps = signCanonicalRequest({
    method: input.method,
    canonicalUri: uri,
    canonicalQuery: query,
    headers,
    payloadHash: payloadHash(input.body),
    jdcloudDate,
    region: input.region,
    service: input.service,
    credentials: input.credentials,
  });
  headers['authorization'] = steps.authorization;
  return { ...steps, headers, pathAndQuery: query === '' ? uri : `${uri}?${query}` };
}
