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

/**
 * Remembers derived signing keys. A key changes once a day per region and service, and deriving
 * it costs four HMACs: most of the time of signing one request.
 */
export class SigningKeyCache {
  readonly #keys = new Map<string, Buffer>();
  readonly #capacity: number;

  constructor(capacity = 64) {
    this.#capacity = capacity;
  }

  get(secretAccessKey: string, shortDateText: string, region: string, service: string): Buffer {
    const id = `${shortDateText}\n${region}\n${service}\n${secretAccessKey}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      // Old dates are never asked for again; starting over is simpler than tracking age.
      if (this.#keys.size >= this.#capacity) this.#keys.clear();
      key = signingKey(secretAccessKey, shortDateText, region, service);
      this.#keys.set(id, key);
    }
    return key;
  }
}
