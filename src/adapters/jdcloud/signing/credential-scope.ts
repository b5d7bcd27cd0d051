import { scopeTerminator } from './algorithm.js';

/** `YYYYMMDD`: the first 8 characters of `x-jdcloud-date` (docs §1.8). */
export function shortDate(jdcloudDate: string): string {
  return jdcloudDate.slice(0, 8);
}

/** `shortDate/region/service/jdcloud2_request` (docs §1.8). */
export function credentialScope(jdcloudDate: string, region: string, service: string): string {
  return `${shortDate(jdcloudDate)}/${region}/${service}/${scopeTerminator}`;
}
