import { createHmac } from 'node:crypto';
import { keyPrefix, scopeTerminator } from './algorithm.js';

function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The key chain of docs §1.8: HMAC over short date, region, service and `jdcloud2_request`. */
export function signingKey(secretAccessKey: string, shortDateText: string, region: string, service: string): Buffer {
  const dateKey = hmac(`${keyPrefix}${secretAccessKey}`, shortDateText);
  const regionKey = hmac(dateKey, region);
  const serviceKey = hmac(regionKey, service);
  return hmac(serviceKey, scopeTerminator);
}

/** Lower-case hex HMAC-SHA256 of the string to sign under the signing key. */
export function signature(key: Uint8Array, stringToSignText: string): string {
  return createHmac('sha256', key).update(stringToSignText, 'utf8').digest('hex');
}
