import { signingAlgorithm } from './algorithm.js';

export interface AuthorizationParts {
  accessKeyId: string;
  scope: string;
  signedHeaders: string;
  signature: string;
}

/** `JDCLOUD2-HMAC-SHA256 Credential=AK/scope, SignedHeaders=a;b, Signature=hex` (docs §1.9). */
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
