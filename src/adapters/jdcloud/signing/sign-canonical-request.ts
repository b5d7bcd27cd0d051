import { authorizationHeader } from './authorization.js';
import { canonicalHeaders } from './canonical-headers.js';
import { canonicalRequest } from './canonical-request.js';
import { credentialScope, shortDate } from './credential-scope.js';
import { signature, signingKey, type SigningKeyCache } from './signing-key.js';
import { stringToSign } from './string-to-sign.js';

export interface JdCloudCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CanonicalSigningInput {
  method: string;
  /** Already canonical (see `canonicalUri`). */
  canonicalUri: string;
  /** Already canonical (see `canonicalQuery`); `''` when there is no query. */
  canonicalQuery: string;
  /** Exactly the headers to sign, including host, x-jdcloud-date and x-jdcloud-nonce. */
  headers: Readonly<Record<string, string>>;
  payloadHash: string;
  /** The `x-jdcloud-date` value, `YYYYMMDDTHHMMSSZ`. */
  jdcloudDate: string;
  region: string;
  service: string;
  credentials: JdCloudCredentials;
  /** Reuses derived keys across requests (the client and the emulator keep one). */
  keyCache?: SigningKeyCache;
}

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
  const headers = canonicalHeaders(input.headers);
  const request = canonicalRequest({
    method: input.method,
    canonicalUri: input.canonicalUri,
    canonicalQuery: input.canonicalQuery,
    canonicalHeaders: headers.block,
    signedHeaders: headers.signedHeaders,
    payloadHash: input.payloadHash,
  });
  const scope = credentialScope(input.jdcloudDate, input.region, input.service);
  const toSign = stringToSign(input.jdcloudDate, scope, request);
  const keyArgs = [input.credentials.secretAccessKey, shortDate(input.jdcloudDate), input.region, input.service] as const;
  const key = input.keyCache === undefined ? signingKey(...keyArgs) : input.keyCache.get(...keyArgs);
  const hex = signature(key, toSign);
  return {
    canonicalRequest: request,
    stringToSign: toSign,
    scope,
    signedHeaders: headers.signedHeaders,
    signature: hex,
    authorization: authorizationHeader({
      accessKeyId: input.credentials.accessKeyId,
      scope,
      signedHeaders: headers.signedHeaders,
      signature: hex,
    }),
  };
}
