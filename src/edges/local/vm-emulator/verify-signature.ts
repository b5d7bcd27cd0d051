import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { canonicalQuery, canonicalUri, type JdCloudCredentials, parseAuthorizationHeader, parseJdCloudDate, parseQueryPairs, payloadHash, signCanonicalRequest, type SigningKeyCache } from '../../../adapters/jdcloud/index.js';
import type { ApiFailure } from './api-responses.js';
import type { NonceRegistry } from './nonce-registry.js';

export interface ReceivedRequest {
  method: string;
  /** The raw request target: path and query as sent. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The regionId of the path: the scope must name it. */
  region: string;
}

export interface GatewayPolicy {
  service: string;
  secretFor(accessKeyId: string): string | undefined;
  clockSkewMs: number;
  nonces: NonceRegistry;
  nowMs: number;
  keyCache: SigningKeyCache;
}

export type GatewayVerdict = { ok: true; accessKeyId: string; nonce: string } | { ok: false; failure: ApiFailure };

const accessError = (message: string): GatewayVerdict => ({ ok: false, failure: { httpStatus: 401, status: 'ACCESS_ERROR', message } });

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * What the API gateway checks before the VM service sees a request (docs §1.11; the server
 * side is jdcloud-sdk-java-signer's SHA256Algorithm): an Authorization header, signed host,
 * date and nonce, a known key, a date within the skew, the signature recomputed over exactly
 * the SignedHeaders named (scope region = the path's regionId, service = vm), then a fresh nonce.
 */
export function verifyGatewaySignature(request: ReceivedRequest, policy: GatewayPolicy): GatewayVerdict {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined || authorization === '') return accessError('lack of header authorization[gw]');
  const parsed = parseAuthorizationHeader(authorization);
  if (parsed === undefined) return accessError('authorization header is illegal[gw]');
  for (const required of ['host', 'x-jdcloud-date', 'x-jdcloud-nonce']) {
    if (!parsed.signedHeaders.includes(required) || header(request.headers, required) === undefined) {
      return accessError(`lack of header ${required}[gw]`);
    }
  }
  const secret = policy.secretFor(parsed.accessKeyId);
  if (secret === undefined) return accessError('accessKey not exist[gw]');

  const jdCloudDate = header(request.headers, 'x-jdcloud-date') ?? '';
  const signedAt = parseJdCloudDate(jdCloudDate);
  if (signedAt === undefined) return accessError(`x-jdcloud-date '${jdCloudDate}' is illegal[gw]`);
  if (Math.abs(policy.nowMs - signedAt.getTime()) > policy.clockSkewMs) {
    return accessError(`request time '${jdCloudDate}' is too far from server time[gw]`);
  }

  const queryStart = request.target.indexOf('?');
  const path = queryStart === -1 ? request.target : request.target.slice(0, queryStart);
  const search = queryStart === -1 ? '' : request.target.slice(queryStart + 1);
  const signedHeaders: Record<string, string> = {};
  for (const name of parsed.signedHeaders) signedHeaders[name] = header(request.headers, name) ?? '';
  // The Python SDK sends the payload hash in a header; the validator prefers it when present.
  const contentHash = header(request.headers, 'x-jdcloud-content-sha256') ?? payloadHash(request.body);
  const credentials: JdCloudCredentials = { accessKeyId: parsed.accessKeyId, secretAccessKey: secret };
  const expected = signCanonicalRequest({
    method: request.method,
    canonicalUri: canonicalUri(path),
    canonicalQuery: canonicalQuery(parseQueryPairs(search)),
    headers: signedHeaders,
    payloadHash: contentHash,
    jdCloudDate,
    region: request.region,
    service: policy.service,
    credentials,
    keyCache: policy.keyCache,
  });
  const sameScope = parsed.scope === expected.scope;
  const sameSignature = timingSafeEqual(Buffer.from(parsed.signature, 'hex'), Buffer.from(expected.signature, 'hex'));
  if (!sameScope || !sameSignature) return accessError('sign result is not same [gw]');

  const nonce = header(request.headers, 'x-jdcloud-nonce') ?? '';
  if (!policy.nonces.claim(nonce, policy.nowMs)) {
    return { ok: false, failure: { httpStatus: 403, status: 'APIGW_NONCE_CONFLICT', message: `nonce '${nonce}' was already used: 重复访问[gw]` } };
  }
  return { ok: true, accessKeyId: parsed.accessKeyId, nonce };
}
