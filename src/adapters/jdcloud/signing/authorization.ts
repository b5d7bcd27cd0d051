// The signature itself (docs/reference/jdcloud-api.md §1.8–1.9): the string to sign, its HMAC
// under the signing key, and the Authorization header that carries it (and its parser, for the
// emulators' gateway).
import { createHmac, hash } from 'node:crypto';

export const signingAlgorithm = 'JDCLOUD2-HMAC-SHA256';

/** `JDCLOUD2-HMAC-SHA256\n<date>\n<scope>\n<hex sha256 of the canonical request>` (§1.8). */
export function stringToSign(jdCloudDate: string, scope: string, canonicalRequestText: string): string {
  const requestHash = hash('sha256', canonicalRequestText, 'hex');
  return `${signingAlgorithm}\n${jdCloudDate}\n${scope}\n${requestHash}`;
}

/** Lower-case hex HMAC-SHA256 of the string to sign under the signing key. */
export function signature(key: Uint8Array, stringToSignText: string): string {
  return createHmac('sha256', key).update(stringToSignText, 'utf8').digest('hex');
}

export interface AuthorizationParts {
  accessKeyId: string;
  scope: string;
  signedHeaders: string;
  signature: string;
}

/** `JDCLOUD2-HMAC-SHA256 Credential=AK/scope, SignedHeaders=a;b, Signature=hex` (§1.9). */
export function authorizationHeader(parts: AuthorizationParts): string {
  return `${signingAlgorithm} Credential=${parts.accessKeyId}/${parts.scope}, SignedHeaders=${parts.signedHeaders}, Signature=${parts.signature}`;
}

/** The parts of an Authorization header, or undefined when it is not a JDCLOUD2 one. */
export function parseAuthorizationHeader(
  value: string,
): { accessKeyId: string; scope: string; signedHeaders: string[]; signature: string } | undefined {
  const match =
    /^JDCLOUD2-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (match === null) return undefined;
  const [, accessKeyId = '', scope = '', signedHeaders = '', signatureHex = ''] = match;
  return { accessKeyId, scope, signedHeaders: signedHeaders.split(';'), signature: signatureHex };
}
