import { hash } from 'node:crypto';

/** SHA-256 of the empty body: GET, DELETE and every request without a body (docs §1.3). */
export const emptyPayloadHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Lower-case hex SHA-256 of the exact bytes sent; a string is hashed as UTF-8 (docs §1.7). */
export function payloadHash(body: string | Uint8Array | undefined): string {
  if (body === undefined || body.length === 0) return emptyPayloadHash;
  return hash('sha256', body, 'hex');
}
