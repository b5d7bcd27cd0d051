import { hash } from 'node:crypto';
import { signingAlgorithm } from './algorithm.js';

/** `JDCLOUD2-HMAC-SHA256\n<date>\n<scope>\n<hex sha256 of the canonical request>` (docs §1.8). */
export function stringToSign(jdcloudDate: string, scope: string, canonicalRequestText: string): string {
  const requestHash = hash('sha256', canonicalRequestText, 'hex');
  return `${signingAlgorithm}\n${jdcloudDate}\n${scope}\n${requestHash}`;
}
