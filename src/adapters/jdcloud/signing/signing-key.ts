// The signing key of JDCLOUD2-HMAC-SHA256 (docs/reference/jdcloud-api.md §1.8): the credential
// scope, the HMAC key chain, and the cache that saves deriving it for every request (modelled
// on smithy-typescript signature-v4's credentialDerivation).
import { createHmac } from 'node:crypto';

/** What makes JDCLOUD2's key chain differ from AWS SigV4's (§1.1). */
export const keyPrefix = 'JDCLOUD2';
export const scopeTerminator = 'jdcloud2_request';

/** `YYYYMMDD`: the first 8 characters of `x-jdcloud-date` (§1.8). */
export function shortDate(jdCloudDate: string): string {
  return jdCloudDate.slice(0, 8);
}

/** `shortDate/region/service/jdcloud2_request` (§1.8). */
export function credentialScope(jdCloudDate: string, region: string, service: string): string {
  return `${shortDate(jdCloudDate)}/${region}/${service}/${scopeTerminator}`;
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The key chain of §1.8: HMAC over short date, region, service and `jdcloud2_request`. */
export function signingKey(secretAccessKey: string, shortDateText: string, region: string, service: string): Buffer {
  const dateKey = hmac(`${keyPrefix}${secretAccessKey}`, shortDateText);
  const regionKey = hmac(dateKey, region);
  const serviceKey = hmac(regionKey, service);
  return hmac(serviceKey, scopeTerminator);
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
